//! What a time-stamp token covers (FORMAT.md 14.6): a Merkle tree over a vault's custody
//! log, the statement naming its root that the authority stamps, and the inclusion proofs
//! that let a partner check that one event of a record's chain is under that root without
//! seeing any other event of the log. The tree is RFC 9162's (Certificate Transparency),
//! so its proofs are checked by the algorithm of RFC 9162 2.1.3.2.
use serde::{Deserialize, Serialize};

use super::event::{CustodyEntry, Event, Happened};
use crate::crypto::seal::sha256;

/// The first line of a statement.
pub const STATEMENT_MAGIC: &str = "amanat-custody-timestamp-v1";

/// The leaf of an event: SHA-256 of `0x00 ‖ event ‖ "\n" ‖ signature [‖ cosignature]`,
/// the signatures armored as in a bundle, so the token covers the signatures, not only the
/// events (a key seized later cannot re-sign an event as if it were old).
pub fn leaf(entry: &CustodyEntry) -> [u8; 32] {
    let mut data = Vec::with_capacity(1 + entry.event.len() + 1 + entry.signature.len() + 300);
    data.push(0);
    data.extend_from_slice(entry.event.as_bytes());
    data.push(b'\n');
    data.extend_from_slice(entry.signature.as_bytes());
    if let Some(co) = &entry.cosignature {
        data.extend_from_slice(co.as_bytes());
    }
    sha256(&data)
}

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut data = [0u8; 65];
    data[0] = 1;
    data[1..33].copy_from_slice(left);
    data[33..].copy_from_slice(right);
    sha256(&data)
}

/// The hashes of every complete, aligned subtree of a log's leaves: `levels[h][i]` is the
/// hash of leaves `i·2^h .. (i+1)·2^h`. Any tree over a prefix of the leaves, and any proof
/// in it, is made of these, so one pass over the log serves every token.
#[derive(Clone)]
pub struct Tree {
    levels: Vec<Vec<[u8; 32]>>,
}

impl Tree {
    pub fn new(leaves: Vec<[u8; 32]>) -> Tree {
        let mut levels = vec![leaves];
        while levels.last().expect("one level").len() > 1 {
            let below = levels.last().expect("one level");
            let up = below.chunks_exact(2).map(|p| node(&p[0], &p[1])).collect();
            levels.push(up);
        }
        Tree { levels }
    }

    /// How many leaves the tree holds.
    pub fn len(&self) -> u64 {
        self.levels[0].len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// Leaf `i`.
    pub fn leaf(&self, i: u64) -> [u8; 32] {
        self.levels[0][i as usize]
    }

    /// The root of the tree over leaves `start .. start + n` (RFC 9162 MTH), where `start`
    /// is a multiple of the largest power of two below `n` or `n` is a power of two.
    fn hash(&self, start: u64, n: u64) -> [u8; 32] {
        if n.is_power_of_two() {
            let h = n.trailing_zeros() as usize;
            return self.levels[h][(start >> h) as usize];
        }
        let k = split(n);
        node(&self.hash(start, k), &self.hash(start + k, n - k))
    }

    /// The root of the tree over the first `n` leaves (`1 ≤ n ≤ len`).
    pub fn root(&self, n: u64) -> [u8; 32] {
        assert!(
            n >= 1 && n <= self.len(),
            "a root over leaves the tree holds"
        );
        self.hash(0, n)
    }

    /// The inclusion proof of leaf `m` in the tree over the first `n` leaves (RFC 9162
    /// PATH), nearest sibling first.
    pub fn proof(&self, m: u64, n: u64) -> Vec<[u8; 32]> {
        assert!(m < n && n <= self.len(), "a proof of a leaf the tree holds");
        let mut out = Vec::new();
        self.path(m, 0, n, &mut out);
        out
    }

    fn path(&self, m: u64, start: u64, n: u64, out: &mut Vec<[u8; 32]>) {
        if n == 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, start, k, out);
            out.push(self.hash(start + k, n - k));
        } else {
            self.path(m - k, start + k, n - k, out);
            out.push(self.hash(start, k));
        }
    }
}

/// The largest power of two smaller than `n` (`n ≥ 2`).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// Whether `path` proves leaf `m` (whose hash is `leaf`) in a tree of `n` leaves with
/// `root` (RFC 9162 2.1.3.2).
pub fn included(leaf: &[u8; 32], m: u64, n: u64, path: &[[u8; 32]], root: &[u8; 32]) -> bool {
    if m >= n {
        return false;
    }
    let (mut f_n, mut s_n) = (m, n - 1);
    let mut r = *leaf;
    for p in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// The text a token is asked for: a log's signer, how many of its events the tree covers
/// and the tree's root. The authority signs its SHA-256.
pub fn statement(signer: &str, events: u64, root: &[u8; 32]) -> String {
    format!(
        "{STATEMENT_MAGIC}\nsigner {signer}\nevents {events}\nroot {}\n",
        hex::encode(root)
    )
}

/// The parts of a statement, if it is exactly one [`statement`] makes.
pub fn parse_statement(text: &str) -> Option<(String, u64, [u8; 32])> {
    let mut lines = text.strip_suffix('\n')?.split('\n');
    (lines.next()? == STATEMENT_MAGIC).then_some(())?;
    let signer = lines.next()?.strip_prefix("signer ")?.to_owned();
    let events: u64 = lines.next()?.strip_prefix("events ")?.parse().ok()?;
    let root: [u8; 32] = hex::decode(lines.next()?.strip_prefix("root ")?)
        .ok()?
        .try_into()
        .ok()?;
    let parsed = (signer, events, root);
    (lines.next().is_none() && statement(&parsed.0, parsed.1, &parsed.2) == text).then_some(parsed)
}

/// A token as a bundle carries it (FORMAT.md 13.2, `timestamps`): the statement it stamps
/// and the token, base64 DER.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BundleToken {
    pub statement: String,
    pub token: String,
}

