//! `list` and `search`: listings printed as they are read, as text or JSON, so a list of
//! 100,000 records never holds all of them at once.

use amanat::format::record::parse_date;
use amanat::tr;
use amanat::vault::{Filter, Listing, Scan};
use amanat::Vault;
use clap::Args;

use super::safe;

#[derive(Args)]
pub struct ListArgs {
    /// Only records with this tag (case-insensitive), or another label of its term (`amanat
    /// vocab`)
    #[arg(long)]
    tag: Option<String>,
    /// Only records of this witness code
    #[arg(long, value_name = "CODE")]
    witness: Option<String>,
    /// Only records whose interview date (else the day added) is on or after DATE
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Only records whose interview date (else the day added) is on or before DATE
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// Only records whose place holds this word, or another label of its term (`amanat
    /// vocab`: Ghulja finds Құлжа)
    #[arg(long)]
    place: Option<String>,
    /// Only records that name this person code, in any role (as witness, testifier,
    /// victim, relative or other witness)
    #[arg(long, value_name = "CODE")]
    person: Option<String>,
    /// Only records naming a person whose latest status event (over every record) is
    /// this: detained, sentenced, released, disappeared, died or left-country
    #[arg(long, value_name = "STATUS", value_parser = clap::builder::PossibleValuesParser::new(
        amanat::format::case::Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()))]
    status: Option<String>,
    /// Only records at this verification level: unverified, corroborated or verified
    #[arg(long, value_name = "LEVEL", value_parser = clap::builder::PossibleValuesParser::new(
        amanat::format::case::Level::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()))]
    verification: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Appends one record of `list --json` / `search --json` as a JSON object:
/// `{"id","created","sealed_size"}`, then (unless a collector's) `"title"`, `"tags"`,
/// `"witness"`, `"language"`, `"place"`, `"date"`, `"interviewer"`, `"note"` and `"parts"`
/// (`{"kind","name","size"}` each), and `"case"` for a record that has one (FORMAT.md 7.4, as
/// `show --json` gives it). Written directly rather than through derived
/// `Serialize` types, whose flattened metadata went through serde's map machinery: a
/// third of rendering at 100,000 records. Strings are escaped by serde_json, and what a
/// terminal would obey also as `\uXXXX` ([`safe::push_json_str`]).
/// `created` is the last timestamp written, as seconds and text: listings come sorted by
/// it, and records added in the same second are many.
fn push_listing_json(out: &mut Vec<u8>, l: &Listing, created: &mut (i64, String)) {
    use std::io::Write;
    let e = &l.entry;
    out.extend_from_slice(b"{\"id\":\"");
    let mut hex = [0u8; 32];
    hex::encode_to_slice(l.id.0, &mut hex).expect("32 hex digits");
    out.extend_from_slice(&hex);
    out.extend_from_slice(b"\",\"created\":\"");
    if created.0 != e.created || created.1.is_empty() {
        *created = (e.created, timestamp(e.created));
    }
    out.extend_from_slice(created.1.as_bytes());
    let _ = write!(out, "\",\"sealed_size\":{}", e.sealed_size);
    if let Some(m) = &e.meta {
        let str_field = |out: &mut Vec<u8>, name: &str, v: Option<&str>| {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            match v {
                Some(v) => safe::push_json_str(out, v),
                None => out.extend_from_slice(b"null"),
            }
        };
        str_field(out, "title", Some(&m.title));
        out.extend_from_slice(b",\"tags\":[");
        for (i, t) in m.tags.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            safe::push_json_str(out, t);
        }
        out.push(b']');
        str_field(out, "witness", m.witness.as_deref());
        str_field(out, "language", m.language.as_deref());
        str_field(out, "place", m.place.as_deref());
        str_field(out, "date", m.date.as_deref());
        str_field(out, "interviewer", m.interviewer.as_deref());
        str_field(out, "note", m.note.as_deref());
        out.extend_from_slice(b",\"parts\":[");
        for (i, p) in e.parts.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"kind\":\"");
            out.extend_from_slice(p.kind.as_str().as_bytes());
            out.extend_from_slice(b"\",\"name\":");
            safe::push_json_str(out, &p.name);
            let _ = write!(out, ",\"size\":{}}}", p.size);
        }
        out.push(b']');
        // Only for a record that has one: listings of other records stay as they were.
        if let Some(c) = &e.case {
            out.extend_from_slice(b",\"case\":");
            let text = serde_json::to_string(c).expect("cases serialize");
            out.extend_from_slice(safe::json(text).as_bytes());
        }
    }
    out.push(b'}');
}

