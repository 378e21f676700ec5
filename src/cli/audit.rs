//! `amanat audit`: the chain of custody, readable by a person, and its verification.
use std::borrow::Cow;

use amanat::tr;
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
                let bytes = std::fs::read(f).map_err(|e| amanat::Error::input(f, e))?;
                certs.extend(amanat::crypto::tsp::certificates(&bytes).map_err(|e| {
                    super::errors::invalid(tr!(
                        "cli-certificates",
                        path = f.display().to_string(),
                        why = super::safe::worded(&e.0)
                    ))
                })?);
            }
            v.verify_audit_trusting(&certs)?
        };
        if a.json {
            print_json(&r)?;
        }
        return Ok(match &r.broken {
            None => {
                if !a.json {
                    eprintln!("{}", tr!("cli-audit-verifies", events = r.events));
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
                    let why = tr!("cli-broken-why", why = super::safe::worded(&b.why));
                    print(&format!("BROKEN at event {}: {why}\n", b.seq))?;
                    eprintln!("{}", tr!("cli-audit-broken", seq = b.seq));
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
            tr!("cli-proof-event", seq = c.from)
        } else {
            tr!("cli-proof-events", from = c.from, to = c.to)
        };
        match (&c.time, c.stamp) {
            (Some(t), Some(s)) => {
                let info = p.stamps.iter().find(|i| i.seq == s);
                let who = info.map(|i| i.authority.as_str()).unwrap_or("?");
                let proof = tr!(
                    "cli-proof-existed",
                    time = t.to_string(),
                    stamp = s,
                    authority = Safe(who).to_string()
                );
                out.push_str(&format!("{events}: {proof}\n"));
            }
            _ => out.push_str(&format!("{events}: {}\n", tr!("cli-proof-none"))),
        }
    }
    let minutes = (amanat::vault::custody::CLOCK_SKEW_SECS / 60) as u64;
    for f in &p.flagged {
        let why = tr!(
            "cli-proof-flag-why",
            kind = f.kind,
            time = f.stamp_time.to_string(),
            stamp = f.stamp,
            minutes = minutes
        );
        let line = tr!(
            "cli-proof-flagged",
            seq = f.seq,
            time = f.time.to_string(),
            why = why
        );
        out.push_str(&format!("{line}\n"));
    }
    for s in p.stamps.iter().filter(|s| !s.trusted) {
        let line = tr!(
            "cli-proof-untrusted",
            seq = s.seq,
            time = s.time.to_string(),
            authority = Safe(&s.authority).to_string()
        );
        out.push_str(&format!("{line}\n"));
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
/// Where a part went, as the log keeps it: the places Amanat names itself, in words.
fn place(to: &str) -> String {
    match to {
        "standard output" => tr!("ev-to-stdout"),
        "the browser (shown)" => tr!("ev-to-browser-shown"),
        "the browser (downloaded)" => tr!("ev-to-browser-downloaded"),
        path => path.to_owned(),
    }
}

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
        .map(|r| format!("  {}", tr!("ev-record", id = short(r).to_owned())))
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
// This function is long because it is the list of FORMAT.md 14.2's event kinds, each worded
// in a few lines.
fn describe(i: &LogItem) -> String {
    let d = &i.details;
    let p = i.private.as_ref();
    let s = |v: &serde_json::Value| v.as_str().map(str::to_owned).unwrap_or_default();
    let n = |v: &serde_json::Value| v.to_string();
    let private = |k: &str| p.map(|p| s(&p[k])).unwrap_or_default();
    let quoted = |k: &str| format!("{:?}", private(k));
    let to = || place(&private("to"));
    let contact = match p.map(|p| s(&p["contact"])) {
        Some(c) if !c.is_empty() => format!(" ({c})"),
        _ => String::new(),
    };
    let weak = if d["weak_passphrase"].as_bool() == Some(true) {
        format!(" ({})", tr!("ev-weak"))
    } else {
        String::new()
    };
    match i.kind.as_str() {
        "vault-created" if d["collector"].as_bool() == Some(true) => {
            tr!("ev-collector-created", weak = weak)
        }
        "vault-created" => tr!("ev-vault-created", weak = weak),
        "record-added" if d.get("parts_sealed").is_some() => {
            tr!("ev-record-collected", via = s(&d["via"]))
        }
        "record-added" => {
            let parts = d["parts"].as_array().map(|a| a.len()).unwrap_or(0) as u64;
            let hashes: Vec<String> = d["parts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| format!("{}:{}", p["index"], short(&s(&p["sha256"]))))
                        .collect()
                })
                .unwrap_or_default();
            let via = s(&d["via"]);
            tr!(
                "ev-record-added",
                via = via,
                parts = parts,
                hashes = hashes.join(" ")
            )
        }
        "part-read" if private("to").is_empty() => {
            tr!("ev-part-read", part = n(&d["part"]), kind = s(&d["kind"]))
        }
        "part-read" => tr!(
            "ev-part-read-to",
            part = n(&d["part"]),
            name = quoted("name"),
            to = to()
        ),
        "identity-read" => tr!(
            "ev-identity-read",
            record = short(&private("record")).to_owned(),
            to = to()
        ),
        "record-removed" => tr!("ev-record-removed"),
        "record-exported" => tr!(
            "ev-record-exported",
            id = short(&s(&d["as"])).to_owned(),
            bundle = short(&s(&d["bundle"])).to_owned(),
            contact = contact
        ),
        "record-imported" => tr!(
            "ev-record-imported",
            from = s(&d["from"]),
            bundle = short(&s(&d["bundle"])).to_owned(),
            contact = contact
        ),
        "bundle-exported" => tr!(
            "ev-bundle-exported",
            bundle = short(&s(&d["bundle"])).to_owned(),
            records = n(&d["records"]),
            sha256 = short(&s(&d["sha256"])).to_owned(),
            contact = contact
        ),
        "bundle-imported" => tr!(
            "ev-bundle-imported",
            bundle = short(&s(&d["bundle"])).to_owned(),
            from = s(&d["from"]),
            contact = contact,
            added = n(&d["added"]),
            records = n(&d["records"])
        ),
        "contact-added" => tr!("ev-contact-added", name = quoted("name")),
        "contact-removed" => tr!("ev-contact-removed", name = quoted("name")),
        "timestamped" => tr!(
            "ev-timestamped",
            events = n(&d["events"]),
            time = s(&d["time"]),
            tsa = quoted("tsa")
        ),
        "tsa-added" => tr!("ev-tsa-added", tsa = quoted("tsa"), url = private("url")),
        "tsa-removed" => tr!("ev-tsa-removed", tsa = quoted("tsa")),
        "passphrase-changed" => tr!("ev-passphrase-changed", weak = weak),
        "keys-rotated" => tr!(
            "ev-keys-rotated",
            fingerprint = short(&s(&d["new_fingerprint"])).to_owned()
        ),
        "record-resealed" => tr!("ev-record-resealed"),
        "text-recognised" => tr!(
            "ev-text-recognised",
            source = n(&d["source"]),
            engine = format!("{} {}", s(&d["engine"]), s(&d["version"])),
            languages = d["languages"]
                .as_array()
                .map(|a| a.iter().map(s).collect::<Vec<_>>().join("+"))
                .unwrap_or_default(),
            part = n(&d["part"]["index"]),
            sha256 = short(&s(&d["part"]["sha256"])).to_owned()
        ),
        "duress-set" => tr!("ev-duress-set", weak = weak),
        "record-described" => tr!(
            "ev-record-described",
            what = super::case::said(&s(&d["what"]))
        ),
        "verification-set" => tr!(
            "ev-verification-set",
            level = super::case::said(&s(&d["level"]))
        ),
        "consent-overridden" => tr!(
            "ev-consent-overridden",
            scope = super::case::said(&s(&d["scope"])),
            contact = quoted("contact"),
            reason = quoted("reason")
        ),
        "consent-withdrawn" => tr!(
            "ev-consent-withdrawn",
            erased = if d["erased"].as_bool() == Some(true) {
                "yes"
            } else {
                "no"
            }
        ),
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
