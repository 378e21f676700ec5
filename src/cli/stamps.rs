//! `amanat tsa …` and `amanat timestamp`: time-stamp authorities and tokens over the
//! custody log.
use std::path::PathBuf;

use amanat::tr;
use amanat::vault::timestamps::{Timestamping, DEFAULT_TIMEOUT_SECS};
use amanat::Vault;
use clap::{Args, Subcommand};
use serde_json::json;

use super::local_tsa;
use super::safe::Safe;
use super::{print, print_json};

#[derive(Subcommand)]
pub enum TsaCommand {
    /// Add an RFC 3161 time-stamp authority, trusted for the tokens it signs
    Add {
        /// A name for the authority
        name: String,
        /// Its address, e.g. https://freetsa.org/tsr
        url: String,
        /// The authority's certificate, or its CA's, PEM or DER (fetched from the authority
        /// over a channel you trust): a token is stored only if its signer is one of these
        /// or is issued by one
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        /// Seconds to wait for its answer
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS)]
        timeout: u64,
    },
    /// List the authorities
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove an authority (the tokens it gave stay in the log)
    Remove { name: String },
    /// A throwaway authority on 127.0.0.1 for trying timestamps out and for tests: makes a
    /// CA and a TSA certificate with `openssl` in DIR, prints its address and DIR/ca.pem,
    /// and answers with `openssl ts -reply` until stopped
    #[command(hide = true)]
    LocalAuthority {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "good")]
        answer: local_tsa::Answer,
        #[arg(long, value_enum, default_value = "ec")]
        key: local_tsa::KeyType,
    },
}

pub fn tsa(v: &Vault, c: TsaCommand) -> anyhow::Result<u8> {
    match c {
        TsaCommand::Add {
            name,
            url,
            cert,
            timeout,
        } => {
            let bytes = std::fs::read(&cert).map_err(|e| {
                let path = cert.display().to_string();
                anyhow::anyhow!(
                    "{}",
                    tr!("cli-tsa-cert-unreadable", path = path, why = e.to_string())
                )
            })?;
            let t = v.tsa_add(&name, &url, &bytes, timeout)?;
            eprintln!(
                "{}",
                tr!(
                    "cli-tsa-added",
                    name = format!("{:?}", t.name),
                    url = t.url.as_str(),
                    subjects = t.subjects().join("; ")
                )
            );
            Ok(0)
        }
        TsaCommand::List { json } => {
            let list = v.tsas()?;
            if json {
                let j: Vec<_> = list
                    .iter()
                    .map(|t| json!({"name": t.name, "url": t.url, "certificates": t.subjects(), "timeout": t.timeout}))
                    .collect();
                print_json(&j)?;
            } else {
                let mut s = String::new();
                for t in &list {
                    let trusts = tr!(
                        "cli-tsa-line",
                        subjects = Safe(&t.subjects().join("; ")).to_string()
                    );
                    s.push_str(&format!("{}  {}  {trusts}\n", Safe(&t.name), Safe(&t.url)));
                }
                print(&s)?;
            }
            Ok(if list.is_empty() { 1 } else { 0 })
        }
        TsaCommand::Remove { name } => {
            v.tsa_remove(&name)?;
            eprintln!("{}", tr!("cli-tsa-removed", name = format!("{name:?}")));
            Ok(0)
        }
        TsaCommand::LocalAuthority { .. } => unreachable!("runs without a vault"),
    }
}

/// `tsa local-authority`, which needs no vault: serves until the process is stopped.
pub fn local_authority(
    dir: PathBuf,
    answer: local_tsa::Answer,
    key: local_tsa::KeyType,
) -> anyhow::Result<u8> {
    let ca = local_tsa::make_authority(&dir, key)?;
    let dir = dir.canonicalize()?;
    let (listener, url) = local_tsa::listen()?;
    println!("{url}");
    println!("{}", ca.display());
    use std::io::Write;
    std::io::stdout().flush()?;
    local_tsa::serve(listener, &dir, answer)?;
    Ok(0)
}

#[derive(Args)]
pub struct TimestampArgs {
    /// Ask only this authority (its name or address in `amanat tsa list`), even if the
    /// log is already covered
    #[arg(long, value_name = "NAME|URL")]
    tsa: Option<String>,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

/// Asks the authorities for tokens over the log; exit 1 if none gave one.
pub fn timestamp(v: &Vault, a: TimestampArgs) -> anyhow::Result<u8> {
    let t = v.timestamp(a.tsa.as_deref())?;
    if a.json {
        print_json(&t)?;
    } else {
        report(&t);
    }
    let stamped = t.already.is_some() || t.asked.iter().any(|x| x.time.is_some());
    Ok(if stamped { 0 } else { 1 })
}

/// What `timestamp` (or the one an export asks for) did, on standard error.
pub fn report(t: &Timestamping) {
    if let Some(time) = &t.already {
        let time = time.to_string();
        eprintln!(
            "{}",
            tr!("cli-stamped-already", events = t.events, time = time)
        );
    }
    for a in &t.asked {
        match (&a.time, &a.failed) {
            (Some(time), _) => eprintln!(
                "{}",
                tr!(
                    "cli-stamped",
                    tsa = Safe(&a.tsa).to_string(),
                    events = t.events,
                    time = time.to_string(),
                    authority = Safe(a.authority.as_deref().unwrap_or("?")).to_string()
                )
            ),
            (None, Some(why)) => eprintln!(
                "amanat: {}",
                tr!(
                    "cli-stamp-failed",
                    tsa = Safe(&a.tsa).to_string(),
                    why = super::safe::worded(why)
                )
            ),
            _ => {}
        }
    }
}
