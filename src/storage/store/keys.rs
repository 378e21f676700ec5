//! The keys records are stored under: locators instead of record ids, so the database
//! does not show which values belong to one record (FORMAT.md, "Locators").
use super::*;

impl Store {
    /// Sets the locator of record keys; done once, at unlock, before any record is read.
    pub(crate) fn set_locator(&self, locator: crate::format::locator::Locator) {
        let _ = self.locator.set(locator);
    }

    pub(crate) fn set_pending_locator(&self, locator: crate::format::locator::Locator) {
        let _ = self.pending_locator.set(locator);
    }

    /// The key of an object's mark in `pending` (FORMAT.md, "Database"): its id under a
    /// keyed permutation, never the raw id that names its file.
    pub fn pending_key(&self, id: &ObjectId) -> [u8; 16] {
        self.pending_locator
            .get()
            .expect("objects are only written in an unlocked vault")
            .loc_bytes(id.0)
    }

    /// The key under which `id`'s values are stored in `records`, `catalog`, `custody` (and,
    /// as a prefix, `search`).
    pub fn loc(&self, id: &crate::format::id::RecordId) -> [u8; 16] {
        self.locator
            .get()
            .expect("records are only reached in an unlocked vault")
            .loc(id)
    }

    /// The record a key of `records`, `catalog`, `custody` or `search` names.
    pub fn unloc(&self, key: &[u8]) -> Option<crate::format::id::RecordId> {
        self.locator
            .get()
            .expect("records are only reached in an unlocked vault")
            .unloc(key)
    }

    /// The key under which a `search` chunk of `id` is stored (FORMAT.md 8.4).
    pub fn search_key(&self, id: &crate::format::id::RecordId, seq: u16) -> [u8; 18] {
        crate::format::catalog::search_key(&self.loc(id), seq)
    }

    /// The key id a `search` chunk stored under `key` is sealed with: the record's id and
    /// the chunk's sequence number (sealing binds the id, the tree holds the locator).
    pub fn search_key_id(&self, key: &[u8]) -> Option<[u8; 18]> {
        let id = self.unloc(key)?;
        let seq: [u8; 2] = key.get(16..18)?.try_into().ok()?;
        Some(crate::format::catalog::search_key(
            &id.0,
            u16::from_be_bytes(seq),
        ))
    }
}
