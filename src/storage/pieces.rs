//! Sealed values longer than one sled value may be, kept in pieces (FORMAT.md 9, "Pieces").
//!
//! sled 0.34 writes any log entry larger than a quarter of a log segment to a file of its
//! own, born at the second of the write; the store keeps every value under
//! [`crate::storage::store::MAX_VALUE`] so that no tree node reaches that size. A value that may grow
//! past it (a search index segment, a record's custody state) is cut into plaintext pieces of
//! at most [`PIECE`] bytes, each sealed on its own: piece 0 under the value's key with its key
//! id, piece i ≥ 1 under `key ‖ u16be(i)` with key id `key_id ‖ u16be(i)`. Each piece is then
//! an ordinary sealed value (rotation re-seals it as any other), and a reader joins them in
//! key order.
use crate::error::Result;
use crate::storage::store::{Bytes as IVec, Tree};
use zeroize::Zeroizing;

use crate::crypto::symmetric::{Domain, SymmetricKey};
use crate::storage::journal::{Ops, TreeId};

/// Most plaintext bytes of one piece.
pub const PIECE: usize = 64 * 1024;

/// The name of piece `i` under `base` (a key or a key id): `base`, then `base ‖ u16be(i)`.
pub fn name(base: &[u8], i: usize) -> Vec<u8> {
    let mut k = base.to_vec();
    if i > 0 {
        let i = u16::try_from(i).expect("fewer than 65,536 pieces (8 GiB)");
        k.extend_from_slice(&i.to_be_bytes());
    }
    k
}

/// Whether `k` is piece 1 or later of the value keyed `base`.
pub fn is_later_piece(base: &[u8], k: &[u8]) -> bool {
    k.len() == base.len() + 2 && k.starts_with(base)
}

/// The writes that store `plain` (or, with `None`, remove the value) under `key` in `tree`,
/// sealed with `key_id`; `old` is what [`read`] found of the value before, every piece of
/// which that the new value does not overwrite is removed (after a gap too).
#[allow(clippy::too_many_arguments)]
pub fn write(
    ops: &mut Ops,
    tree: TreeId,
    sealer: &SymmetricKey,
    domain: Domain,
    key: &[u8],
    key_id: &[u8],
    plain: Option<&[u8]>,
    old: &[(IVec, IVec)],
) {
    let mut n = 0;
    if let Some(plain) = plain {
        // An empty plaintext is still one piece.
        let pieces: Vec<&[u8]> = if plain.is_empty() {
            vec![plain]
        } else {
            plain.chunks(PIECE).collect()
        };
        for (i, p) in pieces.into_iter().enumerate() {
            ops.insert(tree, name(key, i), sealer.seal(domain, &name(key_id, i), p));
            n += 1;
        }
    }
    for (k, _) in old {
        let overwritten = (0..n).any(|i| name(key, i).as_slice() == k.as_ref());
        if !overwritten {
            ops.remove(tree, k);
        }
    }
    if plain.is_none() && old.is_empty() {
        ops.remove(tree, key);
    }
}

/// Joins and opens the pieces of one value, given in key order as a scan of `key`'s
/// prefix yields them; `None` if one does not open or one is missing.
pub fn open(
    sealer: &SymmetricKey,
    domain: Domain,
    key: &[u8],
    key_id: &[u8],
    pieces: &[(IVec, IVec)],
) -> Option<Zeroizing<Vec<u8>>> {
    if pieces.is_empty() {
        return None;
    }
    let mut plain = Zeroizing::new(Vec::new());
    for (i, (k, v)) in pieces.iter().enumerate() {
        if k.as_ref() != name(key, i).as_slice() {
            return None;
        }
        plain.extend_from_slice(&sealer.open(domain, &name(key_id, i), v).ok()?);
    }
    Some(plain)
}

/// The pieces of the value keyed `key` in `tree`, in key order (none if there is no value).
pub fn read(tree: Tree<'_>, key: &[u8]) -> Result<Vec<(IVec, IVec)>> {
    tree.scan_prefix(key)
        .filter(|kv| {
            kv.as_ref().map_or(true, |(k, _)| {
                k.len() == key.len() || is_later_piece(key, k)
            })
        })
        .collect()
}

/// Groups a scan of a tree in key order into values: each key that is not a later piece of
/// the one before, with its pieces.
pub fn group<I>(scan: I) -> Grouped<I>
where
    I: Iterator<Item = Result<(IVec, IVec)>>,
{
    Grouped {
        scan: scan.peekable(),
    }
}

