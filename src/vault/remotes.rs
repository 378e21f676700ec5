//! Replicas on object storage, as the vault keeps them (FORMAT.md 12.3, 16.3): the remotes
//! (endpoint, bucket and credentials, sealed in the `contacts` tree like a contact), and
//! what this device remembers of each replica, sealed in `<vault>/replicas/`, since a
//! device whose credentials can only write cannot ask the server. The transfers themselves
//! are the `replica` layer's.
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result, Words};
use crate::format::id::{ObjectId, RecordId};
use crate::format::replica::{Head, Names};
use crate::vault::Vault;
use crate::words;

/// The version byte of a remote in the `contacts` tree (contacts are 1, authorities 2,
/// the settings 3).
pub(crate) const REMOTE_VERSION: u8 = 4;
pub use crate::storage::store::REPLICAS_DIR;

/// An S3-compatible bucket records are replicated to, or transfer bundles sent to.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Remote {
    pub name: String,
    /// `http(s)://host:port` of the S3 API.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret: String,
    /// Seconds to wait for a connection and for each read or write on it.
    pub timeout: u64,
    /// When it was added (Unix seconds).
    pub added: i64,
    /// Whether pushes also send the keyring, sealed to the vault's other recipients
    /// (headquarters), so that headquarters can restore without the passphrase
    /// (FORMAT.md 16.6).
    pub escrow: bool,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("name", &self.name)
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

/// A record and the ids of the object files that hold its parts.
pub type RecordObjects = (RecordId, Vec<[u8; 16]>);

/// What this device remembers of one replica.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReplicaState {
    /// The last head pushed, or what a push that stopped had sent so far (its counter then
    /// that of the last head that reached the replica).
    pub head: Head,
    /// Whether `head` itself reached the replica.
    pub head_sent: bool,
    /// Transfer bundles imported from this remote (their SHA-256).
    pub pulled: Vec<[u8; 32]>,
    /// The SHA-256 of the keyring plaintext last escrowed to this remote, if any.
    pub escrowed: Option<[u8; 32]>,
}

const STATE_VERSION: u8 = 1;

/// Checks a remote's name and settings before anything is stored.
pub fn valid_remote(r: &Remote) -> Result<()> {
    let bad = |what: Words| Err(Error::Invalid(what));
    if r.name.trim().is_empty() || r.name.len() > 100 || r.name.chars().any(char::is_control) {
        return bad(words!("d-remote-name"));
    }
    valid_endpoint(&r.endpoint)?;
    if !valid_bucket(&r.bucket) {
        return bad(words!(
            "d-remote-bucket",
            bucket = format!("{:?}", r.bucket)
        ));
    }
    if r.region.is_empty()
        || r.region.len() > 64
        || !r
            .region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return bad(words!(
            "d-remote-region",
            region = format!("{:?}", r.region)
        ));
    }
    let key_char = |c: char| c.is_ascii_graphic();
    if r.access_key_id.is_empty() || !r.access_key_id.chars().all(key_char) {
        return bad(words!("d-remote-access-key"));
    }
    if r.secret.is_empty() || !r.secret.chars().all(key_char) {
        return bad(words!("d-remote-secret"));
    }
    if r.timeout == 0 || r.timeout > 3600 {
        return bad(words!("d-remote-timeout"));
    }
    Ok(())
}

/// An `http://` or `https://` URL naming a host (and a port), nothing more: no user or
/// password (which would be stored and shown), path, query or fragment.
fn valid_endpoint(endpoint: &str) -> Result<()> {
    let quoted = format!("{endpoint:?}");
    let Ok(u) = url::Url::parse(endpoint) else {
        return Err(Error::Invalid(words!(
            "d-remote-endpoint-not-url",
            endpoint = quoted
        )));
    };
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(Error::Invalid(words!(
            "d-remote-endpoint-not-http",
            endpoint = quoted
        )));
    }
    if !u.username().is_empty() || u.password().is_some() {
        // Not quoted: the password would be printed.
        return Err(Error::Invalid(words!("d-remote-endpoint-user")));
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return Err(Error::Invalid(words!(
            "d-remote-endpoint-path",
            endpoint = quoted
        )));
    }
    Ok(())
}

/// S3's bucket naming rules (without the rarer ones of AWS alone).
fn valid_bucket(b: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && b.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge(b.chars().next())
        && edge(b.chars().last())
        && !b.contains("..")
}

