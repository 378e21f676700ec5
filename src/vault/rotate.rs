//! Key rotation (FORMAT.md, "Key rotation").
//!
//! `rotate` moves the vault to new keys: a new X25519 identity, signing key, catalog and
//! audit keys. The new keyring is written first to `<keyring>.rotating` (sealed with the
//! same passphrase); while that file exists, only `rotate` opens the vault. Then every sealed
//! value is re-sealed, each step idempotent (a value that already opens with the new key is
//! left alone), so an interrupted rotation resumes where it stopped: contacts, the audit log
//! and custody states; then record by record the body, objects, identity parts (where this
//! device is a custodian), catalog entry and search chunks, each record in one transaction
//! with its `record-resealed` custody event, signed by the old key and the new (the search
//! index is re-sealed with the contacts, before the records). Last, a
//! `keys-rotated` event signed by both, and the keyring file is replaced in place, which
//! destroys the old keys; `.rotating` is destroyed.
use std::fs;
use std::io;

use zeroize::Zeroizing;

use super::{KeysInfo, Vault};
use crate::crypto::seal::{self, OpenFailure, Recipients, StreamError};
use crate::crypto::sshkey;
use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::error::{Error, Result, Words};
use crate::format::catalog::CatalogEntry;
use crate::format::id::{ObjectId, RecordId};
use crate::format::keyring::{self, Keyring, Passphrase};
use crate::format::record::{RecordBody, Storage};
use crate::storage::faults::crash_point;
use crate::storage::journal::{Ops, TreeId};
use crate::storage::keyring_file::{replace_keyring, retire};
use crate::storage::store::{Bytes, Rewrite, Store};
use crate::vault::custody::{self, Happened, Kind, LogBatch, Signer};
use crate::words;

pub(crate) use crate::storage::keyring_file::rotating_path;

/// Records per rotation transaction, and the object bytes after which a batch is committed
/// early (so a crash loses little work).
const ROTATE_BATCH: usize = 256;
const ROTATE_BATCH_BYTES: u64 = 256 << 20;

/// One record re-sealed, not yet stored.
struct Resealed {
    id: RecordId,
    body: Vec<u8>,
    catalog: Vec<u8>,
    search: Vec<(crate::storage::store::Bytes, Vec<u8>)>,
    new_objects: Vec<ObjectId>,
    old_objects: Vec<ObjectId>,
    objects_size: u64,
}

/// What `rotate` did.
#[derive(Debug, serde::Serialize)]
pub struct RotateReport {
    /// Whether an interrupted rotation was resumed.
    pub resumed: bool,
    /// Records re-sealed now (records an earlier run finished are not counted).
    pub records: usize,
    /// Object files re-sealed.
    pub objects: usize,
    /// Identity parts re-sealed to the new custodians (this device holds a custodian key).
    pub identities_resealed: usize,
    /// Identity parts left sealed to custodians whose keys are not on this device.
    pub identities_kept: usize,
    /// Records that could not be re-sealed because they are damaged (see `check`).
    pub damaged: Vec<Words>,
    /// The new public keys, to hand to partners.
    pub keys: KeysInfo,
}

/// The new keys, and what the old ones can still open while the rotation runs.
struct Rotation<'v> {
    old: &'v Keyring,
    new: Keyring,
    old_identity: Option<age::x25519::Identity>,
    new_identity: Option<age::x25519::Identity>,
    new_content: Recipients,
    new_custodians: Recipients,
    /// Whether identity parts can be opened here (the old own key was a custodian).
    custodian: bool,
}

/// The key id a value of a symmetric tree is sealed with, from its key: the record's id
/// for `custody` (keyed by locator, FORMAT.md "Locators"), the key itself elsewhere.
fn key_id(store: &Store, domain: Domain, k: &[u8]) -> Vec<u8> {
    if domain == Domain::Custody && k.len() >= 16 {
        // A state's further pieces are keyed `locator ‖ u16be(i)`, sealed with `id ‖ u16be(i)`.
        if let Some(id) = store.unloc(&k[..16]) {
            let mut kid = id.0.to_vec();
            kid.extend_from_slice(&k[16..]);
            return kid;
        }
    }
    k.to_vec()
}

