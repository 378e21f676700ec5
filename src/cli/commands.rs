//! One function per subcommand: parse arguments into a library call, print the result.
use std::io;
use std::path::PathBuf;

use amanat::error::Words;
use amanat::format::record::Metadata;
use amanat::tr;
use amanat::vault::{NewRecord, PartInput};
use amanat::{Error, InitOptions, Vault};
use clap::Args;
use serde_json::json;

use super::errors::invalid;
use super::listing::timestamp;
pub use super::listing::{list, search, ListArgs, SearchArgs};
use super::safe::{worded, Safe};
use super::{init_vault, print, print_json, Global};

#[derive(Args)]
pub struct InitArgs {
    /// scrypt work factor (log2 N) of the passphrase [default: calibrated to about one
    /// second on this machine]; below 16 is weak and only for tests
    #[arg(long, value_name = "N")]
    kdf_work_factor: Option<u8>,
    /// Also seal every record to this age (age1…) or ssh-ed25519 recipient, e.g. an HQ
    /// backup key (repeatable); with --collector, the only recipients. Prefer age1… keys:
    /// every sealed file names an ssh-ed25519 recipient by a tag computed from its public
    /// key, so anyone who copies the files and holds that public key can tell they are
    /// sealed to it (an age1… recipient is not named)
    #[arg(long = "recipient", value_name = "R")]
    recipients: Vec<String>,
    /// Seal witness identity parts to this recipient, an identity custodian (repeatable)
    /// [default: the vault's own key]. Prefer age1… keys: each identity part names an
    /// ssh-ed25519 custodian by a tag computed from its public key, so anyone who opens the
    /// vault and holds that public key can tell who the custodian is
    #[arg(long = "identity-recipient", value_name = "R")]
    identity_recipients: Vec<String>,
    /// Make a collector: a device that seals what it collects to --recipient keys and holds
    /// no key that can open it
    #[arg(long, requires = "recipients")]
    collector: bool,
    /// Accept a passphrase estimated to fall in fewer than 10^10 guesses (the custody log
    /// records that it was weak)
    #[arg(long)]
    allow_weak_passphrase: bool,
}

pub fn init(g: &Global, a: InitArgs) -> anyhow::Result<u8> {
    let weak = a.kdf_work_factor.filter(|&w| w < 16);
    let opts = InitOptions {
        work_factor: a.kdf_work_factor,
        recipients: a.recipients,
        identity_recipients: a.identity_recipients,
        collector: a.collector,
    };
    let v = init_vault(g, opts, a.allow_weak_passphrase)?;
    if let Some(w) = weak {
        eprintln!("amanat: {}", tr!("cli-weak-work-factor", w = u64::from(w)));
    }
    let k = v.keys();
    let root = v.paths().root.display().to_string();
    eprintln!("{}", tr!("cli-created", path = root));
    let keyring = v.paths().keyring.display().to_string();
    eprintln!("{}", tr!("cli-created-keyring", path = keyring));
    match &k.recipient {
        Some(r) => eprintln!("{}", tr!("cli-created-recipient", recipient = r.as_str())),
        None => eprintln!(
            "{}",
            tr!(
                "cli-created-collector",
                count = (k.content_recipients.len() as u64)
            )
        ),
    }
    if !v.is_custodian() {
        eprintln!("{}", tr!("cli-created-not-custodian"));
    }
    let fp = k.fingerprint.as_str();
    eprintln!("{}", tr!("cli-created-fingerprint", fingerprint = fp));
    Ok(0)
}

#[derive(Args)]
pub struct AddArgs {
    /// Title of the record
    #[arg(long)]
    title: String,
    /// A tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Pseudonymous witness code (never a name)
    #[arg(long, value_name = "CODE")]
    witness: Option<String>,
    /// Language of the testimony
    #[arg(long)]
    language: Option<String>,
    /// Place of the events or of the interview
    #[arg(long)]
    place: Option<String>,
    /// Date of the interview, YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Who conducted the interview
    #[arg(long)]
    interviewer: Option<String>,
    /// A free-text note
    #[arg(long)]
    note: Option<String>,
    /// Testimony text file; - reads standard input
    #[arg(long, value_name = "FILE")]
    testimony: Option<PathBuf>,
    /// Who the witness is (name, contacts, address; text or JSON), sealed only to the
    /// identity custodians; without --witness a random witness code is assigned
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
    /// Who another person the record names is, as CODE=FILE (CODE given with --person),
    /// sealed only to the identity custodians like --identity, one a person; repeatable
    #[arg(long = "identity-of", value_name = "CODE=FILE")]
    identity_of: Vec<String>,
    /// Attachments: scans, photos, audio, video, PDFs, of any size
    #[arg(value_name = "ATTACHMENT")]
    attachments: Vec<PathBuf>,
    /// Then recognise the text of its scans in its --language (as `amanat ocr` does); the
    /// record is added whatever happens to the recognition, which only warns
    #[arg(long)]
    ocr: bool,
    #[command(flatten)]
    case: super::case::CaseFlags,
}

