//! Values an earlier version wrote in one piece, moved into pieces at the first unlock
//! (FORMAT.md 3).
//!
//! Moving to format 4 copies a database without keys, so a search index segment of up to
//! 512 KiB of words, a long custody state or a large remembered bundle stays one value. A
//! leaf of sled's tree holding a few of them is over sled's blob threshold, and sled writes
//! such a leaf again whenever a change lands in it: a file under `db/blobs/` born at the
//! second of an addition. So the first unlock (which has the keys) rewrites them in pieces,
//! and the database is rewritten when the command closes.
use super::Vault;
use crate::crypto::symmetric::Domain;
use crate::error::Result;
use crate::storage::journal::{Ops, TreeId};
use crate::storage::pieces;
use crate::storage::store::PIECES_KEY as META_KEY;

/// Values re-sealed per transaction.
const BATCH: usize = 64;

impl Vault {
    /// Rewrites in pieces every value of `index`, `custody` and `imported` whose plaintext
    /// is longer than one piece; then sets `meta`/`pieces`, and asks for the database to be
    /// rewritten at close if anything moved. Values that do not open are left for `check`.
    /// Returns how many values moved.
    pub(crate) fn store_in_pieces(&self) -> Result<usize> {
        if self.store.meta().get(META_KEY)?.is_some() {
            return Ok(0);
        }
        // Commits are ordered by the audit log's lock, as every other.
        let _log = self.log();
        let mut moved = 0;
        let mut ops = Ops::new();
        let mut pending = 0;
        let trees = [
            (TreeId::Index, Domain::Index),
            (TreeId::Custody, Domain::Custody),
            (TreeId::Imported, Domain::Imported),
        ];
        for (tree, domain) in trees {
            for group in pieces::group(self.store.read(tree).iter()) {
                let (k, found) = group?;
                // A sealed value is longer than its plaintext: shorter ones fit one piece.
                if found.len() != 1 || found[0].1.len() <= pieces::PIECE {
                    continue;
                }
                let key_id = match tree {
                    TreeId::Custody => match self.store.unloc(&k).filter(|_| k.len() == 16) {
                        Some(id) => id.0.to_vec(),
                        None => continue,
                    },
                    _ => k.to_vec(),
                };
                let sealer = &self.keyring.catalog_key;
                let key = match tree {
                    TreeId::Custody => &self.keyring.audit_key,
                    _ => sealer,
                };
                let Ok(plain) = key.open(domain, &key_id, &found[0].1) else {
                    continue;
                };
                if plain.len() <= pieces::PIECE {
                    continue;
                }
                pieces::write(
                    &mut ops,
                    tree,
                    key,
                    domain,
                    &k,
                    &key_id,
                    Some(&plain),
                    &found,
                );
                moved += 1;
                pending += 1;
                if pending == BATCH {
                    self.apply(&std::mem::take(&mut ops))?;
                    pending = 0;
                }
            }
        }
        ops.insert(TreeId::Meta, META_KEY, [1u8]);
        self.apply(&ops)?;
        if moved > 0 {
            // The old values stay in sled's log until it is rewritten.
            self.store.compact_at_close()?;
        }
        self.store.sync()?;
        Ok(moved)
    }
}
