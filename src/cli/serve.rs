//! `serve`: the web interface (the library's `web` module) on this machine.

use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use amanat::{Error, LockedVault};
use clap::Args;

use super::Global;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on: 127.0.0.1 or ::1 only (any other is refused)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    listen: IpAddr,
    /// Port to listen on (0: any free one; the address printed names it)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Lock the vault after this long without use: minutes, or a number with s, m or h
    #[arg(long, default_value = "10", value_name = "TIME", value_parser = idle)]
    idle_lock: Duration,
}

fn idle(s: &str) -> Result<Duration, String> {
    let (n, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, 'm'),
    };
    let n: u64 = n
        .parse()
        .map_err(|_| amanat::tr!("cli-idle-not-time", value = format!("{s:?}")))?;
    let secs = match unit {
        's' => n,
        'm' => n * 60,
        'h' => n * 3600,
        _ => return Err(amanat::tr!("cli-idle-unit", value = format!("{s:?}"))),
    };
    if secs == 0 || secs > 24 * 3600 {
        return Err(amanat::tr!("cli-idle-range"));
    }
    Ok(Duration::from_secs(secs))
}

pub fn serve(g: &Global, a: ServeArgs) -> anyhow::Result<u8> {
    let paths = super::vault_paths(g)?;
    let keyring = paths.keyring.clone();
    let locked = LockedVault::open(paths)?;
    if !locked.keyring_present() {
        return Err(Error::KeyringMissing(keyring).into());
    }
    let opts = amanat::web::Options {
        addr: a.listen,
        port: a.port,
        idle: a.idle_lock,
        lang: amanat::i18n::current(),
    };
    amanat::web::serve(locked, opts, |url| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        eprintln!(
            "{}",
            amanat::tr!("serve-ready", idle = humantime(a.idle_lock))
        );
    })?;
    Ok(0)
}

fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 3600 == 0 => amanat::tr!("cli-hours", n = (s / 3600)),
        s if s % 60 == 0 => amanat::tr!("cli-minutes", n = (s / 60)),
        s => amanat::tr!("cli-seconds", n = s),
    }
}