/// Re-seals the custody log's head from `old` to `new`, unless `new` already opens it.
fn reseal_head(s: &Store, old: &SymmetricKey, new: &SymmetricKey) -> Result<()> {
    if let Some(v) = s.meta().get(custody::HEAD_KEY)? {
        if new.open(Domain::AuditHead, b"", &v).is_err() {
            // A head neither key opens is for `check` to report; the events still verify.
            if let Ok(plain) = old.open(Domain::AuditHead, b"", &v) {
                let sealed = new.seal(Domain::AuditHead, b"", &plain);
                s.put_unjournaled(TreeId::Meta, custody::HEAD_KEY, sealed)?;
            }
        }
    }
    Ok(())
}

/// Re-seals every value of a symmetric tree from `old` to `new`; returns the keys of values
/// neither key opens (damage, left as it is). Values are sealed with their key as key id,
/// except in `custody`, keyed by locator and sealed with the record's id ([`key_id`]).
fn reseal_tree(
    store: &Store,
    tree: TreeId,
    domain: Domain,
    old: &SymmetricKey,
    new: &SymmetricKey,
) -> Result<Vec<Bytes>> {
    store.rewrite_unjournaled(tree, |k, v| {
        let kid = key_id(store, domain, k);
        if new.open(domain, &kid, v).is_ok() {
            return Rewrite::Keep;
        }
        match old.open(domain, &kid, v) {
            Ok(plain) => Rewrite::Replace(new.seal(domain, &kid, &plain)),
            Err(_) => Rewrite::Damaged,
        }
    })
}

/// A record `rotate` could not re-seal, and why.
fn left_damaged(id: RecordId, what: Words) -> Words {
    words!("d-rotate-damaged", record = id.to_string(), what = what)
}

impl Vault {
    /// Whether a rotation was interrupted (only `rotate` opens the vault then).
    pub fn rotation_pending(&self) -> bool {
        rotating_path(&self.paths.keyring).exists()
    }