/// See [`group`].
pub struct Grouped<I: Iterator<Item = Result<(IVec, IVec)>>> {
    scan: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = Result<(IVec, IVec)>>> Iterator for Grouped<I> {
    type Item = Result<(IVec, Vec<(IVec, IVec)>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let (k, v) = match self.scan.next()? {
            Ok(kv) => kv,
            Err(e) => return Some(Err(e)),
        };
        let mut pieces = vec![(k.clone(), v)];
        while let Some(Ok((next, _))) = self.scan.peek() {
            if !is_later_piece(&k, next) {
                break;
            }
            pieces.push(self.scan.next().expect("peeked").expect("peeked"));
        }
        Some(Ok((k, pieces)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_add_the_index_after_the_first_piece() {
        assert_eq!(name(b"ab", 0), b"ab");
        assert_eq!(name(b"ab", 1), b"ab\x00\x01");
        assert_eq!(name(b"ab", 258), b"ab\x01\x02");
        assert!(is_later_piece(b"ab", b"ab\x00\x01"));
        assert!(!is_later_piece(b"ab", b"ab"));
        assert!(!is_later_piece(b"ab", b"abc"));
    }

    /// Applies writes to a tree as a transaction would.
    fn apply(tree: &sled::Tree, ops: &Ops) {
        for op in &ops.0 {
            match &op.value {
                Some(v) => tree.insert(&op.key, v.as_slice()).unwrap(),
                None => tree.remove(&op.key).unwrap(),
            };
        }
    }

    #[test]
    fn long_values_are_kept_in_pieces_under_the_limit_and_shrink_without_leftovers() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        let key = SymmetricKey::random();
        let long: Vec<u8> = (0..PIECE * 2 + 5).map(|i| i as u8).collect();
        let (k, kid) = ([7u8; 16], [9u8; 16]);
        // Stores `plain` (or removes the value) over what `old` found, as a transaction would.
        let put = |plain: Option<&[u8]>, old: &[(IVec, IVec)]| {
            let mut ops = Ops::new();
            write(
                &mut ops,
                TreeId::Index,
                &key,
                Domain::Index,
                &k,
                &kid,
                plain,
                old,
            );
            apply(&tree, &ops);
        };
        put(Some(&long), &[]);
        // A neighbour: not one of its pieces.
        tree.insert([7u8; 17], &b"x"[..]).unwrap();
        let pieces = read(Tree::of(&tree), &k).unwrap();
        assert_eq!(pieces.len(), 3);
        assert!(pieces
            .iter()
            .all(|(_, v)| v.len() < crate::storage::store::MAX_VALUE));
        assert_eq!(
            open(&key, Domain::Index, &k, &kid, &pieces)
                .unwrap()
                .as_slice(),
            long
        );
        // Each piece is bound to its place: swapped, or with one missing, nothing opens.
        let mut swapped = pieces.clone();
        swapped.swap(1, 2);
        assert!(open(&key, Domain::Index, &k, &kid, &swapped).is_none());
        assert!(open(
            &key,
            Domain::Index,
            &k,
            &kid,
            &[pieces[0].clone(), pieces[2].clone()]
        )
        .is_none());
        assert!(
            open(&key, Domain::Index, &k, &k, &pieces).is_none(),
            "another key id"
        );
        // Shorter again: the surplus pieces go.
        let old = read(Tree::of(&tree), &k).unwrap();
        put(Some(b"short"), &old);
        let pieces = read(Tree::of(&tree), &k).unwrap();
        assert_eq!(pieces.len(), 1);
        assert_eq!(
            open(&key, Domain::Index, &k, &kid, &pieces)
                .unwrap()
                .as_slice(),
            b"short"
        );
        // A piece lost from the middle (damage): a rewrite leaves none of the old ones.
        put(Some(&long), &[]);
        tree.remove(name(&k, 1)).unwrap();
        let damaged = read(Tree::of(&tree), &k).unwrap();
        assert!(open(&key, Domain::Index, &k, &kid, &damaged).is_none());
        put(Some(b"short"), &damaged);
        assert_eq!(read(Tree::of(&tree), &k).unwrap().len(), 1);
        // Grouped in a scan, with the neighbour apart.
        let groups: Vec<_> = group(Tree::of(&tree).iter()).map(|g| g.unwrap()).collect();
        assert_eq!(groups.len(), 2);
        // Removed: nothing left of it.
        let old = read(Tree::of(&tree), &k).unwrap();
        put(None, &old);
        assert!(read(Tree::of(&tree), &k).unwrap().is_empty());
        assert_eq!(tree.len(), 1);
    }
}