/// Forgets every replica's state (key rotation replaces what they name).
pub(crate) fn forget_replicas(root: &Path) -> Result<()> {
    let dir = root.join(REPLICAS_DIR);
    match fs::read_dir(&dir) {
        Ok(it) => {
            for e in it.flatten() {
                crate::storage::durable::destroy_file(&e.path())?;
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(words!("d-remote-clearing-state"), e)),
    }
}

impl Vault {
    /// Every remote with its key in the `contacts` tree, by name.
    pub fn remotes(&self) -> Result<Vec<([u8; 16], Remote)>> {
        let mut out = Vec::new();
        for (k, rest) in self.contact_entries(REMOTE_VERSION)? {
            let r: Remote = postcard::from_bytes(&rest)
                .map_err(|_| Error::VaultDamaged(words!("d-remote-entry-decode")))?;
            let k: [u8; 16] = k
                .as_slice()
                .try_into()
                .map_err(|_| Error::VaultDamaged(words!("d-remote-entry-key")))?;
            out.push((k, r));
        }
        out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        Ok(out)
    }

    /// The remote called `name`, with its key.
    pub fn remote(&self, name: &str) -> Result<([u8; 16], Remote)> {
        self.remotes()?
            .into_iter()
            .find(|(_, r)| r.name == name)
            .ok_or_else(|| Error::Invalid(words!("d-remote-none", name = format!("{name:?}"))))
    }

    /// Stores a remote, sealed. Durable when it returns.
    pub fn remote_add(&self, r: &Remote) -> Result<()> {
        valid_remote(r)?;
        if r.escrow {
            self.escrow()?;
        }
        if self.remotes()?.iter().any(|(_, x)| x.name == r.name) {
            let name = format!("{:?}", r.name);
            return Err(Error::Invalid(words!("d-remote-exists", name = name)));
        }
        let k: [u8; 16] = crate::crypto::random_bytes();
        let mut plain = Zeroizing::new(vec![REMOTE_VERSION]);
        plain.extend_from_slice(&postcard::to_allocvec(r).expect("a remote serializes"));
        let sealed = self.keyring.catalog_key.seal(Domain::Contact, &k, &plain);
        self.contact_write(self.log(), &k, Some(sealed))
    }

    /// Removes the remote called `name` and what this device remembers of its replica, and
    /// erases its settings (its secret above all) as a removal erases a record (FORMAT.md
    /// 15.6): the journal is rewritten now, the database when the vault is closed. The
    /// replica itself keeps what was pushed.
    pub fn remote_remove(&self, name: &str) -> Result<()> {
        use crate::storage::journal::{Ops, TreeId};
        let (k, _) = self.remote(name)?;
        let mut ops = Ops::new();
        ops.remove(TreeId::Contacts, k);
        ops.insert(
            TreeId::Meta,
            crate::storage::store::ERASE_KEY,
            vec![crate::storage::store::ERASE_ALL],
        );
        self.apply(&ops)?;
        self.store.sync()?;
        let path = self.replica_state_path(&k);
        if path.exists() {
            crate::storage::durable::destroy_file(&path)?;
        }
        self.rewrite_journal()?;
        Ok(())
    }

    fn replica_state_path(&self, key: &[u8; 16]) -> PathBuf {
        self.paths.root.join(REPLICAS_DIR).join(hex::encode(key))
    }

    /// What the device remembers of the replica of the remote whose key is `key`; empty if
    /// nothing (or if what it had does not open: after a rotation, or damage).
    pub fn replica_state(&self, key: &[u8; 16]) -> Result<ReplicaState> {
        let sealed = match fs::read(self.replica_state_path(key)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ReplicaState::default())
            }
            Err(e) => return Err(Error::io(words!("d-remote-reading-state"), e)),
        };
        let plain = self
            .keyring
            .catalog_key
            .open(Domain::Replica, &state_key_id(key), &sealed);
        Ok(plain
            .ok()
            .and_then(|p| match p.split_first() {
                Some((&STATE_VERSION, rest)) => postcard::from_bytes(rest).ok(),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// Remembers `state` durably.
    pub fn save_replica_state(&self, key: &[u8; 16], state: &ReplicaState) -> Result<()> {
        let dir = self.paths.root.join(REPLICAS_DIR);
        if !dir.exists() {
            fs::create_dir(&dir).map_err(|e| Error::io(words!("d-remote-creating-dir"), e))?;
            crate::storage::durable::sync_dir(&self.paths.root)?;
        }
        let mut plain = vec![STATE_VERSION];
        plain.extend_from_slice(&postcard::to_allocvec(state).expect("a state serializes"));
        let sealed = self
            .keyring
            .catalog_key
            .seal(Domain::Replica, &state_key_id(key), &plain);
        crate::storage::durable::write_atomic(&self.replica_state_path(key), &sealed)
    }

    /// Who a keyring escrow is sealed to: the vault's content recipients other than its own
    /// key (headquarters, a backup key); `None` if there is none.
    pub fn escrow_recipients(&self) -> Result<Option<crate::crypto::recipients::Recipients>> {
        let own = self.keyring.own_recipient();
        let others: Vec<&String> = self
            .keyring
            .content_recipients
            .iter()
            .filter(|r| Some(*r) != own.as_ref())
            .collect();
        if others.is_empty() {
            return Ok(None);
        }
        crate::crypto::recipients::Recipients::parse_all(&others).map(Some)
    }

    /// The keyring sealed for escrow (FORMAT.md 16.6), with the SHA-256 of its plaintext.
    pub fn escrow(&self) -> Result<([u8; 32], Vec<u8>)> {
        let to = self
            .escrow_recipients()?
            .ok_or_else(|| Error::Invalid(words!("d-remote-no-escrow-recipient")))?;
        let plain = self.keyring.escrow_plaintext()?;
        let sealed = crate::crypto::seal::seal_bytes(&to, &plain)?;
        Ok((crate::crypto::seal::sha256(&plain), sealed))
    }

    /// A path in the vault's `tmp/` for sealed bytes in transit (a bundle being sent or
    /// fetched): removed by the command, or by the sweep at the next open.
    pub fn transit_path(&self, name: &str) -> PathBuf {
        self.store.root().join("tmp").join(name)
    }

    /// The vault's id.
    pub fn vault_id(&self) -> [u8; 16] {
        self.keyring.vault_id
    }

    /// The keys a replica's heads and chunks are opened with: the catalog key, and the
    /// pseudonym key that names them.
    pub fn replica_keys(
        &self,
    ) -> (
        &crate::crypto::symmetric::SymmetricKey,
        &crate::crypto::symmetric::SymmetricKey,
    ) {
        (&self.keyring.catalog_key, &self.keyring.pseudonym_key)
    }

    /// The keyed names of this vault's replica objects.
    pub fn replica_names(&self) -> Names {
        Names::new(&self.keyring.pseudonym_key)
    }

    /// Seals a replica value (a head, a chunk of the journal) under `key_id`.
    pub fn seal_replica(&self, key_id: &[u8], plain: &[u8]) -> Vec<u8> {
        self.keyring
            .catalog_key
            .seal(Domain::Replica, key_id, plain)
    }

    /// The id of the journal file and its length: what a push sends of it. The vault is
    /// open, so every frame in it is committed.
    pub fn journal_extent(&self) -> Result<([u8; 16], u64)> {
        let ctx = |e| Error::io(words!("d-reading-journal"), e);
        let f = fs::File::open(self.journal_path()).map_err(ctx)?;
        let id = crate::storage::journal::file_id(&f)
            .ok_or_else(|| Error::VaultDamaged(words!("d-remote-journal-no-header")))?;
        let len = f.metadata().map_err(ctx)?.len();
        Ok((id, len))
    }

    /// `len` bytes of the journal from `offset`.
    pub fn read_journal(&self, offset: u64, len: u64) -> Result<Vec<u8>> {
        let ctx = |e| Error::io(words!("d-reading-journal"), e);
        let mut f = fs::File::open(self.journal_path()).map_err(ctx)?;
        f.seek(SeekFrom::Start(offset)).map_err(ctx)?;
        let mut out = vec![0u8; len as usize];
        f.read_exact(&mut out).map_err(ctx)?;
        Ok(out)
    }

    fn journal_path(&self) -> PathBuf {
        self.paths.root.join(crate::storage::journal::FILE)
    }

    /// Every object file present, by id, ascending.
    pub fn object_ids(&self) -> Result<Vec<[u8; 16]>> {
        let mut ids: Vec<[u8; 16]> = self
            .store
            .list_objects()?
            .into_iter()
            .map(|o| o.0)
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The path of an object file.
    pub fn object_file(&self, id: &[u8; 16]) -> PathBuf {
        self.store.object_path(&ObjectId(*id))
    }

    /// The locators of every record, ascending.
    pub fn record_locators(&self) -> Result<Vec<[u8; 16]>> {
        let mut out = Vec::new();
        for k in self.store.records().iter().keys() {
            if let Ok(l) = k?.as_ref().try_into() {
                out.push(l);
            }
        }
        Ok(out)
    }

    /// Each record with the object files it holds, if this device can open record bodies
    /// (a collector cannot).
    pub fn objects_by_record(&self) -> Result<Option<Vec<RecordObjects>>> {
        if self.identity.is_none() {
            return Ok(None);
        }
        let mut out = Vec::new();
        for l in self.record_locators()? {
            let Some(id) = self.record_at(&l) else {
                continue;
            };
            let objects = match self.open_body(id) {
                Ok(b) => b
                    .parts
                    .iter()
                    .filter_map(|p| p.object())
                    .map(|o| o.0)
                    .collect(),
                Err(_) => Vec::new(),
            };
            out.push((id, objects));
        }
        Ok(Some(out))
    }

    /// The record a locator names.
    pub fn record_at(&self, locator: &[u8; 16]) -> Option<RecordId> {
        self.store.unloc(locator)
    }
}

fn state_key_id(key: &[u8; 16]) -> Vec<u8> {
    let mut k = b"state".to_vec();
    k.extend_from_slice(key);
    k
}
