//! What one run of `serve` holds: its secrets, and the vault, locked or open, behind one
//! lock that requests share on blocking threads and that locking takes whole.
//!
//! Async code never waits for that lock: what pages need to know (open, a collector's,
//! gone) is kept beside it in atomics. Locking first raises a flag that makes every
//! transfer in flight fail at its next chunk ([`super::stream`]), so a stalled download or
//! upload can neither keep the vault open nor hold up the lock.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::error::{Error, Result, Words};
use crate::format::keyring::Passphrase;
use crate::i18n::Lang;
use crate::vault::{LockedVault, Vault, VaultPaths};

/// The vault as the server holds it. The vault's lock (its `lock` file) is held in every
/// state but `Gone`, so no other command opens the vault while `serve` runs.
pub(crate) enum Slot {
    Locked(Box<LockedVault>),
    Open(Box<Vault>),
    /// Shredded, or an unlock failed in a way that let go of the vault and it could not be
    /// opened again: nothing is held any more, and the reason is shown.
    Gone,
}

const LOCKED: u8 = 0;
const OPEN: u8 = 1;
const GONE: u8 = 2;

/// One run of `serve`.
pub(crate) struct App {
    /// The secret in the URL `serve` prints: its first visit starts the session, and it
    /// opens nothing after that.
    pub token: String,
    entered: AtomicBool,
    /// The session cookie's value, set by that visit.
    pub session: String,
    /// Every page's address starts with this (`/` and 32 random hex digits): browsers send
    /// cookies to every port of a host, so a cookie alone would reach another local user's
    /// server on another port; the path is sent only here.
    pub base: String,
    /// The token every state-changing request carries (`X-CSRF-Token` or `?csrf=`).
    pub csrf: String,
    /// The values the `Host` header may take: this address and port only.
    pub hosts: Vec<String>,
    slot: RwLock<Slot>,
    state: AtomicU8,
    collector: AtomicBool,
    /// The pages' language, as an index into [`Lang::ALL`].
    lang: AtomicU8,
    gone: Mutex<String>,
    /// Locks (or closes, or unlocks) under way: while any is, transfers in flight stop.
    locking: AtomicUsize,
    /// Transfers (uploads and downloads) running: at most [`TRANSFERS`], so that tokio's
    /// blocking threads never all wait on browsers.
    pub transfers: Arc<tokio::sync::Semaphore>,
    last: Mutex<Instant>,
    paths: VaultPaths,
    /// The keyring file as it was at start (device, inode): if it goes or changes, the
    /// vault was shredded under the server, which then lets go of it.
    keyring_id: Option<(u64, u64)>,
    /// The check the maintenance page started, if any.
    checking: Mutex<super::maintain::Checking>,
    /// Bundles (ciphertext) between two requests, by the random name a page carries.
    held: Mutex<HashMap<String, PathBuf>>,
    /// What a page shows once, after a form answered by a redirect.
    notes: Notes,
    /// The record list while the vault is open ([`super::records::Listed`]).
    listed: Mutex<Option<Arc<super::records::Listed>>>,
    /// Counts the drops of that list: one made from a scan that began before a drop is
    /// not kept.
    listed_gen: std::sync::atomic::AtomicU64,
    pub idle: Duration,
}

/// Why a request that needs the open vault cannot have it.
pub(crate) enum Unavailable {
    Locked,
    Gone(String),
}

fn file_id(p: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

fn lang_index(lang: Lang) -> u8 {
    Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0) as u8
}

impl App {
    pub fn new(vault: LockedVault, local: SocketAddr, idle: Duration, lang: Lang) -> App {
        let secret = || hex::encode(crate::crypto::random_bytes::<32>());
        let port = local.port();
        let ip = if local.is_ipv4() {
            local.ip().to_string()
        } else {
            format!("[{}]", local.ip())
        };
        let paths = vault.paths().clone();
        App {
            token: secret(),
            entered: AtomicBool::new(false),
            session: secret(),
            base: format!("/{}", hex::encode(crate::crypto::random_bytes::<16>())),
            csrf: secret(),
            hosts: vec![format!("{ip}:{port}"), format!("localhost:{port}")],
            slot: RwLock::new(Slot::Locked(Box::new(vault))),
            state: AtomicU8::new(LOCKED),
            collector: AtomicBool::new(false),
            lang: AtomicU8::new(lang_index(lang)),
            gone: Mutex::new(String::new()),
            locking: AtomicUsize::new(0),
            transfers: Arc::new(tokio::sync::Semaphore::new(TRANSFERS)),
            last: Mutex::new(Instant::now()),
            keyring_id: file_id(&paths.keyring),
            paths,
            held: Mutex::new(HashMap::new()),
            listed: Mutex::new(None),
            notes: Notes::default(),
            listed_gen: std::sync::atomic::AtomicU64::new(0),
            checking: Mutex::new(Default::default()),
            idle,
        }
    }

