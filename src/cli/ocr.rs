//! `amanat ocr`: the text of scans, recognised on this device and sealed with the record;
//! and the recognition `add --ocr` and `ingest --ocr` run once their records are in.
use amanat::ocr::Engine;
use amanat::tr;
use amanat::vault::recognise::{OcrProgress, OcrReport};
use amanat::{Error, RecordId, Vault};
use clap::Args;

use super::errors::invalid;
use super::print_json;
use super::safe::Safe;

#[derive(Args)]
pub struct OcrArgs {
    /// Record ids (or unambiguous prefixes) whose scans to recognise
    ids: Vec<String>,
    /// Recognise the scans of every record
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// Languages to recognise, e.g. kk,ru: kk Kazakh (Cyrillic), ru Russian, ug Uyghur, zh
    /// Chinese (simplified), en English, or any installed Tesseract language (ara, uzb…)
    /// [default: each record's own --language, else the vault's default, else all five]
    #[arg(long, value_name = "LANGS")]
    language: Option<String>,
    /// Set the vault's default languages (for records whose language names none of them),
    /// or `all` for all five; then exit
    #[arg(long, value_name = "LANGS", conflicts_with_all = ["ids", "all", "language"])]
    set_default_languages: Option<String>,
    /// Print the summary as JSON
    #[arg(long)]
    json: bool,
}

pub fn ocr(v: &Vault, a: OcrArgs) -> anyhow::Result<u8> {
    if let Some(langs) = a.set_default_languages {
        let langs = if langs.trim() == "all" {
            vec![]
        } else {
            amanat::ocr::languages(&langs, true)?
        };
        v.set_ocr_languages(&langs)?;
        let languages = if langs.is_empty() {
            amanat::ocr::FALLBACK_LANGUAGES.join("+")
        } else {
            langs.join("+")
        };
        eprintln!("{}", tr!("cli-ocr-defaults", languages = languages));
        return Ok(0);
    }
    let ids = if a.all {
        every_record(v)?
    } else if a.ids.is_empty() {
        return Err(invalid(tr!("cli-ocr-name-records")).into());
    } else {
        let mut ids: Vec<RecordId> = Vec::new();
        for typed in &a.ids {
            let id = v.resolve(typed)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    let languages = a
        .language
        .as_deref()
        .map(|l| amanat::ocr::languages(l, true))
        .transpose()?;
    let engine = Engine::find()?;
    let report = run(v, &ids, languages.as_deref(), &engine)?;
    if a.json {
        print_json(&report)?;
    } else {
        summarise(&report);
    }
    Ok(if report.failed.is_empty() { 0 } else { 1 })
}

/// The ids of every record, as `list` finds them.
fn every_record(v: &Vault) -> anyhow::Result<Vec<RecordId>> {
    let scan = v.list(&amanat::vault::Filter::default())?;
    Ok(scan.items.into_iter().map(|l| l.id).collect())
}

/// Recognises `ids` with a progress bar on standard error.
pub fn run(
    v: &Vault,
    ids: &[RecordId],
    languages: Option<&[String]>,
    engine: &Engine,
) -> anyhow::Result<OcrReport> {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{} {{bar:40}} {{pos}}/{{len}} {}  {{msg}}  {{eta}}",
            tr!("cli-progress-recognising"),
            tr!("cli-progress-parts")
        ))
        .expect("valid template"),
    );
    let pages = std::sync::atomic::AtomicU64::new(0);
    let report = v.recognise(ids, languages, engine, &|p| match p {
        OcrProgress::Planned { parts } => bar.set_length(parts as u64),
        OcrProgress::Page => {
            let n = pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            bar.set_message(tr!("cli-ocr-pages", count = n));
        }
        OcrProgress::PartDone => bar.inc(1),
    });
    bar.finish_and_clear();
    Ok(report?)
}

/// What a run did, for a person, on standard error.
pub fn summarise(r: &OcrReport) {
    for p in &r.recognised {
        let line = tr!(
            "cli-ocr-recognised",
            source = Safe(&p.source).to_string(),
            name = Safe(&p.name).to_string(),
            languages = p.languages.join("+"),
            pages = (p.pages as u64),
            characters = (p.characters as u64)
        );
        eprintln!("{}  {line}", &p.record[..8]);
    }
    for f in &r.failed {
        let line = tr!(
            "cli-ocr-part-failed",
            record = f.record[..8].to_owned(),
            part = Safe(&f.part).to_string(),
            why = super::safe::worded(&f.error)
        );
        eprintln!("amanat: {line}");
    }
    eprintln!(
        "{}",
        tr!(
            "cli-ocr-summary",
            parts = (r.recognised.len() as u64),
            pages = r.pages,
            records = (r.records as u64),
            already = (r.already as u64),
            notscans = (r.not_scans as u64),
            notext = (r.no_text as u64),
            failed = (r.failed.len() as u64)
        )
    );
}

/// `add --ocr` and `ingest --ocr`: the records are in; recognise their scans, or say why
/// not and how to do it later. Returns whether every part was recognised.
pub fn after_adding(v: &Vault, ids: &[RecordId]) -> anyhow::Result<bool> {
    let engine = match Engine::find() {
        Ok(e) => e,
        Err(e) => {
            not_recognised(&e);
            return Ok(false);
        }
    };
    // Whatever happens now, the records are in: a failure only warns (the caller's exit
    // status says it), so that no one adds them again.
    match run(v, ids, None, &engine) {
        Ok(report) => {
            summarise(&report);
            Ok(report.failed.is_empty())
        }
        Err(e) => {
            match e.downcast_ref::<Error>() {
                Some(err) => not_recognised(err),
                None => eprintln!(
                    "amanat: {}",
                    tr!(
                        "cli-ocr-added-not-recognised",
                        why = Safe(&format!("{e:#}")).to_string()
                    )
                ),
            }
            Ok(false)
        }
    }
}

fn not_recognised(e: &Error) {
    let missing = match e {
        Error::MissingTool { .. } => "yes",
        _ => "no",
    };
    let why = Safe(&super::errors::message(e)).to_string();
    eprintln!(
        "amanat: {}",
        tr!("cli-ocr-later", why = why, missing = missing)
    );
}

/// The tour's recognition of its scanned letter, or how to install what it needs.
pub fn tour(v: &Vault) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout();
    let engine = match Engine::find().and_then(|e| e.require(&["kaz".into()]).map(|()| e)) {
        Ok(e) => e,
        Err(e) => {
            let error = super::errors::message(&e);
            writeln!(out, "   {}", amanat::tr!("tour-ocr-missing", error = error))?;
            return Ok(());
        }
    };
    let report = v.recognise(&every_record(v)?, None, &engine, &|_| {})?;
    for p in &report.recognised {
        let line = amanat::tr!(
            "tour-ocr-recognised",
            source = p.source.as_str(),
            version = engine.version(),
            languages = p.languages.join("+"),
            characters = (p.characters as u64),
            name = p.name.as_str()
        );
        writeln!(out, "   {line}")?;
    }
    writeln!(out, "   {}", amanat::tr!("tour-ocr-pipes"))?;
    Ok(())
}
