//! What one run of `serve` holds: its secrets, and the vault, locked or open, behind one
//! lock that requests share and that locking takes whole.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::format::keyring::Passphrase;
use crate::vault::{LockedVault, Vault};

/// The vault as the server holds it. The vault's lock (its `lock` file) is held in every
/// state but `Gone`, so no other command opens the vault while `serve` runs.
pub(crate) enum Slot {
    Locked(Box<LockedVault>),
    Open(Box<Vault>),
    /// An unlock failed after the keyring opened (a damaged database, say), or the vault
    /// was shredded: nothing is held any more, and the reason is shown.
    Gone(String),
}

/// One run of `serve`.
pub(crate) struct App {
    /// The secret in the URL `serve` prints: whoever has it gets a session.
    pub token: String,
    /// The session cookie's value, set by a visit with the token.
    pub session: String,
    /// The token every state-changing request carries (`X-CSRF-Token` or `?csrf=`).
    pub csrf: String,
    /// The values the `Host` header may take: this address and port only.
    pub hosts: Vec<String>,
    /// `http://` and the first of `hosts`: what `Origin` must be when a browser sends it.
    pub origin: String,
    slot: RwLock<Slot>,
    last: Mutex<Instant>,
    /// The check the maintenance page started, if any.
    checking: Mutex<super::maintain::Checking>,
    /// Bundles (ciphertext) between two requests, by the random name a page carries.
    held: Mutex<HashMap<String, PathBuf>>,
    pub idle: Duration,
}

/// Why a request that needs the open vault cannot have it.
pub(crate) enum Unavailable {
    Locked,
    Gone(String),
}

impl App {
    pub fn new(vault: LockedVault, local: SocketAddr, idle: Duration) -> App {
        let secret = || hex::encode(crate::crypto::random_bytes::<32>());
        let port = local.port();
        let hosts = if local.is_ipv4() {
            vec![
                format!("{}:{port}", local.ip()),
                format!("localhost:{port}"),
            ]
        } else {
            vec![
                format!("[{}]:{port}", local.ip()),
                format!("localhost:{port}"),
            ]
        };
        App {
            token: secret(),
            session: secret(),
            csrf: secret(),
            origin: format!("http://{}", hosts[0]),
            hosts,
            slot: RwLock::new(Slot::Locked(Box::new(vault))),
            last: Mutex::new(Instant::now()),
            held: Mutex::new(HashMap::new()),
            checking: Mutex::new(Default::default()),
            idle,
        }
    }

    /// The URL to open: the first allowed host, with the token.
    pub fn url(&self) -> String {
        format!("{}/?token={}", self.origin, self.token)
    }

    pub fn checking(&self) -> std::sync::MutexGuard<'_, super::maintain::Checking> {
        self.checking.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `shred`: the keyring destroyed while the server still holds the vault (no other
    /// command can be in it), then the vault let go of, its keys wiped; with `all`, the
    /// whole directory removed after. Nothing opens it again.
    pub fn shred(&self, all: bool) -> Result<()> {
        let mut slot = self.write();
        let paths = match &*slot {
            Slot::Locked(l) => l.paths().clone(),
            Slot::Open(v) => v.paths().clone(),
            Slot::Gone(_) => {
                return Err(crate::error::Error::Invalid(
                    "the vault is no longer held by this server".into(),
                ))
            }
        };
        crate::vault::lifecycle::shred(&paths, false)?;
        *slot = Slot::Gone("The vault was shredded: its keyring is destroyed.".into());
        drop(slot);
        if all {
            crate::vault::lifecycle::shred(&paths, true)?;
        }
        Ok(())
    }

    /// Keeps a bundle's path for the request that will use it.
    pub fn hold(&self, token: String, path: PathBuf) {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, path);
    }

    /// The path held under `token`, once.
    pub fn take_held(&self, token: &str) -> Option<PathBuf> {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token)
    }

    /// Marks activity: the idle lock counts from the last request.
    pub fn touch(&self) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }

    pub fn is_open(&self) -> bool {
        matches!(*self.read(), Slot::Open(_))
    }

    /// Whether the open vault is a collector's (it cannot read what it holds).
    pub fn is_collector(&self) -> bool {
        matches!(&*self.read(), Slot::Open(v) if v.is_collector())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Slot> {
        self.slot.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Slot> {
        self.slot.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the open vault (blocking: call it from a blocking task).
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> std::result::Result<Result<T>, Unavailable> {
        match &*self.read() {
            Slot::Open(v) => Ok(f(v)),
            Slot::Locked(_) => Err(Unavailable::Locked),
            Slot::Gone(why) => Err(Unavailable::Gone(why.clone())),
        }
    }

    /// Unlocks with `pass`; a wrong passphrase keeps the vault locked (and its lock held).
    pub fn unlock(&self, pass: &Passphrase) -> Result<()> {
        let mut slot = self.write();
        match std::mem::replace(&mut *slot, Slot::Gone(String::new())) {
            Slot::Locked(l) => match l.try_unlock(pass) {
                Ok(v) => *slot = Slot::Open(Box::new(v)),
                Err(failed) => {
                    let (e, back) = *failed;
                    *slot = match back {
                        Some(l) => Slot::Locked(Box::new(l)),
                        None => Slot::Gone(format!("the vault could not be opened: {e}")),
                    };
                    return Err(e);
                }
            },
            other => *slot = other,
        }
        Ok(())
    }

    /// Locks the vault: its keys are dropped and wiped; the vault's lock stays held.
    /// Waits for requests that are using it to finish.
    pub fn lock(&self) {
        let mut slot = self.write();
        if let Slot::Open(_) = &*slot {
            if let Slot::Open(v) = std::mem::replace(&mut *slot, Slot::Gone(String::new())) {
                *slot = Slot::Locked(Box::new(v.lock()));
            }
        }
    }
}

/// Locks the vault once no request came for `app.idle`. Runs for the server's life.
pub(crate) async fn idle_locker(app: Arc<App>) {
    let step = (app.idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(5));
    loop {
        tokio::time::sleep(step).await;
        if app.is_open() && app.idle_for() >= app.idle {
            let a = app.clone();
            let _ = tokio::task::spawn_blocking(move || a.lock()).await;
        }
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