    /// Rotates the vault's keys, or finishes an interrupted rotation. `pass` is the current
    /// passphrase; `progress(done, total)` is called after each record.
    // This function is long because it is the rotation protocol in order (FORMAT.md 5.3 and
    // "Rotation"), each step followed by its crash point, so the order can be read and
    // tested in one place.
    pub fn rotate(
        &self,
        pass: &Passphrase,
        progress: &dyn Fn(usize, usize),
    ) -> Result<RotateReport> {
        let kpath = &self.paths.keyring;
        let rpath = rotating_path(kpath);
        let file = fs::read(kpath).map_err(|e| Error::io(words!("d-reading", path = kpath), e))?;
        let wf = keyring::slot_work_factor(&file, self.slot)
            .ok_or_else(|| Error::KeyringDamaged(kpath.clone()))?;
        let (new, resumed) = match fs::read(&rpath) {
            Ok(b) => (keyring::open_file(&b, pass, &rpath)?, true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let next = self.keyring.rotated()?;
                let sealed = keyring::seal_file(&next, pass, Some(wf))?;
                crate::storage::keyring_file::write_beside_keyring(kpath, &rpath, &sealed)?;
                (next, false)
            }
            Err(e) => return Err(Error::io(words!("d-reading", path = &rpath), e)),
        };
        if new.vault_id != self.keyring.vault_id {
            return Err(Error::KeyringMismatch(rpath));
        }
        let mut report = RotateReport {
            resumed,
            records: 0,
            objects: 0,
            identities_resealed: 0,
            identities_kept: 0,
            damaged: vec![],
            keys: super::keys_of(&new),
        };
        if new.signing_public == self.keyring.signing_public {
            // Interrupted after the keyring was replaced: only the leftover remains.
            self.store.compact_at_close()?;
            retire(&rpath)?;
            return Ok(report);
        }
        crash_point("rotate-started");
        let own_old = self.keyring.own_recipient();
        let r = Rotation {
            old: &self.keyring,
            new_identity: new.identity(),
            old_identity: self.keyring.identity(),
            new_content: Recipients::parse_all(&new.content_recipients)?,
            new_custodians: Recipients::parse_all(&new.identity_recipients)?,
            custodian: own_old.is_some()
                && self
                    .keyring
                    .identity_recipients
                    .iter()
                    .any(|x| Some(x) == own_old.as_ref()),
            new,
        };

        // Every sealed value that is not part of a record, domain by domain. The match names
        // every domain, so a new one does not compile until it has its place here.
        let s = &self.store;
        let (ok, nk) = (&r.old.catalog_key, &r.new.catalog_key);
        let (oa, na) = (&r.old.audit_key, &r.new.audit_key);
        for domain in Domain::ALL {
            match domain {
                Domain::Contact => drop(reseal_tree(s, TreeId::Contacts, domain, ok, nk)?),
                Domain::Index => drop(reseal_tree(s, TreeId::Index, domain, ok, nk)?),
                Domain::Imported => drop(reseal_tree(s, TreeId::Imported, domain, ok, nk)?),
                Domain::Audit => drop(reseal_tree(s, TreeId::Audit, domain, oa, na)?),
                Domain::Custody => drop(reseal_tree(s, TreeId::Custody, domain, oa, na)?),
                Domain::AuditHead => reseal_head(s, oa, na)?,
                // A record's catalog entry and search text move with the record, below.
                Domain::Catalog | Domain::Search => {}
                // The journal is written anew once the new keyring is in place.
                Domain::Journal => {}
                // What a device remembers of its replicas names the journal and objects
                // this rotation replaces: forgotten, so the next push sends them anew.
                Domain::Replica => crate::vault::remotes::forget_replicas(s.root())?,
            }
        }
        *self
            .audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = custody::load_head(s, na)?;

        // Every record.
        let ids: Vec<RecordId> = s
            .records()
            .iter()
            .keys()
            .filter_map(|k| k.ok().and_then(|k| s.unloc(&k)))
            .collect();
        // Records move in batches: one transaction and one sync per batch, not per record.
        let mut batch: Vec<Resealed> = Vec::new();
        let mut batch_bytes = 0u64;
        let mut batches = 0;
        for (i, id) in ids.iter().enumerate() {
            match self.reseal_record(*id, &r, &mut report) {
                Ok(Some(x)) => {
                    batch_bytes += x.objects_size;
                    batch.push(x);
                }
                Ok(None) => {}
                Err(Error::Damaged { what, .. }) => report.damaged.push(left_damaged(*id, what)),
                Err(e) => {
                    for x in &batch {
                        let _ = self.store.delete_objects(&x.new_objects);
                    }
                    return Err(e);
                }
            }
            crash_point(&format!("rotate-record-{}", i + 1));
            if batch.len() >= ROTATE_BATCH
                || batch_bytes >= ROTATE_BATCH_BYTES
                || i + 1 == ids.len()
            {
                report.records += batch.len();
                self.commit_resealed(std::mem::take(&mut batch), &r)?;
                batch_bytes = 0;
                batches += 1;
                crash_point(&format!("rotate-batch-{batches}"));
            }
            progress(i + 1, ids.len());
        }

        // The handover, signed by both keys, then the keyring itself.
        let new_line = sshkey::ed25519_line(&r.new.signing_public);
        if !self.last_event_hands_over_to(&r, &new_line)? {
            let mut log = self.rotation_log(&r);
            log.append_signed(
                Happened::KeysRotated {
                    new_signer: new_line.clone(),
                    new_fingerprint: sshkey::fingerprint(&r.new.signing_public),
                    new_recipient: r.new.own_recipient(),
                },
                None,
                None,
                Some(r.new.signing_seed()),
            )?;
            log.commit()?;
        }
        crash_point("rotate-before-swap");
        let sealed = keyring::reseal_file(&file, self.slot, &r.new, pass, Some(wf))?.file;
        replace_keyring(kpath, &sealed, || Ok(()))?;
        crash_point("rotate-swapped");
        // The journal still holds every value sealed with the old keys: write it anew.
        self.store
            .rewrite_journal(&r.new.catalog_key, &r.new.vault_id)?;
        self.store.compact_at_close()?;
        retire(&rpath)?;
        Ok(report)
    }