    /// The URL to open: the first allowed host, with the token.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.hosts[0], self.token)
    }

    /// Whether `origin` (a browser's `Origin` header) is this server.
    pub fn is_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|h| self.hosts.iter().any(|a| a == h))
    }

    /// The token's one use: true the first time only.
    pub fn enter(&self) -> bool {
        !self.entered.swap(true, Ordering::SeqCst)
    }

    /// Marks activity: the idle lock counts from the last request or transferred chunk.
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
        self.state.load(Ordering::SeqCst) == OPEN
    }

    /// Whether the open vault is a collector's (it cannot read what it holds).
    /// The language the pages are in.
    pub fn lang(&self) -> Lang {
        Lang::ALL[self.lang.load(Ordering::SeqCst) as usize % Lang::ALL.len()]
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.store(lang_index(lang), Ordering::SeqCst);
    }

    pub fn is_collector(&self) -> bool {
        self.is_open() && self.collector.load(Ordering::SeqCst)
    }

    /// Why the server holds no vault any more, if it does not.
    pub fn gone(&self) -> Option<String> {
        (self.state.load(Ordering::SeqCst) == GONE)
            .then(|| self.gone.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }

    /// Whether a lock is under way: transfers stop at their next chunk.
    pub fn locking(&self) -> bool {
        self.locking.load(Ordering::SeqCst) > 0
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Slot> {
        self.slot.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The slot for changing it (within [`App::exclusive`], which stopped the transfers).
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Slot> {
        self.slot.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f`, which changes the vault's state, on a thread of its own, after telling
    /// every transfer in flight to stop: neither stalled browsers nor a full pool of
    /// blocking threads can hold up a lock, a close or a shred.
    pub async fn exclusive<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&App) -> T + Send + 'static,
    ) -> Option<T> {
        self.locking.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let a = self.clone();
        let spawned = std::thread::Builder::new()
            .name("amanat-lock".into())
            .spawn(move || {
                let r = f(&a);
                a.locking.fetch_sub(1, Ordering::SeqCst);
                let _ = tx.send(r);
            });
        if spawned.is_err() {
            self.locking.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        rx.await.ok()
    }

    pub fn notes(&self) -> &Notes {
        &self.notes
    }

    pub fn listed(&self) -> Option<Arc<super::records::Listed>> {
        self.listed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Drops the record list (after an add or an import, and whenever the vault's state
    /// changes).
    pub fn drop_listed(&self) {
        let mut l = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        self.listed_gen.fetch_add(1, Ordering::SeqCst);
        *l = None;
    }

    /// Where the drops of the record list stand, before a scan that will make one.
    pub fn listed_gen(&self) -> u64 {
        self.listed_gen.load(Ordering::SeqCst)
    }

    /// Keeps the record list made by a scan that began at `gen`, unless it was dropped
    /// since (the scan may have missed what was added meanwhile).
    pub fn keep_listed(&self, gen: u64, l: Arc<super::records::Listed>) {
        let mut kept = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        if self.listed_gen.load(Ordering::SeqCst) == gen {
            *kept = Some(l);
        }
    }

    fn set(&self, slot: &mut Slot, new: Slot) {
        // Whatever the vault's state becomes, the list it had is not kept (nor, locked, its
        // plaintext: each entry wipes itself when the last page using it is done).
        self.drop_listed();
        let (state, collector) = match &new {
            Slot::Locked(_) => (LOCKED, false),
            Slot::Open(v) => (OPEN, v.is_collector()),
            Slot::Gone => (GONE, false),
        };
        *slot = new;
        self.collector.store(collector, Ordering::SeqCst);
        self.state.store(state, Ordering::SeqCst);
    }

    /// Runs `f` on the open vault (blocking: call it from a blocking task).
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> std::result::Result<Result<T>, Unavailable> {
        if let Some(why) = self.gone() {
            return Err(Unavailable::Gone(why));
        }
        match &*self.read() {
            Slot::Open(v) => Ok(f(v)),
            Slot::Locked(_) => Err(Unavailable::Locked),
            Slot::Gone => Err(Unavailable::Gone(self.gone().unwrap_or_default())),
        }
    }

    /// Unlocks with `pass`; a wrong passphrase keeps the vault locked (and its lock held).
    /// An error after the keyring opened lets go of the vault; it is opened again, locked.
    pub fn unlock(&self, pass: &Passphrase) -> Result<()> {
        let mut slot = self.write();
        match std::mem::replace(&mut *slot, Slot::Gone) {
            Slot::Locked(l) => match l.try_unlock(pass) {
                Ok(v) => self.set(&mut slot, Slot::Open(Box::new(v))),
                Err(failed) => {
                    let (e, back) = *failed;
                    let back = match back {
                        Some(l) => Ok(l),
                        None => LockedVault::open(self.paths.clone()),
                    };
                    match back {
                        Ok(l) => self.set(&mut slot, Slot::Locked(Box::new(l))),
                        Err(again) => self.close_in(
                            &mut slot,
                            &crate::i18n::errors::message_isolated(self.lang(), &again),
                        ),
                    }
                    return Err(e);
                }
            },
            other => {
                let gone = matches!(other, Slot::Gone);
                *slot = other;
                if gone {
                    return Err(Error::Invalid(Words::said(self.gone().unwrap_or_default())));
                }
            }
        }
        Ok(())
    }

    /// Locks the vault: its keys are dropped and wiped; the vault's lock stays held.
    /// Transfers in flight are stopped.
    pub fn lock(&self) {
        let mut slot = self.write();
        if let Slot::Open(_) = &*slot {
            if let Slot::Open(v) = std::mem::replace(&mut *slot, Slot::Gone) {
                self.set(&mut slot, Slot::Locked(Box::new(v.lock())));
            }
        }
    }

    fn close_in(&self, slot: &mut Slot, why: &str) {
        *self.gone.lock().unwrap_or_else(|e| e.into_inner()) = why.to_owned();
        self.set(slot, Slot::Gone);
    }

    /// Lets go of the vault (its keys wiped, its lock released) for good.
    pub fn close(&self, why: &str) {
        let mut slot = self.write();
        self.close_in(&mut slot, why);
    }

    /// Whether the keyring was removed or replaced since the server started: `shred` (which
    /// does not wait for the vault's lock) ran under it.
    pub fn keyring_changed(&self) -> bool {
        self.state.load(Ordering::SeqCst) != GONE && file_id(&self.paths.keyring) != self.keyring_id
    }

    pub fn checking(&self) -> std::sync::MutexGuard<'_, super::maintain::Checking> {
        self.checking.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `shred`: the keyring destroyed while the server still holds the vault (no other
    /// command can be in it), then the vault let go of, its keys wiped; with `all`, the
    /// whole directory removed after. Nothing opens it again.
    pub fn shred(&self, all: bool) -> Result<()> {
        let mut slot = self.write();
        if matches!(&*slot, Slot::Gone) {
            return Err(Error::Invalid(Words::said(crate::tr_in!(
                self.lang(),
                "web-not-held"
            ))));
        }
        crate::vault::lifecycle::shred(&self.paths, false)?;
        self.close_in(&mut slot, &crate::tr_in!(self.lang(), "web-gone-shredded"));
        drop(slot);
        if all {
            crate::vault::lifecycle::shred(&self.paths, true)?;
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
}

/// What a form left for the page it redirects to (Post/Redirect/Get: browsers keep the
/// data of a form whose answer was a page in their session files, not of one redirected),
/// by name; each is shown once.
#[derive(Default)]
pub(crate) struct Notes(Mutex<HashMap<String, String>>);

impl Notes {
    pub fn put(&self, name: &str, value: String) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), value);
    }

    pub fn take(&self, name: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name)
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }
}

/// Transfers at once; tokio has 16 blocking threads, so 8 are always left for pages.
pub(crate) const TRANSFERS: usize = 8;

/// Locks the vault once nothing happened for `app.idle`, and lets go of it if it was
/// shredded under the server. Runs for the server's life.
pub(crate) async fn idle_locker(app: Arc<App>) {
    let step = (app.idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(2));
    loop {
        tokio::time::sleep(step).await;
        if app.keyring_changed() {
            app.exclusive(|a| a.close(&crate::tr_in!(a.lang(), "web-gone-keyring-changed")))
                .await;
        } else if app.is_open() && app.idle_for() >= app.idle {
            app.exclusive(|a| a.lock()).await;
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
