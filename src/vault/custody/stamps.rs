//! Checking the log's time-stamp tokens, and what they prove of each event (FORMAT.md
//! 14.6): which token first covers an event, and which events claim a time before a token
//! that was already in the log when they were written.
use serde::Serialize;

use crate::crypto::seal::sha256;
use crate::crypto::tsp;
use crate::error::Words;
use crate::format::stamp::{rfc3339, Stamp, Tree};
use crate::words;

/// How far an event's time may be before that of a token stored before it without being
/// flagged: the device's clock and the authority's are not the same clock.
pub const CLOCK_SKEW_SECS: i64 = 600;

/// A token of the log that verified.
#[derive(Debug, Clone, Serialize)]
pub struct StampInfo {
    /// The `timestamped` event.
    pub seq: u64,
    /// How many events, from the first, it covers.
    pub events: u64,
    /// The authority's time.
    pub time: String,
    /// Who signed it.
    pub authority: String,
    /// Whether its signer leads to a certificate of a configured authority.
    pub trusted: bool,
}

/// Events `from ..= to` existed by `time`, as the token in event `stamp` proves; or, with
/// no `stamp`, no token covers them yet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Coverage {
    pub from: u64,
    pub to: u64,
    pub stamp: Option<u64>,
    pub time: Option<String>,
}

/// An event whose time contradicts a trusted token: written after the token's event yet
/// claiming a time before the token's (backdated, or a clock far behind); covered by the
/// token yet claiming a time after it (a clock far ahead, or a false token); or itself a
/// token claiming a time before a token it covers (one of the two authorities is false).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flagged {
    pub seq: u64,
    pub time: String,
    pub stamp: u64,
    pub stamp_time: String,
    /// `before` (written after the token, claims to be older), `after` (covered by the
    /// token, claims to be newer) or `token` (a token older than one it covers).
    pub kind: &'static str,
}

/// What the tokens prove, once each verified. Only trusted tokens prove anything; the
/// others are listed.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Proofs {
    pub stamps: Vec<StampInfo>,
    pub coverage: Vec<Coverage>,
    pub flagged: Vec<Flagged>,
}

/// Checks every stamp against the tree of the log's leaves (its root) and its token
/// (over the statement, signed, for the time it claims). The first that fails is returned
/// with why.
pub(super) fn check(
    leaves: Vec<[u8; 32]>,
    times: &[i64],
    stamps: &[Stamp],
    trusted: &[Vec<u8>],
) -> Result<Proofs, (u64, Words)> {
    if stamps.is_empty() {
        return Ok(Proofs {
            coverage: uncovered(0, leaves.len() as u64),
            ..Proofs::default()
        });
    }
    let n = leaves.len() as u64;
    let tree = Tree::new(leaves);
    let mut infos = Vec::with_capacity(stamps.len());
    let mut secs = Vec::with_capacity(stamps.len());
    for s in stamps {
        if s.events == 0 || s.events > s.seq {
            return Err((s.seq, words!("d-custody-stamp-order")));
        }
        if tree.root(s.events) != s.root {
            return Err((s.seq, words!("d-custody-stamp-root")));
        }
        let imprint = sha256(s.statement().as_bytes());
        let proven = tsp::verify(&s.token, &imprint, trusted)
            .map_err(|e| (s.seq, words!("d-custody-stamp-token", why = e.0)))?;
        if rfc3339(proven.time) != s.time {
            return Err((s.seq, words!("d-custody-stamp-time")));
        }
        secs.push(proven.time);
        infos.push(StampInfo {
            seq: s.seq,
            events: s.events,
            time: s.time.clone(),
            authority: proven.authority,
            trusted: proven.trusted,
        });
    }
    // Only tokens that lead to a trusted certificate prove anything.
    let proving: Vec<usize> = (0..infos.len()).filter(|&i| infos[i].trusted).collect();
    let t_infos: Vec<StampInfo> = proving.iter().map(|&i| infos[i].clone()).collect();
    let t_secs: Vec<i64> = proving.iter().map(|&i| secs[i]).collect();
    let coverage = coverage(&t_infos, &t_secs, n);
    let mut flagged = flagged(times, &t_infos, &t_secs);
    flagged.extend(after_their_token(times, &coverage, &t_infos, &t_secs));
    flagged.extend(tokens_before_what_they_cover(&t_infos, &t_secs));
    flagged.sort_by_key(|f| (f.seq, f.stamp));
    Ok(Proofs {
        coverage,
        flagged,
        stamps: infos,
    })
}