pub(super) fn timestamp(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn print_listings(scan: Scan, json: bool) -> anyhow::Result<u8> {
    let damaged = &scan.damaged;
    if !damaged.is_empty() {
        let count = damaged.len() as u64;
        eprintln!("amanat: {}", tr!("cli-list-damaged", count = count));
    }
    let found = !scan.items.is_empty();
    // Rendering (and zeroizing the entries afterwards) is a third of `list` at 100,000
    // records: each core renders and drops its share, in order, while this thread writes.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(scan.items.len().div_ceil(1024).max(1));
    let mut items = scan.items;
    let per = items.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    while items.len() > per {
        chunks.push(items.split_off(items.len() - per));
    }
    chunks.push(items);
    chunks.reverse();
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if json {
        out.write_all(b"[")?;
    }
    let rendered: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                s.spawn(move || {
                    let text = render_listings(&chunk, json, i == 0);
                    drop(chunk);
                    text
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                let text = h.join().expect("rendering threads do not panic");
                out.write_all(&text)
            })
            .collect()
    });
    rendered.into_iter().collect::<std::io::Result<()>>()?;
    if json {
        out.write_all(if found { b"\n]\n" } else { b"]\n" })?;
    }
    out.flush()?;
    Ok(if found { 0 } else { 1 })
}

/// Renders listings as text lines, or as JSON array elements one per line (`first`: no
/// separating comma before the first).
fn render_listings(items: &[Listing], json: bool, first: bool) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(
        items.len() * if json { 320 } else { 64 },
    ));
    if json {
        // One record per line: a JSON array that stays readable and greppable, and costs a
        // third of pretty-printing at 100,000 records.
        let mut created = (0, String::new());
        for (i, l) in items.iter().enumerate() {
            out.extend_from_slice(if first && i == 0 { b"\n" } else { b",\n" });
            push_listing_json(&mut out, l, &mut created);
        }
        return out;
    }
    use std::fmt::Write;
    let mut line = String::with_capacity(256);
    for l in items {
        line.clear();
        let e = &l.entry;
        let id = l.id.to_hex();
        let short = &id[..amanat::format::id::SHORT_LEN];
        match &e.meta {
            Some(m) => {
                let date = m.date.as_deref().unwrap_or("----------");
                let _ = write!(line, "{short}  {date}  ");
                safe::push(&mut line, &m.title);
                if !m.tags.is_empty() {
                    line.push_str("  [");
                    for (i, t) in m.tags.iter().enumerate() {
                        if i > 0 {
                            line.push_str(", ");
                        }
                        safe::push(&mut line, t);
                    }
                    line.push(']');
                }
                if let Some(w) = &m.witness {
                    line.push_str("  (");
                    safe::push(&mut line, w);
                    line.push(')');
                }
                line.push('\n');
            }
            None => {
                let said = tr!(
                    "cli-list-collected",
                    id = short,
                    time = timestamp(e.created),
                    size = e.sealed_size
                );
                let _ = writeln!(line, "{said}");
            }
        }
        out.extend_from_slice(line.as_bytes());
    }
    zeroize::Zeroize::zeroize(&mut line);
    out
}

pub fn list(v: &Vault, a: ListArgs) -> anyhow::Result<u8> {
    let filter = Filter {
        tag: a.tag,
        witness: a.witness,
        since: a.since.as_deref().map(parse_date).transpose()?,
        until: a.until.as_deref().map(parse_date).transpose()?,
        place: a.place,
        person: a.person,
        status: a
            .status
            .as_deref()
            .and_then(amanat::format::case::Status::parse),
        verification: a
            .verification
            .as_deref()
            .and_then(amanat::format::case::Level::parse),
    };
    let scan = v.list(&filter)?;
    if v.is_collector() && !a.json {
        let count = scan.items.len() as u64;
        eprintln!("{}", tr!("cli-list-collector", count = count));
    }
    print_listings(scan, a.json)
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words to find (all must occur; case-insensitive; any script)
    query: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn search(v: &Vault, a: SearchArgs) -> anyhow::Result<u8> {
    let scan = v.search(&a.query)?;
    print_listings(scan, a.json)
}
