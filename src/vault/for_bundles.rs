//! What the bundle layer may ask of an unlocked vault. `bundle/` cannot reach the vault's
//! store or keyring (the fields are private to `vault/`); everything it needs beyond the
//! public operations is here, by name.
use std::fs::File;
use std::io;

use super::Vault;
use crate::crypto::seal::Recipients;
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result};
use crate::format::catalog::CatalogEntry;
use crate::format::id::{ObjectId, RecordId};
use crate::storage::store::Bytes;
use crate::words;

impl Vault {
    /// Whether a record with this id is in the vault.
    pub(crate) fn holds(&self, id: &RecordId) -> Result<bool> {
        self.store.records().contains_key(self.store.loc(id))
    }

    /// Overwrites and removes object files written for a change that did not commit, as the
    /// sweep does. What is not removed now stays pending for the next sweep.
    pub(crate) fn discard_objects(&self, ids: &[ObjectId]) -> Result<()> {
        self.store.destroy_objects(ids)
    }

    /// The armored SSHSIG signature of a bundle manifest by the vault's signing key.
    pub(crate) fn sign_manifest(&self, manifest: &[u8]) -> String {
        crate::crypto::sshsig::sign(
            self.keyring.signing_seed(),
            crate::crypto::sshsig::NAMESPACE_BUNDLE,
            manifest,
        )
    }

    /// The key of the per-partner pseudonyms of witness codes and record ids.
    pub(crate) fn pseudonym_key(&self) -> &[u8; 32] {
        self.keyring.pseudonym_key.expose()
    }

    /// Whether identity parts open here: the vault's own key is an identity custodian.
    pub(crate) fn holds_custodian_key(&self) -> bool {
        let own = self.keyring.own_recipient();
        self.keyring
            .identity_recipients
            .iter()
            .any(|r| Some(r) == own.as_ref())
    }

    /// The recipients what this vault adds is sealed to, as texts and parsed.
    pub(crate) fn content_recipients(&self) -> (&[String], &Recipients) {
        (&self.keyring.content_recipients, &self.content)
    }

    /// A record as stored, still sealed, with its catalog entry: what a collector's
    /// transfer bundle carries.
    pub(crate) fn sealed_record(&self, id: &RecordId) -> Result<(Bytes, CatalogEntry)> {
        let loc = self.store.loc(id);
        let body = self
            .store
            .records()
            .get(loc)?
            .ok_or_else(|| Error::NoSuchRecord(id.to_hex()))?;
        Ok((body, self.catalog_of(id)?))
    }

    /// A record's catalog entry (what `list` shows of it), opened.
    pub(crate) fn catalog_of(&self, id: &RecordId) -> Result<CatalogEntry> {
        self.store
            .catalog()
            .get(self.store.loc(id))?
            .and_then(|v| {
                self.keyring
                    .catalog_key
                    .open(Domain::Catalog, &id.0, &v)
                    .ok()
            })
            .and_then(|p| CatalogEntry::decode(&p))
            .ok_or_else(|| Error::damaged(id, words!("d-vault-catalog-damaged")))
    }

    /// An object file, to read as it is stored (sealed).
    pub(crate) fn open_object(&self, id: &ObjectId) -> io::Result<File> {
        self.store.open_object(id)
    }
}
