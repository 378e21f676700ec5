//! Direct edits of a stored log, for tests that show tampering is detected. Each re-seals
//! what it writes with the audit key, as an attacker who holds the keyring could.
use super::log::*;
use crate::crypto::seal::sha256;
use crate::crypto::symmetric::Domain;
use crate::storage::journal::TreeId;
use crate::vault::Vault;

fn put(v: &Vault, seq: u64, s: &Stored) {
    let k = seq_key(seq);
    let plain = postcard::to_allocvec(s).unwrap();
    let sealed = v.keyring.audit_key.seal(Domain::Audit, &k, &plain);
    v.store.raw(TreeId::Audit).insert(k, sealed).unwrap();
    v.store.sync().unwrap();
}

fn get(v: &Vault, seq: u64) -> Stored {
    load(&v.store, &v.keyring.audit_key, seq).unwrap().unwrap()
}

/// Number of events in the log.
pub fn len(v: &Vault) -> u64 {
    v.store.audit().len() as u64
}

/// The event text at `seq`.
pub fn event_text(v: &Vault, seq: u64) -> String {
    get(v, seq).event
}

/// Rewrites the event text at `seq` (keeping its old signature).
pub fn alter(v: &Vault, seq: u64, f: impl FnOnce(String) -> String) {
    let mut s = get(v, seq);
    s.event = f(s.event);
    put(v, seq, &s);
}

/// Removes event `seq`, leaving a gap.
pub fn remove(v: &Vault, seq: u64) {
    v.store.raw(TreeId::Audit).remove(seq_key(seq)).unwrap();
    v.store.sync().unwrap();
}

/// Removes event `seq` and renumbers the ones after it, closing the gap.
pub fn remove_and_renumber(v: &Vault, seq: u64) {
    let n = len(v);
    for i in seq..n - 1 {
        let s = get(v, i + 1);
        put(v, i, &s);
    }
    remove(v, n - 1);
}

/// Swaps two events.
pub fn swap(v: &Vault, a: u64, b: u64) {
    let (sa, sb) = (get(v, a), get(v, b));
    put(v, a, &sb);
    put(v, b, &sa);
}

/// Copies event `from` over event `to` (a replay).
pub fn replay(v: &Vault, from: u64, to: u64) {
    let s = get(v, from);
    put(v, to, &s);
}

/// Appends a copy of event `from` at the end and moves the head to it.
pub fn replay_at_end(v: &Vault, from: u64) {
    let s = get(v, from);
    let n = len(v);
    let hash = sha256(s.event.as_bytes());
    put(v, n, &s);
    put_head(
        v,
        Head {
            next: n + 1,
            last: hash,
        },
    );
}

/// Moves the sealed head.
fn put_head(v: &Vault, head: Head) {
    let sealed = v.keyring.audit_key.seal(
        Domain::AuditHead,
        b"",
        &postcard::to_allocvec(&head).unwrap(),
    );
    v.store.raw(TreeId::Meta).insert(HEAD_KEY, sealed).unwrap();
    v.store.sync().unwrap();
}

/// Flips one bit of the sealed bytes of event `seq`.
pub fn flip(v: &Vault, seq: u64) {
    let k = seq_key(seq);
    let mut b = v.store.audit().get(k).unwrap().unwrap().to_vec();
    let i = b.len() / 2;
    b[i] ^= 1;
    v.store.raw(TreeId::Audit).insert(k, b).unwrap();
    v.store.sync().unwrap();
}

/// Rewrites the event text at `seq` and, as a thief holding the vault's signing key would,
/// re-signs it and every event after it with their `prev` and `record_prev` links moved to
/// the new hashes, and moves the head: a log whose links and signatures all verify again.
/// (Events that hand over to a new key keep their old cosignature.)
pub fn rewrite_and_resign(v: &Vault, seq: u64, f: impl FnOnce(String) -> String) {
    let pair = crate::crypto::sshsig::BatchSigner::new(v.keyring.signing_seed());
    let n = len(v);
    let mut moved: Vec<(String, String)> = Vec::new();
    let mut f = Some(f);
    let mut last = [0u8; 32];
    for i in seq..n {
        let mut s = get(v, i);
        let old = hex::encode(sha256(s.event.as_bytes()));
        let mut text = s.event.clone();
        if i == seq {
            text = (f.take().expect("once"))(text);
        }
        for (from, to) in &moved {
            text = text.replace(from.as_str(), to);
        }
        s.event = text;
        s.sign(&pair);
        last = sha256(s.event.as_bytes());
        moved.push((old, hex::encode(last)));
        put(v, i, &s);
    }
    put_head(v, Head { next: n, last });
}
