//! The tour's replica step: a single Garage node started on loopback in the tour's
//! directory (when `garage` is installed), an inbox the vault can only write to, a push, a
//! lost laptop, and a restore on a fresh vault directory. Stopped by process id.
use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use amanat::format::keyring::Passphrase;
use amanat::vault::remotes::Remote;
use amanat::{tr, Vault, VaultPaths};

macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

/// A Garage server the tour started, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn garage_program() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("garage"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        Some(home.join("bin/garage")).filter(|p| p.is_file())
    })
}

fn port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs `garage -c conf ARGS`, tried again for a few seconds while the node starts.
fn garage(program: &Path, conf: &Path, args: &[&str]) -> anyhow::Result<String> {
    let start = Instant::now();
    loop {
        let o = Command::new(program)
            .arg("-c")
            .arg(conf)
            .args(args)
            .stdin(Stdio::null())
            .output()?;
        if o.status.success() {
            return Ok(String::from_utf8_lossy(&o.stdout).into_owned());
        }
        if start.elapsed() > Duration::from_secs(20) {
            anyhow::bail!(
                "garage {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&o.stderr).trim()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The key id and secret `garage key create` printed.
fn key_of(printed: &str) -> (String, String) {
    let field = |label: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    (field("Key ID:"), field("Secret key:"))
}

/// Starts a node in `dir` with an `inbox` bucket and a key that may only write to it.
fn start(program: &Path, dir: &Path) -> anyhow::Result<(Server, Remote)> {
    let (s3, rpc) = (port()?, port()?);
    let conf = dir.join("garage.toml");
    fs::write(
        &conf,
        format!(
            "metadata_dir = \"{}\"\ndata_dir = \"{}\"\ndb_engine = \"sqlite\"\n\
             replication_factor = 1\nrpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{}\"\n\n[s3_api]\n\
             s3_region = \"garage\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n\
             root_domain = \".s3.garage.localhost\"\n",
            dir.join("meta").display(),
            dir.join("data").display(),
            hex::encode(amanat::crypto::random_bytes::<32>()),
        ),
    )?;
    let log = fs::File::create(dir.join("garage.log"))?;
    let server = Server(
        Command::new(program)
            .arg("-c")
            .arg(&conf)
            .arg("server")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?,
    );
    let id = garage(program, &conf, &["node", "id", "-q"])?;
    let short: String = id.trim().chars().take(16).collect();
    garage(
        program,
        &conf,
        &["layout", "assign", "-z", "dc1", "-c", "1G", &short],
    )?;
    garage(program, &conf, &["layout", "apply", "--version", "1"])?;
    garage(program, &conf, &["bucket", "create", "inbox"])?;
    let key = garage(program, &conf, &["key", "create", "laptop"])?;
    garage(
        program,
        &conf,
        &["bucket", "allow", "--write", "inbox", "--key", "laptop"],
    )?;
    let (access_key_id, secret) = key_of(&key);
    let remote = Remote {
        name: "org-garage".into(),
        endpoint: format!("http://127.0.0.1:{s3}"),
        bucket: "inbox".into(),
        region: "garage".into(),
        access_key_id,
        secret,
        timeout: 30,
        added: jiff::Timestamp::now().as_second(),
        escrow: false,
    };
    Ok((server, remote))
}

/// Step 12: push to a Garage node, lose the laptop, restore on a new one.
pub fn replicate(vault: &Vault, dir: &Path, pass: &Passphrase) -> anyhow::Result<()> {
    super::tour::step(12, &tr!("tour-step-replica"))?;
    let Some(program) = garage_program() else {
        say!("   {}", tr!("tour-no-garage"));
        return Ok(());
    };
    let gdir = dir.join("garage");
    fs::create_dir_all(&gdir)?;
    let (server, remote) = start(&program, &gdir)?;
    say!(
        "   {}",
        tr!("tour-garage-started", endpoint = remote.endpoint.as_str())
    );
    vault.remote_add(&remote)?;
    let pushed = amanat::replica::push::push(vault, &remote.name, &|_| {})?;
    say!(
        "   {}",
        tr!(
            "tour-pushed",
            objects = (pushed.objects as u64),
            kib = (pushed.journal_bytes.div_ceil(1024) as u64)
        )
    );
    // The laptop is seized; the organisation's custodian restores from the replica with
    // its own key (in the tour, the inbox's owner key stands in for the archive's).
    let reader = garage(
        &program,
        &gdir.join("garage.toml"),
        &["key", "create", "custodian"],
    )?;
    garage(
        &program,
        &gdir.join("garage.toml"),
        &["bucket", "allow", "--read", "inbox", "--key", "custodian"],
    )?;
    let (access_key_id, secret) = key_of(&reader);
    let mut custodian = remote.clone();
    custodian.access_key_id = access_key_id;
    custodian.secret = secret;
    let new_laptop = VaultPaths::new(dir.join("new-laptop"), None);
    let (restored, r) = amanat::replica::restore::restore(
        &new_laptop,
        &vault.paths().keyring,
        pass,
        &custodian,
        None,
        &|_| {},
    )?;
    let ok = if r.check.ok() { "yes" } else { "no" };
    say!(
        "   {}",
        tr!(
            "tour-restored",
            restored = (r.check.records as u64),
            records = (vault.count() as u64),
            ok = ok
        )
    );
    drop(restored);
    drop(server);
    Ok(())
}