/// Events claiming a time more than [`CLOCK_SKEW_SECS`] after the earliest token that
/// covers them.
fn after_their_token(
    times: &[i64],
    coverage: &[Coverage],
    infos: &[StampInfo],
    secs: &[i64],
) -> Vec<Flagged> {
    let mut out = Vec::new();
    for c in coverage {
        let Some(i) = c.stamp.and_then(|s| infos.iter().position(|x| x.seq == s)) else {
            continue;
        };
        for seq in c.from..=c.to {
            let t = times[seq as usize];
            if t > secs[i] + CLOCK_SKEW_SECS {
                out.push(Flagged {
                    seq,
                    time: rfc3339(t),
                    stamp: infos[i].seq,
                    stamp_time: infos[i].time.clone(),
                    kind: "after",
                });
            }
        }
    }
    out
}

/// Tokens claiming a time more than [`CLOCK_SKEW_SECS`] before a token they cover.
fn tokens_before_what_they_cover(infos: &[StampInfo], secs: &[i64]) -> Vec<Flagged> {
    let mut out = Vec::new();
    for (a, x) in infos.iter().enumerate() {
        for (b, y) in infos.iter().enumerate() {
            if y.seq < x.events && secs[a] < secs[b] - CLOCK_SKEW_SECS {
                out.push(Flagged {
                    seq: x.seq,
                    time: x.time.clone(),
                    stamp: y.seq,
                    stamp_time: y.time.clone(),
                    kind: "token",
                });
            }
        }
    }
    out
}

fn uncovered(from: u64, to_excl: u64) -> Vec<Coverage> {
    if from >= to_excl {
        return vec![];
    }
    vec![Coverage {
        from,
        to: to_excl - 1,
        stamp: None,
        time: None,
    }]
}

/// For every event, the earliest token covering it, as runs of events.
fn coverage(infos: &[StampInfo], secs: &[i64], n: u64) -> Vec<Coverage> {
    let mut order: Vec<usize> = (0..infos.len()).collect();
    order.sort_by_key(|&i| infos[i].events);
    // best[j]: the earliest token among order[j..] (all cover what order[j] covers).
    let mut best = vec![0usize; order.len()];
    for j in (0..order.len()).rev() {
        let i = order[j];
        best[j] = match best.get(j + 1) {
            Some(&b) if j + 1 < order.len() && secs[b] <= secs[i] => b,
            _ => i,
        };
    }
    let mut out: Vec<Coverage> = Vec::new();
    let mut from = 0u64;
    for (j, &i) in order.iter().enumerate() {
        let to = infos[i].events;
        if to <= from {
            continue;
        }
        let b = best[j];
        match out.last_mut() {
            Some(c) if c.stamp == Some(infos[b].seq) => c.to = to - 1,
            _ => out.push(Coverage {
                from,
                to: to - 1,
                stamp: Some(infos[b].seq),
                time: Some(infos[b].time.clone()),
            }),
        }
        from = to;
    }
    out.extend(uncovered(from, n));
    out
}

/// Events written after a token (their place is after its event) that claim a time more
/// than [`CLOCK_SKEW_SECS`] before the newest such token's.
fn flagged(times: &[i64], infos: &[StampInfo], secs: &[i64]) -> Vec<Flagged> {
    let mut out = Vec::new();
    let mut newest: Option<usize> = None;
    let mut next = 0usize;
    for (seq, &t) in times.iter().enumerate() {
        while next < infos.len() && infos[next].seq < seq as u64 {
            if newest.is_none_or(|b| secs[next] > secs[b]) {
                newest = Some(next);
            }
            next += 1;
        }
        if let Some(b) = newest {
            if t < secs[b] - CLOCK_SKEW_SECS {
                out.push(Flagged {
                    seq: seq as u64,
                    time: rfc3339(t),
                    stamp: infos[b].seq,
                    stamp_time: infos[b].time.clone(),
                    kind: "before",
                });
            }
        }
    }
    out
}
