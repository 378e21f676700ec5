//! `amanat audit`: the chain of custody, readable by a person, and its verification.
use std::borrow::Cow;

use amanat::vault::custody::LogItem;
use amanat::Vault;
use clap::Args;

use super::safe::{safe, Safe};
use super::{print, print_json};

#[derive(Args)]
pub struct AuditArgs {
    /// Only the history of this record (id or unambiguous prefix)
    #[arg(long, value_name = "ID")]
    record: Option<String>,
    /// Check the hash chain, every signature and every time-stamp token, and show what the
    /// tokens prove of each event; exit 1 at the first broken link or if an event claims a
    /// time before a token stored before it
    #[arg(long)]
    verify: bool,
    /// With --verify: trust for time-stamp tokens only the certificates in this file (PEM
    /// or DER; repeatable), not the vault's `tsa list`, which whoever holds its keys could
    /// have changed
    #[arg(long, value_name = "FILE", requires = "verify")]
    trust: Vec<std::path::PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn audit(v: &Vault, a: AuditArgs) -> anyhow::Result<u8> {
    if a.verify {
        let r = if a.trust.is_empty() {
            v.verify_audit()?
        } else {
            let mut certs = Vec::new();
            for f in &a.trust {
                let bytes = std::fs::read(f)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
                certs.extend(
                    amanat::crypto::tsp::certificates(&bytes)
                        .map_err(|e| amanat::Error::Invalid(format!("{}: {e}", f.display())))?,
                );
            }
            v.verify_audit_trusting(&certs)?
        };
        if a.json {
            print_json(&r)?;
        }
        return Ok(match &r.broken {
            None => {
                if !a.json {
                    eprintln!(
                        "The audit log verifies: {} events, each signed and linked to the one before.",
                        r.events
                    );
                    print(&proofs_text(&r.proofs))?;
                }
                if r.proofs.flagged.is_empty() {
                    0
                } else {
                    1
                }
            }
            Some(b) => {
                if !a.json {
                    print(&format!("BROKEN at event {}: it {}\n", b.seq, Safe(&b.why)))?;
                    eprintln!(
                        "The audit log does not verify: the events before {} are intact; report this and restore the vault from a backup.",
                        b.seq
                    );
                }
                1
            }
        });
    }
    let record = a.record.as_deref().map(|r| resolve_any(v, r)).transpose()?;
    let items = v.audit_log(record)?;
    if a.json {
        print_json(&items)?;
    } else {
        let s: String = items.iter().map(|i| format!("{}\n", line(i))).collect();
        print(&s)?;
    }
    Ok(if items.is_empty() { 1 } else { 0 })
}

/// What the log's time-stamp tokens prove, for `audit --verify`: for every event the
/// earliest token covering it, as runs, then the events flagged as claiming a time before
/// a token stored before them.
fn proofs_text(p: &amanat::vault::custody::Proofs) -> String {
    let mut out = String::new();
    for c in &p.coverage {
        let events = if c.from == c.to {
            format!("Event {}", c.from)
        } else {
            format!("Events {}-{}", c.from, c.to)
        };
        match (&c.time, c.stamp) {
            (Some(t), Some(s)) => {
                let info = p.stamps.iter().find(|i| i.seq == s);
                let who = info.map(|i| i.authority.as_str()).unwrap_or("?");
                out.push_str(&format!(
                    "{events}: existed at {t}, proven by the token in event {s}, signed by {}\n",
                    Safe(who)
                ));
            }
            _ => out.push_str(&format!("{events}: not yet timestamped\n")),
        }
    }
    let minutes = amanat::vault::custody::CLOCK_SKEW_SECS / 60;
    for f in &p.flagged {
        let why = match f.kind {
            "before" => format!("was written after the token of {} in event {}: it was backdated, or this device's clock was more than {minutes} minutes behind", f.stamp_time, f.stamp),
            "after" => format!("is covered by the token of {} in event {}, which proves it existed then: this device's clock was more than {minutes} minutes ahead, or the token's time is false", f.stamp_time, f.stamp),
            _ => format!("is a token older than the token of {} in event {} that it covers: one of the two authorities' times is false", f.stamp_time, f.stamp),
        };
        out.push_str(&format!(
            "FLAGGED event {}: it claims {} but {why}\n",
            f.seq, f.time
        ));
    }
    for s in p.stamps.iter().filter(|s| !s.trusted) {
        out.push_str(&format!(
            "Event {}: a token of {} by {}, which leads to no trusted certificate: it proves nothing here\n",
            s.seq,
            s.time,
            Safe(&s.authority)
        ));
    }
    out
}

/// A record id that may no longer be in the vault: its events stay in the log.
fn resolve_any(v: &Vault, typed: &str) -> anyhow::Result<amanat::RecordId> {
    match v.resolve(typed) {
        Ok(id) => Ok(id),
        Err(e) => match amanat::RecordId::from_hex(&typed.trim().to_ascii_lowercase()) {
            Some(id) => Ok(id),
            None => Err(e.into()),
        },
    }
}

/// The first 10 characters: ids and hashes are hex, but events from a bundle are written
/// by its sender, whose text may be anything.
fn short(s: &str) -> &str {
    match s.char_indices().nth(10) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// One event on one line: where, when, what, by whom. Events come from this vault and
/// from bundles, and quote contact and part names: the line is escaped as a whole
/// ([`safe`]).
pub fn line(i: &LogItem) -> String {
    let at = match i.seq {
        Some(s) => format!("#{s:<5}"),
        None => "      ".to_string(),
    };
    let record = i
        .record
        .as_deref()
        .map(|r| format!("  record {}", short(r)))
        .unwrap_or_default();
    let text = format!(
        "{at} {}  {:<17}{record}  {}  [{}]",
        i.time,
        i.kind,
        describe(i),
        i.signer
    );
    match safe(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

/// What an event says, in words (not yet escaped: see [`line`]).
fn describe(i: &LogItem) -> String {
    let d = &i.details;
    let p = i.private.as_ref();
    let s = |v: &serde_json::Value| v.as_str().map(str::to_owned).unwrap_or_default();
    let private = |k: &str| p.map(|p| s(&p[k])).unwrap_or_default();
    let contact = || match p.map(|p| s(&p["contact"])) {
        Some(c) if !c.is_empty() => format!(" ({c})"),
        _ => String::new(),
    };
    let weak = if d["weak_passphrase"].as_bool() == Some(true) {
        " (weak passphrase, accepted with --allow-weak-passphrase)"
    } else {
        ""
    };
    match i.kind.as_str() {
        "vault-created" => {
            if d["collector"].as_bool() == Some(true) {
                format!("collector vault created{weak}")
            } else {
                format!("vault created{weak}")
            }
        }
        "record-added" if d.get("parts_sealed").is_some() => format!(
            "added by {} (collected: its parts' sizes and hashes are sealed to headquarters)",
            s(&d["via"])
        ),
        "record-added" => {
            let parts = d["parts"].as_array().map(|a| a.len()).unwrap_or(0);
            let hashes: Vec<String> = d["parts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| format!("{}:{}", p["index"], short(&s(&p["sha256"]))))
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "added by {} with {parts} parts, sha256 {}",
                s(&d["via"]),
                hashes.join(" ")
            )
        }
        "part-read" => {
            let to = private("to");
            let name = private("name");
            if to.is_empty() {
                format!("part {} ({}) decrypted", d["part"], s(&d["kind"]))
            } else {
                format!("part {} {name:?} decrypted to {to}", d["part"])
            }
        }
        "identity-read" => format!(
            "identity of record {} decrypted to {}",
            short(&private("record")),
            private("to")
        ),
        "record-removed" => "removed".into(),
        "record-exported" => format!(
            "exported as {} in bundle {}{}",
            short(&s(&d["as"])),
            short(&s(&d["bundle"])),
            contact()
        ),
        "record-imported" => format!(
            "imported from {} in bundle {}{}",
            s(&d["from"]),
            short(&s(&d["bundle"])),
            contact()
        ),
        "bundle-exported" => format!(
            "bundle {} of {} records, sha256 {}{}",
            short(&s(&d["bundle"])),
            d["records"],
            short(&s(&d["sha256"])),
            contact()
        ),
        "bundle-imported" => format!(
            "bundle {} from {}{}: {} of {} records added",
            short(&s(&d["bundle"])),
            s(&d["from"]),
            contact(),
            d["added"],
            d["records"]
        ),
        "contact-added" => format!("contact {:?} added", private("name")),
        "contact-removed" => format!("contact {:?} removed", private("name")),
        "timestamped" => format!(
            "the first {} events existed at {}, as authority {:?} signed (RFC 3161 token)",
            d["events"],
            s(&d["time"]),
            private("tsa")
        ),
        "tsa-added" => format!(
            "time-stamp authority {:?} added ({})",
            private("tsa"),
            private("url")
        ),
        "tsa-removed" => format!("time-stamp authority {:?} removed", private("tsa")),
        "passphrase-changed" => format!("passphrase changed{weak}"),
        "keys-rotated" => format!(
            "keys rotated; new signing key {}",
            short(&s(&d["new_fingerprint"]))
        ),
        "record-resealed" => "re-sealed to the vault's new keys".into(),
        "text-recognised" => format!(
            "text of part {} recognised by {} {} ({}) as part {}, sha256 {}",
            d["source"],
            s(&d["engine"]),
            s(&d["version"]),
            d["languages"]
                .as_array()
                .map(|a| a.iter().map(s).collect::<Vec<_>>().join("+"))
                .unwrap_or_default(),
            d["part"]["index"],
            short(&s(&d["part"]["sha256"]))
        ),
        "duress-set" => format!("duress passphrase set{weak}"),
        other => format!("{other} {d}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_cuts_characters_not_bytes() {
        assert_eq!(super::short("0123456789abcdef"), "0123456789");
        assert_eq!(super::short("abc"), "abc");
        // A byte cut at 10 would split the second "é" and panic.
        assert_eq!(super::short("aéééééééééé"), "aééééééééé");
    }
}
