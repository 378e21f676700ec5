//! `amanat tour`: the whole workflow on built-in sample data, narrated, in a temporary
//! directory that is removed at the end. The sample testimonies are fictional.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use amanat::bundle::{ExportOptions, ImportOptions, Selection};
use amanat::format::keyring::Passphrase;
use amanat::format::record::Metadata;
use amanat::vault::{Filter, KeysInfo, NewRecord, PartInput};
use amanat::{tr, InitOptions, LockedVault, RecordId, Vault, VaultPaths};

const SAMPLE_KK: &str = include_str!("sample/kk.txt");
const SAMPLE_RU: &str = include_str!("sample/ru.txt");
const SAMPLE_EN: &str = include_str!("sample/en.txt");
/// A 96×64 JPEG whose EXIF names a camera and a GPS position near Ürümqi.
const SAMPLE_SCAN: &[u8] = include_bytes!("sample/detention-notice.jpg");
/// A scanned letter, in Russian with Kazakh names, for text recognition.
const SAMPLE_LETTER: &[u8] = include_bytes!("sample/detention-letter.png");

/// Removes the tour's directory however the tour ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Prints a line; a closed pipe ends the tour quietly (the error reaches `report`).
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

pub(super) fn step(n: u32, title: &str) -> std::io::Result<()> {
    writeln!(std::io::stdout(), "\n── {n}. {title}")
}

fn reader(text: &'static str) -> Box<dyn std::io::Read + Send> {
    Box::new(text.as_bytes())
}

fn meta(
    title: &str,
    tags: &[&str],
    witness: &str,
    language: &str,
    place: &str,
    date: &str,
) -> Metadata {
    let mut m = Metadata::default();
    m.title = title.into();
    m.tags = tags.iter().map(|t| t.to_string()).collect();
    m.witness = Some(witness.into());
    m.language = Some(language.into());
    m.place = Some(place.into());
    m.date = Some(date.into());
    m.interviewer = Some("tour".into());
    m
}

/// Every file below `dir`.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_below(&p));
        } else {
            out.push(p);
        }
    }
    out
}

pub fn run() -> anyhow::Result<u8> {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "amanat-tour-{}",
        hex::encode(amanat::crypto::random_bytes::<6>())
    )));
    fs::create_dir_all(&dir.0)?;
    let inputs = dir.0.join("inputs");
    fs::create_dir(&inputs)?;
    say!("{}", tr!("tour-intro"));
    say!("{}", tr!("tour-where", dir = dir.0.display().to_string()));

    let paths = VaultPaths::new(dir.0.join("vault"), None);
    let pass = Passphrase::new(format!(
        "tour-{}",
        hex::encode(amanat::crypto::random_bytes::<8>())
    ))?;
    let (vault, keys) = create(&paths, &pass)?;
    let ids = add_samples(&vault, &inputs)?;
    list_and_search(&vault)?;
    show_and_get(&vault, ids[0], &dir.0)?;
    let leaks = what_a_copy_shows(&paths)?;
    let report = check(&vault)?;
    let partner = share(&vault, &keys, &dir.0, &pass, &ids)?;
    let collector = collect(&vault, &keys, &dir.0, &pass)?;
    super::tour_replica::replicate(&vault, &dir.0, &pass)?;
    super::tour_recover::recover(vault, partner, collector, &paths, &pass)?;

    say!("\n{}", tr!("tour-done"));
    say!("{}", tr!("tour-serve"));
    Ok(if leaks == 0 && report.ok() { 0 } else { 1 })
}

/// Step 1: a vault, and its public keys.
fn create(paths: &VaultPaths, pass: &Passphrase) -> anyhow::Result<(Vault, KeysInfo)> {
    step(1, &tr!("tour-step-create"))?;
    let started = std::time::Instant::now();
    let vault = LockedVault::init(paths.clone(), pass, &InitOptions::default())?;
    let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
    say!("   {}", tr!("tour-sealed-keyring", seconds = seconds));
    let keys = vault.keys();
    let recipient = keys.recipient.as_deref().unwrap_or("-");
    say!("   {}", tr!("tour-recipient", recipient = recipient));
    say!(
        "   {}",
        tr!("tour-signing-key", fingerprint = keys.fingerprint.as_str())
    );

    Ok((vault, keys))
}