pub fn add(v: &Vault, a: AddArgs) -> anyhow::Result<u8> {
    refuse_ocr_on_collector(v, a.ocr)?;
    let testimony = a.testimony.map(|t| {
        if t.as_os_str() == "-" {
            PartInput::Reader {
                name: "testimony".into(),
                reader: Box::new(io::stdin()),
            }
        } else {
            PartInput::Path(t)
        }
    });
    let assigned = (a.identity.is_some() && a.witness.is_none())
        .then(amanat::format::record::random_witness_code);
    let rec = NewRecord {
        meta: Metadata {
            title: a.title,
            tags: a.tags,
            witness: a.witness.or(assigned.clone()),
            language: a.language,
            place: a.place,
            date: a.date,
            interviewer: a.interviewer,
            note: a.note,
        },
        testimony,
        attachments: a.attachments.into_iter().map(PartInput::Path).collect(),
        identity: a.identity.map(PartInput::Path),
        person_identities: a
            .identity_of
            .iter()
            .map(|s| {
                let (code, file) = s.split_once('=').ok_or_else(|| {
                    invalid(tr!("cli-identity-of-form", value = format!("{s:?}")))
                })?;
                Ok((code.to_owned(), PartInput::Path(PathBuf::from(file))))
            })
            .collect::<anyhow::Result<_>>()?,
        case: a.case.case()?,
    };
    let id = v.add(rec)?;
    if let Some(code) = assigned {
        eprintln!("{}", tr!("cli-witness-assigned", code = code.as_str()));
    }
    print(&format!("{id}\n"))?;
    if a.ocr {
        super::ocr::after_adding(v, &[id])?;
    }
    Ok(0)
}

#[derive(Args)]
pub struct IngestArgs {
    /// JSON Lines file: one record per line with title, tags, witness, language, place,
    /// date, interviewer, note, testimony (a path) and attachments (paths); paths are
    /// relative to the file's directory. A file ending in .csv is read as a CSV of the
    /// shape `export --csv` writes and Uwazi imports (a header, then a row a record)
    file: PathBuf,
    /// Read the file as CSV whatever its name ends in
    #[arg(long)]
    csv: bool,
    /// Stop at the first bad line instead of reporting it and going on
    #[arg(long)]
    strict: bool,
    /// Print the summary as JSON
    #[arg(long)]
    json: bool,
    /// Then recognise the text of the records' scans (as `amanat ocr` does); without
    /// Tesseract the records are still ingested, and a warning says what to install
    #[arg(long)]
    ocr: bool,
}

pub fn ingest(v: &Vault, a: IngestArgs) -> anyhow::Result<u8> {
    refuse_ocr_on_collector(v, a.ocr)?;
    let text = std::fs::read(&a.file).map_err(|e| Error::input(&a.file, e))?;
    let text = String::from_utf8(text).map_err(|_| {
        invalid(tr!(
            "cli-not-utf8-text",
            path = a.file.display().to_string()
        ))
    })?;
    let base = a
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {}  {{per_sec}}  {{eta}}",
            tr!("cli-progress-records")
        ))
        .expect("valid template"),
    );
    let csv = a.csv
        || a.file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let shape = match csv {
        true => amanat::vault::ingest::Shape::Csv,
        false => amanat::vault::ingest::Shape::JsonLines,
    };
    let report =
        amanat::vault::ingest::ingest(v, &text, shape, &base, a.strict, &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })?;
    bar.finish_and_clear();
    if a.json {
        print_json(&report)?;
    } else {
        for f in &report.failed {
            let line = tr!("cli-line", line = (f.line as u64));
            eprintln!("amanat: {line}: {}", super::safe::worded(&f.error));
        }
        for (n, code) in &report.assigned_witness {
            let line = tr!("cli-line", line = (*n as u64));
            let code = code.as_str();
            eprintln!("amanat: {line}: {}", tr!("cli-line-witness", code = code));
        }
        for n in &report.index_truncated {
            let line = tr!("cli-line", line = (*n as u64));
            let mib = (amanat::format::catalog::MAX_SEARCH_TEXT >> 20) as u64;
            eprintln!("amanat: {line}: {}", tr!("cli-line-truncated", mib = mib));
        }
        eprintln!(
            "{}",
            tr!(
                "cli-ingested",
                added = (report.added as u64),
                failed = (report.failed.len() as u64)
            )
        );
    }
    let recognised = if a.ocr && !report.ids.is_empty() {
        let ids: Vec<amanat::RecordId> = report
            .ids
            .iter()
            .filter_map(|i| amanat::RecordId::from_hex(i))
            .collect();
        super::ocr::after_adding(v, &ids)?
    } else {
        true
    };
    Ok(if report.failed.is_empty() && recognised {
        0
    } else {
        1
    })
}

