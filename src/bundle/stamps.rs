//! Time-stamp tokens in bundles (FORMAT.md 13.2, 14.6): the sender picks, for each event of
//! a record's chain that is in its log, the earliest token of each authority it trusts
//! covering it and the path from the event to that token's root; the receiver checks each token and each path, and learns
//! from them when each event existed at the latest.
use std::collections::HashMap;

use serde::Serialize;

use crate::crypto::seal::sha256;
use crate::crypto::tsp;
use crate::error::Result;
use crate::format::event::{CustodyEntry, Event};
use crate::format::manifest::{reject, Manifest};
use crate::format::stamp::{self, BundleToken, Covered, Stamp, Tree};
use crate::vault::timestamps::Pending;
use crate::vault::Vault;
use crate::words;

/// A token of the sender's log that leads to an authority the sender trusts.
struct Usable {
    stamp: Stamp,
    /// SHA-256 of the certificate that signed it.
    authority: [u8; 32],
}

/// The sender's log as tokens cover it.
pub(super) struct StampedLog {
    tree: Tree,
    usable: Vec<Usable>,
    /// Each event's leaf → its place in the log.
    seq_of: HashMap<[u8; 32], u64>,
    /// The tokens the bundle carries so far, by the `timestamped` event they came from.
    used: Vec<u64>,
}

impl StampedLog {
    /// The log's tree and the tokens in it that lead to an authority of `tsa list` (the
    /// others prove nothing to this vault, and would prove nothing to a partner who trusts
    /// what it trusts), or `None` when there is none.
    pub(super) fn load(
        vault: &Vault,
        pending: &Pending,
        new: Vec<Stamp>,
    ) -> Result<Option<StampedLog>> {
        let tree = &pending.tree;
        let trusted = vault.trusted_certificates()?;
        let usable: Vec<Usable> = pending
            .stamps
            .iter()
            .cloned()
            .chain(new)
            .filter_map(|stamp| {
                let p = tsp::verify(
                    &stamp.token,
                    &sha256(stamp.statement().as_bytes()),
                    &trusted,
                )
                .ok()
                .filter(|p| p.trusted)?;
                Some(Usable {
                    stamp,
                    authority: p.signer_sha256,
                })
            })
            .collect();
        if usable.is_empty() {
            return Ok(None);
        }
        let seq_of = (0..tree.len()).map(|i| (tree.leaf(i), i)).collect();
        Ok(Some(StampedLog {
            tree: tree.clone(),
            usable,
            seq_of,
            used: Vec::new(),
        }))
    }

    /// For each event of `chain` that is in this log and under a token, for each
    /// authority, its earliest token covering it and the path to that token's root.
    pub(super) fn cover(&mut self, chain: &[CustodyEntry]) -> Vec<Covered> {
        let mut out = Vec::new();
        for (entry, e) in chain.iter().enumerate() {
            let Some(&seq) = self.seq_of.get(&stamp::leaf(e)) else {
                continue;
            };
            // Per authority (its signing certificate), the earliest token covering the event (RFC 3339 times of
            // one form compare as text).
            let mut best: Vec<&Usable> = Vec::new();
            for u in self.usable.iter().filter(|u| u.stamp.events > seq) {
                match best.iter_mut().find(|b| b.authority == u.authority) {
                    Some(b)
                        if (u.stamp.time.as_str(), u.stamp.seq)
                            < (b.stamp.time.as_str(), b.stamp.seq) =>
                    {
                        *b = u
                    }
                    Some(_) => {}
                    None => best.push(u),
                }
            }
            for u in best {
                let token = match self.used.iter().position(|&s| s == u.stamp.seq) {
                    Some(i) => i,
                    None => {
                        self.used.push(u.stamp.seq);
                        self.used.len() - 1
                    }
                };
                out.push(Covered {
                    entry,
                    token,
                    leaf: seq,
                    path: self
                        .tree
                        .proof(seq, u.stamp.events)
                        .iter()
                        .map(hex::encode)
                        .collect(),
                });
            }
        }
        out
    }

    /// The tokens [`StampedLog::cover`] referred to, in the order of its `token` numbers.
    pub(super) fn tokens(&self) -> Vec<BundleToken> {
        use base64::Engine;
        self.used
            .iter()
            .map(|seq| {
                let s = &self
                    .usable
                    .iter()
                    .find(|u| u.stamp.seq == *seq)
                    .expect("a used stamp")
                    .stamp;
                BundleToken {
                    statement: s.statement(),
                    token: base64::engine::general_purpose::STANDARD.encode(&s.token),
                }
            })
            .collect()
    }
}