    /// A log batch sealed with the new audit key, signed by the old key.
    fn rotation_log<'a>(&'a self, r: &'a Rotation<'a>) -> LogBatch<'a> {
        let guard = self
            .audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        LogBatch::new(
            &self.store,
            &r.new.audit_key,
            &self.keyring.catalog_key,
            Signer {
                seed: r.old.signing_seed(),
                line: sshkey::ed25519_line(&r.old.signing_public),
            },
            guard,
        )
    }

    /// Whether the log already ends with the handover to `new_line` (a rotation that was
    /// interrupted after logging it).
    fn last_event_hands_over_to(&self, r: &Rotation<'_>, new_line: &str) -> Result<bool> {
        let head = *self
            .audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(last) = head.next.checked_sub(1) else {
            return Ok(false);
        };
        Ok(custody::load(&self.store, &r.new.audit_key, last)?
            .and_then(|s| custody::Event::parse(&s.event))
            .is_some_and(|e| e.kind == Kind::KeysRotated && e.new_signer() == Some(new_line)))
    }

    /// Re-seals one record's values to the new keys (its new objects already written and
    /// pending), unless that was done already.
    fn reseal_record(
        &self,
        id: RecordId,
        r: &Rotation<'_>,
        report: &mut RotateReport,
    ) -> Result<Option<Resealed>> {
        let s = &self.store;
        let loc = s.loc(&id);
        let Some(sealed_body) = s.records().get(loc)? else {
            return Ok(None);
        };
        let (oc, nc) = (&r.old.catalog_key, &r.new.catalog_key);
        let catalog_v = s.catalog().get(loc)?;
        let done = match &r.new_identity {
            Some(ni) => seal::open_bytes(&[ni as &dyn age::Identity], &sealed_body).is_ok(),
            // A collector: bodies stay sealed to headquarters; only its own keys change.
            None => catalog_v
                .as_ref()
                .is_some_and(|v| nc.open(Domain::Catalog, &id.0, v).is_ok()),
        };
        if done {
            return Ok(None);
        }
        let entry_plain = catalog_v
            .as_ref()
            .and_then(|v| {
                oc.open(Domain::Catalog, &id.0, v)
                    .or_else(|_| nc.open(Domain::Catalog, &id.0, v))
                    .ok()
            })
            .ok_or_else(|| Error::damaged(id, words!("d-rotate-catalog-open")))?;
        let mut entry = CatalogEntry::decode(&entry_plain)
            .ok_or_else(|| Error::damaged(id, words!("d-rotate-catalog-decode")))?;

        let mut new_objects: Vec<ObjectId> = Vec::new();
        let mut old_objects: Vec<ObjectId> = Vec::new();
        let mut objects_size = 0;
        let body = match &r.old_identity {
            None => sealed_body.to_vec(),
            Some(oi) => {
                let result = self.reseal_body(
                    id,
                    &sealed_body,
                    oi,
                    r,
                    &mut new_objects,
                    &mut old_objects,
                    report,
                );
                match result {
                    Ok((value, size)) => {
                        objects_size = size;
                        entry.objects = new_objects.iter().map(|o| o.0).collect();
                        entry.sealed_size = value.len() as u64 + size;
                        value
                    }
                    Err(e) => {
                        let _ = s.delete_objects(&new_objects);
                        return Err(e);
                    }
                }
            }
        };
        let catalog = nc.seal(Domain::Catalog, &id.0, &entry.encode());
        let mut search = Vec::new();
        for kv in s.search().scan_prefix(loc) {
            let (k, v) = kv?;
            let kid = s.search_key_id(&k).unwrap_or_default();
            if let Ok(p) = oc
                .open(Domain::Search, &kid, &v)
                .or_else(|_| nc.open(Domain::Search, &kid, &v))
            {
                search.push((k.clone(), nc.seal(Domain::Search, &kid, &p)));
            }
        }
        Ok(Some(Resealed {
            id,
            body,
            catalog,
            search,
            new_objects,
            old_objects,
            objects_size,
        }))
    }

    /// Stores a batch of re-sealed records, each with its `record-resealed` event, in one
    /// transaction; then deletes their old objects.
    fn commit_resealed(&self, batch: Vec<Resealed>, r: &Rotation<'_>) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let s = &self.store;
        let mut log = self.rotation_log(r);
        let new_line = sshkey::ed25519_line(&r.new.signing_public);
        for x in &batch {
            log.append_signed(
                Happened::RecordResealed {
                    new_signer: new_line.clone(),
                },
                Some(x.id),
                None,
                Some(r.new.signing_seed()),
            )?;
        }
        let mut ops = Ops::new();
        for x in &batch {
            let loc = s.loc(&x.id);
            ops.insert(TreeId::Records, loc, x.body.clone());
            ops.insert(TreeId::Catalog, loc, x.catalog.clone());
            for (k, v) in &x.search {
                ops.insert(TreeId::Search, k, v.clone());
            }
            for o in &x.new_objects {
                ops.remove(TreeId::Pending, s.pending_key(o));
            }
            for o in &x.old_objects {
                ops.insert(TreeId::Pending, s.pending_key(o), vec![]);
            }
        }
        log.seal()?.add_to(&mut ops);
        if let Err(e) = self.store.apply_resealed(&ops, &self.keyring.catalog_key) {
            for x in &batch {
                let _ = s.delete_objects(&x.new_objects);
            }
            return Err(e);
        }
        log.committed();
        s.sync()?;
        // Overwritten, not just unlinked: the old keys (a backup of the old keyring) still
        // open them, and the file system keeps unlinked blocks until it reuses them.
        for x in &batch {
            s.destroy_objects(&x.old_objects)?;
        }
        Ok(())
    }

    /// Opens a body with the old identity and re-seals it, its objects (checked against
    /// their SHA-256 on the way) and, on a custodian's device, its identity part, to the new
    /// recipients. Returns the sealed body and the size of its new objects.
    #[allow(clippy::too_many_arguments)]
    fn reseal_body(
        &self,
        id: RecordId,
        sealed: &[u8],
        old_identity: &age::x25519::Identity,
        r: &Rotation<'_>,
        new_objects: &mut Vec<ObjectId>,
        old_objects: &mut Vec<ObjectId>,
        report: &mut RotateReport,
    ) -> Result<(Vec<u8>, u64)> {
        let ids = [old_identity as &dyn age::Identity];
        let plain = seal::open_bytes(&ids, sealed).map_err(|f| match f {
            OpenFailure::Io(e) => Error::io(words!("d-reading-record"), e),
            other => {
                let why = format!("{other:?}");
                Error::damaged(id, words!("d-rotate-body-open", why = why))
            }
        })?;
        let mut body = RecordBody::decode(id, &plain)?;
        let mut objects_size = 0;
        for part in body.parts.iter_mut() {
            let name = format!("{:?}", part.name);
            match &part.storage {
                Storage::Object { id: oid, .. } => {
                    let old = ObjectId(*oid);
                    let file = self.store.open_object(&old).map_err(|_| {
                        Error::damaged(id, words!("d-rotate-object-missing", part = &name))
                    })?;
                    let dec = age::Decryptor::new_buffered(seal::buffered(file)).map_err(|_| {
                        Error::damaged(id, words!("d-rotate-object-damaged", part = &name))
                    })?;
                    let reader = dec.decrypt(ids.iter().copied()).map_err(|_| {
                        Error::damaged(id, words!("d-rotate-object-open", part = &name))
                    })?;
                    let mut reader = crate::crypto::pad::Unpadded::new(reader, part.size);
                    let new = ObjectId::random();
                    self.store.mark_pending(&[new])?;
                    new_objects.push(new);
                    let mut w = self.store.object_writer(new)?;
                    let (digest, _) =
                        seal::seal_stream(&r.new_content, &[], &mut reader, w.writer()).map_err(
                            |e| match e {
                                StreamError::Read(_) => Error::damaged(
                                    id,
                                    words!("d-rotate-object-authenticate", part = &name),
                                ),
                                StreamError::Write(e) => Error::io(words!("d-writing-object"), e),
                            },
                        )?;
                    if digest.size != part.size || digest.sha256 != part.sha256 {
                        return Err(Error::damaged(
                            id,
                            words!("d-part-sha-differs", part = &name),
                        ));
                    }
                    let sealed_size = w.commit()?;
                    objects_size += sealed_size;
                    old_objects.push(old);
                    part.storage = Storage::Object {
                        id: new.0,
                        sealed_size,
                    };
                    report.objects += 1;
                }
                Storage::Sealed(bytes) if r.custodian => {
                    let who: Zeroizing<Vec<u8>> = seal::open_bytes(&ids, bytes)
                        .map_err(|_| Error::damaged(id, words!("d-rotate-identity-open")))?;
                    let resealed = seal::seal_bytes(&r.new_custodians, &who)?;
                    part.size = resealed.len() as u64;
                    part.sha256 = seal::sha256(&resealed);
                    part.storage = Storage::Sealed(resealed);
                    report.identities_resealed += 1;
                }
                Storage::Sealed(_) => report.identities_kept += 1,
                Storage::Inline(_) => {}
            }
        }
        let value = seal::seal_bytes(&r.new_content, &body.encode())?;
        Ok((value, objects_size))
    }
}