/// Step 2: three testimonies and a scan; returns their ids.
fn add_samples(vault: &Vault, inputs: &Path) -> anyhow::Result<Vec<RecordId>> {
    step(2, &tr!("tour-step-add"))?;
    let scan = inputs.join("detention-notice.jpg");
    fs::write(&scan, SAMPLE_SCAN)?;
    let letter = inputs.join("detention-letter.png");
    fs::write(&letter, SAMPLE_LETTER)?;
    let samples = [
        (
            meta(
                "Әкемді Үрімшіде түнде алып кетті",
                &["detention", "family"],
                "W-K7Q2",
                "kk",
                "Ürümqi",
                "2019-03-04",
            ),
            SAMPLE_KK,
            true,
        ),
        (
            meta(
                "Сестру задержали в Хоргосе",
                &["border", "family"],
                "W-R3M8",
                "ru",
                "Khorgos",
                "2019-05-20",
            ),
            SAMPLE_RU,
            false,
        ),
        (
            meta(
                "A teacher from Ghulja",
                &["school", "detention"],
                "W-E5T1",
                "en",
                "Ghulja",
                "2020-01-15",
            ),
            SAMPLE_EN,
            false,
        ),
    ];
    let mut ids = Vec::new();
    for (m, text, with_scan) in samples {
        let title = m.title.clone();
        let rec = NewRecord {
            meta: m,
            testimony: Some(PartInput::Reader {
                name: "testimony.txt".into(),
                reader: reader(text),
            }),
            attachments: if with_scan {
                vec![
                    PartInput::Path(scan.clone()),
                    PartInput::Path(letter.clone()),
                ]
            } else {
                vec![]
            },
            identity: None,
            person_identities: vec![],
            case: Default::default(),
        };
        let id = vault.add(rec)?;
        say!("   {}  {title}", id.short());
        ids.push(id);
    }

    Ok(ids)
}

/// Steps 3 and 4: the list and searches.
fn list_and_search(vault: &Vault) -> anyhow::Result<()> {
    step(3, &tr!("tour-step-list"))?;
    for l in vault.list(&Filter::default())?.items {
        let m = l
            .entry
            .meta
            .as_ref()
            .expect("a full vault's catalog has metadata");
        say!(
            "   {}  {}  {}  [{}]",
            l.id.short(),
            m.date.as_deref().unwrap_or("-"),
            m.title,
            m.tags.join(", ")
        );
    }

    step(4, &tr!("tour-step-search"))?;
    super::ocr::tour(vault)?;
    for q in [
        "үрімші",
        "ХОРГОС",
        "teacher ghulja",
        "detention",
        "сарыбұлақ",
    ] {
        let found: Vec<String> = vault
            .search(q)?
            .items
            .iter()
            .map(|l| l.id.short())
            .collect();
        say!(
            "   {q:<16} → {}",
            if found.is_empty() {
                tr!("tour-found-nothing")
            } else {
                found.join(", ")
            }
        );
    }

    Ok(())
}

/// Steps 5 and 6: a record's parts, and one part back.
fn show_and_get(vault: &Vault, id: RecordId, dir: &Path) -> anyhow::Result<()> {
    step(5, &tr!("tour-step-show"))?;
    let view = vault.show(id)?;
    say!("   {}  {}", view.id.short(), view.meta.title);
    for p in &view.parts {
        say!(
            "   [{}] {:<10} {:<22} {:>12}  sha256:{}…",
            p.index,
            tr!("part-kind", kind = p.kind),
            p.name,
            tr!("tour-part-bytes", size = p.size),
            &p.sha256[..16]
        );
    }

    step(6, &tr!("tour-step-get"))?;
    let out = dir.join("restored.jpg");
    let p = vault.get_to_file(id, "detention-notice.jpg", &out, false)?;
    let same = if fs::read(&out)? == SAMPLE_SCAN {
        "yes"
    } else {
        "no"
    };
    say!("   {}", tr!("tour-got-back", size = p.size, same = same));
    fs::remove_file(&out)?;

    Ok(())
}