/// What a token in a bundle proves of one event of a record's chain.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenEvent {
    /// The event's place in the record's chain.
    pub entry: usize,
    pub kind: String,
    /// When it says it happened.
    pub claimed: String,
    /// When the authority says it existed at the latest.
    pub existed_by: String,
    pub authority: String,
    /// Whether the authority leads to a certificate of `amanat tsa list` here.
    pub trusted: bool,
    /// The event claims a time more than the clocks' allowance after the time the token
    /// proves it existed: the sender's clock was ahead, or the token's time is false.
    pub claims_later: bool,
}

/// Checks every token of a bundle over its statement, and every path from an event of a
/// record's chain to a token's root. Returns, per record, what the tokens prove; a token
/// or a path that does not verify rejects the bundle.
pub(crate) fn check(m: &Manifest, trusted: &[Vec<u8>]) -> Result<Vec<Vec<ProvenEvent>>> {
    let tokens = check_tokens(m, trusted)?;
    m.records.iter().map(|r| tokens.prove(r)).collect()
}

/// Checks every token of a bundle over its statement.
pub(crate) fn check_tokens(m: &Manifest, trusted: &[Vec<u8>]) -> Result<Tokens> {
    use base64::Engine;
    let indexed: Vec<(usize, &BundleToken)> = m.timestamps.iter().enumerate().collect();
    let checked = crate::vault::map_on_cores(&indexed, 4, |(i, t)| {
        let (signer, events, root) = stamp::parse_statement(&t.statement).expect("validated");
        let der = base64::engine::general_purpose::STANDARD
            .decode(&t.token)
            .expect("validated");
        tsp::verify(&der, &sha256(t.statement.as_bytes()), trusted)
            .map(|p| (signer, events, root, p))
            .map_err(|e| reject(words!("d-stamp-token", token = i + 1, why = e)))
    });
    Ok(Tokens(checked.into_iter().collect::<Result<Vec<_>>>()?))
}

/// A bundle's tokens, each verified over its statement: the statement's signer, its number of
/// events and its tree's root, and what the token proves.
pub(crate) struct Tokens(Vec<(String, u64, [u8; 32], tsp::Proven)>);

impl Tokens {
    /// What the tokens prove of a record's chain, every path from one of its events to a
    /// token's root checked (the chain itself verified before).
    pub(crate) fn prove(
        &self,
        r: &crate::format::manifest::ManifestRecord,
    ) -> Result<Vec<ProvenEvent>> {
        let tokens = &self.0;
        let mut proven = Vec::with_capacity(r.timestamps.len());
        // Each signer's last place in the chain, read once.
        let mut last_signed: HashMap<String, usize> = HashMap::new();
        for (i, e) in r.custody.iter().enumerate() {
            if let Some(ev) = Event::parse(&e.event) {
                last_signed.insert(ev.signer, i);
            }
        }
        for c in &r.timestamps {
            let (signer, events, root, p) = &tokens[c.token];
            let entry = &r.custody[c.entry];
            // The statement is of a log that held the record: its signer signed this event
            // or a later one of the chain (after a key rotation).
            let of_this_chain = last_signed.get(signer).is_some_and(|&i| i >= c.entry);
            if !of_this_chain {
                return Err(reject(words!("d-stamp-other-key", id = &r.id)));
            }
            let path: Vec<[u8; 32]> = c
                .path
                .iter()
                .map(|h| {
                    hex::decode(h)
                        .ok()
                        .and_then(|v| v.try_into().ok())
                        .expect("validated")
                })
                .collect();
            if !stamp::included(&stamp::leaf(entry), c.leaf, *events, &path, root) {
                return Err(reject(words!(
                    "d-stamp-not-under",
                    event = c.entry + 1,
                    id = &r.id
                )));
            }
            let ev = Event::parse(&entry.event).expect("a checked chain");
            let claimed = ev
                .time
                .parse::<jiff::Timestamp>()
                .map_or(0, |t| t.as_second());
            proven.push(ProvenEvent {
                entry: c.entry,
                kind: ev.kind,
                claimed: ev.time,
                existed_by: stamp::rfc3339(p.time),
                authority: p.authority.clone(),
                trusted: p.trusted,
                claims_later: claimed > p.time + crate::vault::custody::CLOCK_SKEW_SECS,
            });
        }
        Ok(proven)
    }
}