impl BundleToken {
    /// Its statement is exactly one [`statement`] makes, and its token base64 of at most
    /// [`crate::crypto::tsp::MAX_TOKEN`] bytes.
    pub fn well_formed(&self) -> bool {
        use base64::Engine;
        parse_statement(&self.statement).is_some()
            && self.token.len() <= crate::crypto::tsp::MAX_TOKEN.div_ceil(3) * 4
            && base64::engine::general_purpose::STANDARD
                .decode(&self.token)
                .is_ok()
    }
}

/// Most siblings in an inclusion path: a tree of 2^64 leaves needs no more.
pub const MAX_PATH: usize = 64;

/// Where an event of a record's chain is under a token of the bundle: the event's place in
/// the record's `custody`, the token's place in `timestamps`, the event's place in the
/// stamped log and the path to the root, hex, nearest sibling first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Covered {
    pub entry: usize,
    pub token: usize,
    pub leaf: u64,
    pub path: Vec<String>,
}

impl Covered {
    /// It names one of `tokens` tokens and one of `entries` events, with a path of at most
    /// [`MAX_PATH`] hashes in their canonical spelling.
    pub fn well_formed(&self, tokens: usize, entries: usize) -> bool {
        self.token < tokens
            && self.entry < entries
            && self.path.len() <= MAX_PATH
            && self
                .path
                .iter()
                .all(|h| crate::format::id::is_canonical_hex(h, 32))
    }
}

/// A `timestamped` event of the log.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// Its place in the log.
    pub seq: u64,
    /// How many events, from the first, its token covers.
    pub events: u64,
    pub root: [u8; 32],
    /// The authority's time, RFC 3339.
    pub time: String,
    /// The token, DER.
    pub token: Vec<u8>,
    /// The vault's key that signed it, which the statement names.
    pub signer: String,
}

impl Stamp {
    /// The text the token stamps.
    pub fn statement(&self) -> String {
        statement(&self.signer, self.events, &self.root)
    }

    /// Reads a `timestamped` event; `None` if it is not one or its details are malformed.
    pub fn of(seq: u64, ev: &Event) -> Option<Stamp> {
        let Happened::Timestamped {
            events,
            root,
            time,
            token,
        } = Happened::of(ev)?
        else {
            return None;
        };
        use base64::Engine;
        Some(Stamp {
            seq,
            events,
            root: hex::decode(root).ok()?.try_into().ok()?,
            time,
            token: base64::engine::general_purpose::STANDARD
                .decode(token)
                .ok()?,
            signer: ev.signer.clone(),
        })
    }
}

/// The certificates a `tsa-added` event's private details keep (base64 DER), if any.
pub fn added_certificates(private: Option<&str>) -> Vec<Vec<u8>> {
    use base64::Engine;
    let v: Option<serde_json::Value> = private.and_then(|t| serde_json::from_str(t).ok());
    let list = v.as_ref().and_then(|v| v["certificates"].as_array());
    list.into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .filter_map(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .collect()
}

/// RFC 3339, UTC, whole seconds.
pub fn rfc3339(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| secs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<[u8; 32]> {
        (0..n).map(|i| sha256(&(i as u64).to_be_bytes())).collect()
    }

    /// RFC 9162's MTH, written the slow way to compare with.
    fn mth(d: &[[u8; 32]]) -> [u8; 32] {
        match d.len() {
            1 => d[0],
            n => {
                let k = split(n as u64) as usize;
                node(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    #[test]
    fn every_proof_of_every_prefix_verifies_and_no_other_leaf_or_size_does() {
        let all = leaves(37);
        let tree = Tree::new(all.clone());
        for n in 1..=37u64 {
            let root = tree.root(n);
            assert_eq!(root, mth(&all[..n as usize]), "root of {n}");
            for m in 0..n {
                let path = tree.proof(m, n);
                assert!(included(&all[m as usize], m, n, &path, &root), "{m} in {n}");
                let other = (m + 1) % n;
                if other != m {
                    assert!(!included(&all[other as usize], m, n, &path, &root));
                    assert!(!included(&all[m as usize], other, n, &path, &root));
                }
                if !path.is_empty() {
                    let mut cut = path.clone();
                    cut.pop();
                    assert!(!included(&all[m as usize], m, n, &cut, &root));
                }
            }
        }
    }

    #[test]
    fn a_statement_reads_back_only_as_written() {
        let s = statement("ssh-ed25519 AAAA", 12, &[7; 32]);
        assert_eq!(
            parse_statement(&s),
            Some(("ssh-ed25519 AAAA".into(), 12, [7; 32]))
        );
        assert_eq!(parse_statement(&s.replace("events 12", "events 012")), None);
        assert_eq!(parse_statement(&format!("{s}x\n")), None);
        assert_eq!(parse_statement(s.trim_end()), None);
    }
}