/// Step 7: the sample words searched for in every file of the vault; returns how many
/// were found (none, or the tour fails).
fn what_a_copy_shows(paths: &VaultPaths) -> anyhow::Result<usize> {
    step(7, &tr!("tour-step-copy"))?;
    let words = [
        "Үрімші",
        "Хоргос",
        "Ghulja",
        "W-K7Q2",
        "detention-notice",
        "SampleCam",
        "teacher",
        // Recognised in the scanned letter (step 4), when Tesseract is installed.
        "Сарыбұлақ",
    ];
    let files = files_below(&paths.root);
    let total: u64 = files
        .iter()
        .filter_map(|f| fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let mut leaks = 0;
    for f in &files {
        let bytes = fs::read(f)?;
        for w in words {
            if bytes.windows(w.len()).any(|x| x == w.as_bytes()) {
                leaks += 1;
                say!(
                    "   {}",
                    tr!(
                        "tour-leak",
                        word = format!("{w:?}"),
                        file = f.display().to_string()
                    )
                );
            }
        }
    }
    say!(
        "   {}",
        tr!(
            "tour-copy-summary",
            files = (files.len() as u64),
            bytes = total,
            words = (words.len() as u64),
            found = (leaks as u64)
        )
    );

    Ok(leaks)
}

/// Step 8: `check`.
fn check(vault: &Vault) -> anyhow::Result<amanat::vault::CheckReport> {
    step(8, &tr!("tour-step-check"))?;
    let report = vault.check(&|_| {})?;
    say!(
        "   {}",
        tr!(
            "tour-check-summary",
            records = (report.records as u64),
            parts = (report.parts as u64),
            bytes = report.bytes,
            damaged = (report.damaged.len() as u64)
        )
    );
    if let Some(a) = &report.audit {
        let intact = if a.broken.is_none() { "yes" } else { "no" };
        say!(
            "   {}",
            tr!("tour-audit", events = a.events, intact = intact)
        );
    }

    Ok(report)
}

/// What the tour's export says of its time-stamp.
fn timestamped(exported: &amanat::bundle::ExportReport) -> anyhow::Result<()> {
    match exported.timestamping.as_ref().and_then(|t| {
        t.asked
            .iter()
            .find_map(|a| a.time.clone().map(|time| (t.events, time)))
    }) {
        Some((events, time)) => {
            say!(
                "   {}",
                tr!("tour-timestamped", events = events, time = time)
            );
            say!("   {}", tr!("tour-token"));
        }
        None => say!("   {}", tr!("tour-no-timestamp")),
    }
    Ok(())
}

/// Steps 9 and 10: an export to a partner's vault, which imports it; returns the partner.
fn share(
    vault: &Vault,
    keys: &KeysInfo,
    dir: &Path,
    pass: &Passphrase,
    ids: &[RecordId],
) -> anyhow::Result<Vault> {
    step(9, &tr!("tour-step-export"))?;
    let partner_paths = VaultPaths::new(dir.join("partner-vault"), None);
    let partner = LockedVault::init(partner_paths, pass, &InitOptions::default())?;
    let partner_keys = partner.keys();
    let recipient = partner_keys
        .recipient
        .clone()
        .expect("a full vault has a recipient");
    vault.contact_add("UN Partner", &[recipient], None)?;
    partner.contact_add("Documenters", &[], Some(&keys.signing_key))?;
    let tsa_ca = super::local_tsa::for_tour(vault, dir)?;
    let bundle = dir.join("for-partner.amanat");
    let exported = vault.export(
        &ExportOptions {
            to: "UN Partner".into(),
            selection: super::tour_case::describe(vault, ids, "UN Partner", &bundle)?,
            with_identities: false,
            keep_metadata: false,
            with_ocr: true,
            override_consent: None,
            csv: true,
        },
        &bundle,
    )?;
    say!(
        "   {}",
        tr!(
            "tour-exported",
            records = (exported.records as u64),
            bytes = fs::metadata(&bundle)?.len(),
            fingerprint = keys.fingerprint.as_str()
        )
    );
    for (_, name) in &exported.cleaned {
        say!("   {}", tr!("tour-cleaned", name = name.as_str()));
    }
    say!("   {}", tr!("tour-pseudonyms"));
    say!("   {}", tr!("tour-csv"));
    timestamped(&exported)?;

    step(10, &tr!("tour-step-import"))?;
    if let Some((url, ca)) = &tsa_ca {
        partner.tsa_add("Local test authority", url, &fs::read(ca)?, 10)?;
    }
    let verified = partner.import_bundle(
        &bundle,
        &ImportOptions {
            from: Some("Documenters".into()),
            ..Default::default()
        },
    )?;
    say!(
        "   {}",
        tr!(
            "tour-verified",
            contact = verified.contact.as_str(),
            signer = verified.signer.as_str()
        )
    );
    for r in &verified.records {
        say!(
            "   {}",
            tr!(
                "tour-imported-record",
                id = r.id[..10].to_owned(),
                title = r.title.as_str(),
                witness = r.witness.as_deref().unwrap_or("-")
            )
        );
    }
    if let Some(r) = verified.records.first() {
        say!("   {}", tr!("tour-custody", id = r.id[..10].to_owned()));
        for e in &r.custody {
            say!("     {}  {:<16} {}", e.time, e.kind, e.signer);
        }
        for t in &r.timestamps {
            let (entry, kind, time) = (
                (t.entry as u64 + 1),
                t.kind.to_string(),
                t.existed_by.to_string(),
            );
            let line = if t.trusted {
                tr!("tour-existed-by", entry = entry, kind = kind, time = time)
            } else {
                tr!(
                    "tour-existed-by-untrusted",
                    entry = entry,
                    kind = kind,
                    time = time
                )
            };
            say!("     {line}");
        }
    }
    if tsa_ca.is_some() {
        say!("   {}", tr!("tour-verify-token"));
    }
    say!("   {}", tr!("tour-other-partners"));
    say!("   {}", tr!("tour-without-amanat"));

    Ok(partner)
}

/// Step 11: a collector seals a record to headquarters and hands it over; returns the
/// collector.
fn collect(vault: &Vault, keys: &KeysInfo, dir: &Path, pass: &Passphrase) -> anyhow::Result<Vault> {
    step(11, &tr!("tour-step-collect"))?;
    let collector_paths = VaultPaths::new(dir.join("collector-vault"), None);
    let hq_recipient = keys
        .recipient
        .clone()
        .expect("a full vault has a recipient");
    let collector = LockedVault::init(
        collector_paths,
        pass,
        &InitOptions {
            recipients: vec![hq_recipient],
            collector: true,
            ..Default::default()
        },
    )?;
    let mut m = meta(
        "Interview at the border crossing",
        &["border"],
        "W-C4F1",
        "kk",
        "Khorgos",
        "2020-02-02",
    );
    m.note = Some("recorded on the collector".into());
    let collected = collector.add(NewRecord {
        meta: m,
        testimony: Some(PartInput::Reader {
            name: "testimony.txt".into(),
            reader: reader(SAMPLE_KK),
        }),
        attachments: vec![],
        identity: Some(PartInput::Reader {
            name: "identity".into(),
            reader: reader("Name and phone number of the witness (sample)"),
        }),
        person_identities: vec![],
        case: Default::default(),
    })?;
    say!(
        "   {}",
        tr!("tour-collector-sealed", id = collected.short())
    );
    match collector.show(collected) {
        Err(amanat::Error::CannotOpen(_)) => say!("   {}", tr!("tour-collector-blind")),
        Err(e) => return Err(e.into()),
        Ok(_) => anyhow::bail!("a collector opened what it collected"),
    }
    let transfer = dir.join("transfer.amanat");
    collector.export_transfer(&Selection::All, &transfer, true)?;
    say!(
        "   {}",
        tr!("tour-transfer", left = (collector.count() as u64))
    );
    vault.contact_add("field collector", &[], Some(&collector.keys().signing_key))?;
    let imported = vault.import_bundle(
        &transfer,
        &ImportOptions {
            from: Some("field collector".into()),
            ..Default::default()
        },
    )?;
    let view = vault.show(collected)?;
    say!(
        "   {}",
        tr!(
            "tour-hq-imported",
            added = (imported.added as u64),
            id = collected.short(),
            title = view.meta.title.as_str(),
            parts = (view.parts.len() as u64)
        )
    );

    Ok(collector)
}