/// `--ocr` on a collector: refused before anything is written.
fn refuse_ocr_on_collector(v: &Vault, ocr: bool) -> anyhow::Result<()> {
    if ocr && v.is_collector() {
        return Err(Error::CannotOpen(Words::said(tr!("cli-collector-no-ocr"))).into());
    }
    Ok(())
}

#[derive(Args)]
pub struct ShowArgs {
    /// Record id or an unambiguous prefix of it
    id: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn show(v: &Vault, a: ShowArgs) -> anyhow::Result<u8> {
    let id = v.resolve(&a.id)?;
    let r = v.show(id)?;
    let history = v.audit_log(Some(id))?;
    let m = &r.meta;
    if a.json {
        let o = json!({
            "id": id.to_hex(),
            "created": timestamp(r.created),
            "title": m.title, "tags": m.tags, "witness": m.witness, "language": m.language,
            "place": m.place, "date": m.date, "interviewer": m.interviewer, "note": m.note,
            "parts": r.parts,
            "case": r.case,
            "timeline": r.timeline,
            "provenance": r.provenance.iter().map(|(c, s, b, t)| json!({
                "contact": c, "signer": s, "bundle_id": b, "imported": timestamp(*t)})).collect::<Vec<_>>(),
            "custody": history,
        });
        print_json(&o)?;
        return Ok(0);
    }
    let label = |k: &str| format!("{}:", tr!("cli-show-field", field = k));
    let mut s = format!(
        "{:<12} {}\n{:<12} {}\n{:<12} {}\n",
        label("id"),
        id,
        label("title"),
        Safe(&m.title),
        label("added"),
        timestamp(r.created)
    );
    let fields = [
        ("tags", (!m.tags.is_empty()).then(|| m.tags.join(", "))),
        ("witness", m.witness.clone()),
        ("language", m.language.clone()),
        ("place", m.place.clone()),
        ("date", m.date.clone()),
        ("interviewer", m.interviewer.clone()),
        ("note", m.note.clone()),
    ];
    for (k, val) in fields {
        if let Some(val) = val {
            let label = tr!("cli-show-field", field = k);
            s.push_str(&format!("{:<12} {}\n", format!("{label}:"), Safe(&val)));
        }
    }
    for (contact, signer, bundle, at) in &r.provenance {
        let label = tr!("cli-show-field", field = "provenance");
        let from = tr!(
            "cli-show-provenance",
            contact = Safe(contact).to_string(),
            signer = Safe(signer).to_string(),
            bundle = Safe(bundle).to_string(),
            time = timestamp(*at)
        );
        s.push_str(&format!("{:<12} {from}\n", format!("{label}:")));
    }
    s.push_str(&super::case::show_lines(&r));
    s.push_str(&format!("{}:\n", tr!("cli-show-field", field = "parts")));
    // A transcript or translation right under the part it is made from, indented.
    for (depth, p) in super::case::grouped(&r.parts) {
        let pad = "  ".repeat(depth);
        s.push_str(&format!(
            "  {pad}[{}] {:<10} {}  {}  sha256:{}\n",
            p.index,
            tr!("part-kind", kind = p.kind),
            Safe(&p.name),
            tr!("cli-bytes", n = p.size),
            p.sha256
        ));
        if let Some(d) = &p.recognised {
            let line = tr!(
                "cli-show-recognised",
                source = (d.source as u64),
                engine = format!("{} {}", d.engine, d.version),
                languages = d.languages.join("+"),
                pages = u64::from(d.pages),
                time = d.at.to_string()
            );
            s.push_str(&format!("      {pad}{line}\n"));
        }
        if let Some(l) = &p.of {
            s.push_str(&format!("      {pad}{}\n", super::case::link_line(l)));
        }
    }
    s.push_str(&format!("{}:\n", tr!("cli-show-field", field = "custody")));
    for h in &history {
        s.push_str(&format!("  {}\n", super::audit::line(h)));
    }
    print(&s)?;
    Ok(0)
}

#[derive(Args)]
pub struct GetArgs {
    /// Record id or an unambiguous prefix of it
    id: String,
    /// `testimony`, an attachment's file name, or its index as `show` lists it
    part: String,
    /// Where to write the plaintext; - for standard output
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: PathBuf,
    /// Replace PATH if it exists
    #[arg(long)]
    force: bool,
}

pub fn get(v: &Vault, a: GetArgs) -> anyhow::Result<u8> {
    let id = v.resolve(&a.id)?;
    if a.output.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        v.get(id, &a.part, &mut out)?;
    } else {
        let p = v.get_to_file(id, &a.part, &a.output, a.force)?;
        eprintln!(
            "{}",
            tr!(
                "cli-wrote-part",
                name = Safe(&p.name).to_string(),
                size = p.size,
                path = Safe(&a.output.display().to_string()).to_string()
            )
        );
    }
    Ok(0)
}

