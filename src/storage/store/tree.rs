//! Read access to the database's trees. Nothing outside `storage` can write a tree: every
//! write is an [`Ops`] given to [`Store::apply`], which journals it first (the exceptions
//! are named where they are made: [`Store::rewrite_unjournaled`] for rotation, and the
//! test hooks).
use std::ops::RangeBounds;

use super::*;

/// A value or key as the database holds it (cheap to clone; derefs to bytes).
pub type Bytes = sled::IVec;

/// One tree, to read.
#[derive(Clone, Copy)]
pub struct Tree<'s>(&'s sled::Tree);

/// The entries of a tree in key order, each a (key, value) pair.
pub struct Iter(sled::Iter);

impl Iterator for Iter {
    type Item = Result<(Bytes, Bytes)>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|kv| kv.map_err(Error::from))
    }
}

impl DoubleEndedIterator for Iter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|kv| kv.map_err(Error::from))
    }
}

impl Iter {
    /// The keys only.
    pub fn keys(self) -> impl DoubleEndedIterator<Item = Result<Bytes>> {
        self.map(|kv| kv.map(|(k, _)| k))
    }
}

impl<'s> Tree<'s> {
    /// Read access to a tree of a database opened here (the tests of `storage`).
    #[cfg(test)]
    pub(in crate::storage) fn of(tree: &'s sled::Tree) -> Tree<'s> {
        Tree(tree)
    }

    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        Ok(self.0.get(key)?)
    }

    pub fn contains_key(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        Ok(self.0.contains_key(key)?)
    }

    pub fn iter(&self) -> Iter {
        Iter(self.0.iter())
    }

    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(&self, range: R) -> Iter {
        Iter(self.0.range(range))
    }

    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Iter {
        Iter(self.0.scan_prefix(prefix))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn first(&self) -> Result<Option<(Bytes, Bytes)>> {
        Ok(self.0.first()?)
    }

    pub fn last(&self) -> Result<Option<(Bytes, Bytes)>> {
        Ok(self.0.last()?)
    }
}

/// What [`Store::rewrite_unjournaled`] does with one value.
pub(crate) enum Rewrite {
    Keep,
    Replace(Vec<u8>),
    /// The value is damaged: kept as it is, and its key reported.
    Damaged,
}

impl Store {
    /// Tree `t`, to read.
    pub fn read(&self, t: TreeId) -> Tree<'_> {
        Tree(self.tree(t))
    }

    pub fn records(&self) -> Tree<'_> {
        Tree(&self.records)
    }
    pub fn catalog(&self) -> Tree<'_> {
        Tree(&self.catalog)
    }
    pub fn search(&self) -> Tree<'_> {
        Tree(&self.search)
    }
    pub fn index(&self) -> Tree<'_> {
        Tree(&self.index)
    }
    pub fn pending(&self) -> Tree<'_> {
        Tree(&self.pending)
    }
    pub fn meta(&self) -> Tree<'_> {
        Tree(&self.meta)
    }
    pub fn contacts(&self) -> Tree<'_> {
        Tree(&self.contacts)
    }
    pub fn audit(&self) -> Tree<'_> {
        Tree(&self.audit)
    }
    pub fn custody(&self) -> Tree<'_> {
        Tree(&self.custody)
    }
    pub fn imported(&self) -> Tree<'_> {
        Tree(&self.imported)
    }

    /// Passes every value of tree `t` through `f` and writes what it replaces, in batches,
    /// then syncs. Not journaled: only rotation uses it (with [`Store::put_unjournaled`]),
    /// for values it re-seals under new keys, and it writes the journal anew once the new
    /// keyring is in place (FORMAT.md 5.5). Returns the keys `f` found damaged.
    pub(crate) fn rewrite_unjournaled(
        &self,
        t: TreeId,
        mut f: impl FnMut(&[u8], &[u8]) -> Rewrite,
    ) -> Result<Vec<Bytes>> {
        let tree = self.tree(t);
        let mut damaged = Vec::new();
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for kv in tree.iter() {
            let (k, v) = kv?;
            match f(&k, &v) {
                Rewrite::Keep => {}
                Rewrite::Replace(new) => {
                    batch.insert(k, new);
                    n += 1;
                }
                Rewrite::Damaged => damaged.push(k),
            }
            if n == 512 {
                tree.apply_batch(std::mem::take(&mut batch))?;
                n = 0;
            }
        }
        tree.apply_batch(batch)?;
        self.sync()?;
        Ok(damaged)
    }

    /// Writes one value and syncs, not journaled: rotation's re-seal of one value, as
    /// [`Store::rewrite_unjournaled`] of a tree.
    pub(crate) fn put_unjournaled(&self, t: TreeId, key: &[u8], value: Vec<u8>) -> Result<()> {
        self.tree(t).insert(key, value)?;
        self.sync()
    }

    /// A tree to write directly, for the tests that tamper with a vault or write one as an
    /// earlier version did.
    #[cfg(feature = "test-hooks")]
    pub fn raw(&self, t: TreeId) -> &sled::Tree {
        self.tree(t)
    }
}

/// The error of a failed sled transaction: ours if we aborted it, else sled's.
pub(super) fn from_transaction(e: sled::transaction::TransactionError<Error>) -> Error {
    match e {
        sled::transaction::TransactionError::Abort(e) => e,
        sled::transaction::TransactionError::Storage(e) => e.into(),
    }
}

impl From<sled::Error> for Error {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) => {
                if io.kind() == std::io::ErrorKind::Other
                    && io.to_string().contains("could not acquire lock")
                {
                    Error::InUse
                } else {
                    Error::io(words!("d-store-database"), io)
                }
            }
            sled::Error::Corruption { .. } => Error::VaultDamaged(words!("d-store-db-corruption")),
            other => Error::VaultDamaged(words!("d-store-database-why", why = other.to_string())),
        }
    }
}