#[derive(Args)]
pub struct RmArgs {
    /// Record ids or unambiguous prefixes of them. Removal erases: the journal and the
    /// database are rewritten so that no file of the vault keeps the records' sealed
    /// values, which takes seconds on a large vault, once for all the ids given. A replica
    /// keeps what was pushed before (README, "Replicas")
    #[arg(required = true)]
    ids: Vec<String>,
}

pub fn rm(v: &Vault, a: RmArgs) -> anyhow::Result<u8> {
    // Every id is resolved before anything is removed: an unknown one changes nothing.
    let ids = a
        .ids
        .iter()
        .map(|i| v.resolve(i))
        .collect::<amanat::Result<Vec<_>>>()?;
    v.remove_all(&ids)?;
    for id in &ids {
        eprintln!("{}", tr!("cli-removed", id = id.short()));
    }
    let pushed: Vec<String> = v
        .remotes()?
        .into_iter()
        .filter(|(key, _)| v.replica_state(key).is_ok_and(|s| s.head.time > 0))
        .map(|(_, r)| r.name.clone())
        .collect();
    if !pushed.is_empty() {
        let remotes = pushed
            .iter()
            .map(|n| Safe(n).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        eprintln!("amanat: {}", tr!("cli-rm-replicas", remotes = remotes));
    }
    Ok(0)
}

#[derive(Args)]
pub struct KeysArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn keys(v: &Vault, a: KeysArgs) -> anyhow::Result<u8> {
    let k = v.keys();
    if a.json {
        print_json(&k)?;
        return Ok(0);
    }
    let mut s = String::new();
    match &k.recipient {
        Some(r) => s.push_str(&format!("recipient:       {r}\n")),
        None => s.push_str("recipient:       none (collector: this device cannot decrypt)\n"),
    }
    s.push_str(&format!("signing key:     {}\n", k.signing_key));
    s.push_str(&format!("fingerprint:     {}\n", k.fingerprint));
    s.push_str(&format!("allowed_signers: {}\n", k.allowed_signers));
    for r in &k.content_recipients {
        if Some(r) != k.recipient.as_ref() {
            s.push_str(&format!("also sealed to:  {r}\n"));
        }
    }
    print(&s)?;
    Ok(0)
}

#[derive(Args)]
pub struct CheckArgs {
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn check(v: &Vault, a: CheckArgs) -> anyhow::Result<u8> {
    let total = v.count() as u64;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let report = v.check(&|n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    if a.json {
        print_json(&report)?;
    } else {
        let lines: String = report
            .damaged
            .iter()
            .map(|(id, what)| format!("DAMAGED {id}: {}\n", worded(what)))
            .collect();
        print(&lines)?;
        if let Some(b) = report.audit.as_ref().and_then(|a| a.broken.as_ref()) {
            let why = tr!("cli-broken-why", why = worded(&b.why));
            print(&format!("AUDIT LOG BROKEN at event {}: {why}\n", b.seq))?;
        }
        let journal: String = report
            .journal
            .iter()
            .map(|what| format!("JOURNAL DAMAGED: {}\n", worded(what)))
            .collect();
        print(&journal)?;
        eprintln!(
            "{}",
            tr!(
                "cli-checked",
                records = (report.records as u64),
                parts = (report.parts as u64),
                bytes = report.bytes,
                events = report.audit.as_ref().map(|a| a.events).unwrap_or(0),
                damaged = (report.damaged.len() as u64),
                stray = (report.stray_objects as u64)
            )
        );
        let flagged = report.audit.as_ref().map_or(0, |a| a.proofs.flagged.len());
        if flagged > 0 {
            let flagged = flagged as u64;
            eprintln!("amanat: {}", tr!("cli-check-backdated", count = flagged));
        }
        if report.unpadded_records > 0 {
            let count = report.unpadded_records as u64;
            eprintln!("amanat: {}", tr!("cli-check-unpadded", count = count));
        }
        if !report.journal.is_empty() {
            eprintln!("{}", tr!("cli-check-journal"));
        } else if !report.ok() {
            eprintln!("{}", tr!("cli-check-database"));
        }
    }
    Ok(if report.ok() { 0 } else { 1 })
}
