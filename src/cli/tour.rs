//! `amanat tour`: the whole workflow on built-in sample data, narrated, in a temporary
//! directory that is removed at the end. The sample testimonies are fictional.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use amanat::bundle::{ExportOptions, ImportOptions, Selection};
use amanat::format::keyring::Passphrase;
use amanat::format::record::Metadata;
use amanat::vault::{Filter, KeysInfo, NewRecord, PartInput};
use amanat::{InitOptions, LockedVault, RecordId, Vault, VaultPaths};

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
    say!("Amanat tour: a vault for testimonies, on fictional sample data.");
    say!(
        "Everything happens in {} and is deleted at the end.",
        dir.0.display()
    );

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
    let partner = share(&vault, &keys, &dir.0, &pass)?;
    let collector = collect(&vault, &keys, &dir.0, &pass)?;
    super::tour_replica::replicate(&vault, &dir.0, &pass)?;
    recover(vault, partner, collector, &paths, &pass)?;

    say!("\nDone. Try it yourself: `amanat init`, then `amanat add --help`.");
    say!(
        "Without a terminal: `amanat serve` prints an address to open in a browser on this machine, where the vault is unlocked, records added, found and read."
    );
    Ok(if leaks == 0 && report.ok() { 0 } else { 1 })
}

/// Step 1: a vault, and its public keys.
fn create(paths: &VaultPaths, pass: &Passphrase) -> anyhow::Result<(Vault, KeysInfo)> {
    step(1, "Create a vault")?;
    let started = std::time::Instant::now();
    let vault = LockedVault::init(paths.clone(), pass, &InitOptions::default())?;
    say!(
        "   sealed the keyring with the passphrase (scrypt, calibrated: {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let keys = vault.keys();
    say!(
        "   the vault's age recipient:  {}",
        keys.recipient.as_deref().unwrap_or("-")
    );
    say!("   its signing key:            {}", keys.fingerprint);

    Ok((vault, keys))
}

/// Step 2: three testimonies and a scan; returns their ids.
fn add_samples(vault: &Vault, inputs: &Path) -> anyhow::Result<Vec<RecordId>> {
    step(
        2,
        "Add three testimonies (Kazakh, Russian, English) and a scanned document",
    )?;
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
        };
        let id = vault.add(rec)?;
        say!("   {}  {title}", id.short());
        ids.push(id);
    }

    Ok(ids)
}

/// Steps 3 and 4: the list and searches.
fn list_and_search(vault: &Vault) -> anyhow::Result<()> {
    step(
        3,
        "List (from the encrypted catalog: no public-key operation per record)",
    )?;
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

    step(4, "Search in any script, case-insensitively, scans too")?;
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
                "nothing".into()
            } else {
                found.join(", ")
            }
        );
    }

    Ok(())
}

/// Steps 5 and 6: a record's parts, and one part back.
fn show_and_get(vault: &Vault, id: RecordId, dir: &Path) -> anyhow::Result<()> {
    step(
        5,
        "Show a record: every part with its SHA-256 taken at ingest",
    )?;
    let view = vault.show(id)?;
    say!("   {}  {}", view.id.short(), view.meta.title);
    for p in &view.parts {
        say!(
            "   [{}] {:<10} {:<22} {:>6} bytes  sha256:{}…",
            p.index,
            p.kind,
            p.name,
            p.size,
            &p.sha256[..16]
        );
    }

    step(6, "Get the scan back, verified against its hash")?;
    let out = dir.join("restored.jpg");
    let p = vault.get_to_file(id, "detention-notice.jpg", &out, false)?;
    say!(
        "   wrote {} bytes; identical to the original: {}",
        p.size,
        fs::read(&out)? == SAMPLE_SCAN
    );
    fs::remove_file(&out)?;

    Ok(())
}

/// Step 7: the sample words searched for in every file of the vault; returns how many
/// were found (none, or the tour fails).
fn what_a_copy_shows(paths: &VaultPaths) -> anyhow::Result<usize> {
    step(7, "What someone who copies the disk sees")?;
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
                say!("   LEAK: {w:?} in {}", f.display());
            }
        }
    }
    say!(
        "   {} files, {} bytes; searched for {} words of the samples: {} found",
        files.len(),
        total,
        words.len(),
        leaks
    );

    Ok(leaks)
}

/// Step 8: `check`.
fn check(vault: &Vault) -> anyhow::Result<amanat::vault::CheckReport> {
    step(
        8,
        "Check: open every part, verify every hash and the audit log",
    )?;
    let report = vault.check(&|_| {})?;
    say!(
        "   {} records, {} parts, {} bytes verified, {} damaged",
        report.records,
        report.parts,
        report.bytes,
        report.damaged.len()
    );
    if let Some(a) = &report.audit {
        say!(
            "   audit log: {} events, each signed and hash-chained: {}",
            a.events,
            if a.broken.is_none() {
                "intact"
            } else {
                "BROKEN"
            }
        );
    }

    Ok(report)
}

/// Steps 9 and 10: an export to a partner's vault, which imports it; returns the partner.
fn share(vault: &Vault, keys: &KeysInfo, dir: &Path, pass: &Passphrase) -> anyhow::Result<Vault> {
    step(9, "Export to a partner: signed, encrypted, redacted")?;
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
            selection: Selection::Tag("detention".into()),
            with_identities: false,
            keep_metadata: false,
            with_ocr: true,
        },
        &bundle,
    )?;
    say!(
        "   {} records in one age file of {} bytes, signed by {}",
        exported.records,
        fs::metadata(&bundle)?.len(),
        keys.fingerprint
    );
    for (_, name) in &exported.cleaned {
        say!("   removed EXIF and GPS from {name}; the pixels are unchanged");
    }
    say!("   witness codes replaced by pseudonyms for this partner; identity parts left out");
    match exported.timestamping.as_ref().and_then(|t| {
        t.asked.iter().find_map(|a| a.time.clone().map(|time| (t.events, time)))
    }) {
        Some((events, time)) => {
            say!("   timestamped first (RFC 3161, by a local test authority running `openssl ts` on 127.0.0.1): the log's first {events} events, with their signatures, existed at {time}");
            say!("   the bundle carries the token; a key seized later cannot backdate what it covers");
        }
        None => say!("   no timestamp: `openssl` is not installed here (with it, the tour timestamps the log; in use, `amanat tsa add` names a real authority)"),
    }

    step(10, "The partner verifies and imports it")?;
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
        "   signature by {} ({}) and every file's SHA-256 check out",
        verified.contact,
        verified.signer
    );
    for r in &verified.records {
        say!(
            "   {}  {}  witness {}",
            &r.id[..10],
            r.title,
            r.witness.as_deref().unwrap_or("-")
        );
    }
    if let Some(r) = verified.records.first() {
        say!(
            "   chain of custody of {}, each event signed and linked to the one before:",
            &r.id[..10]
        );
        for e in &r.custody {
            say!("     {}  {:<16} {}", e.time, e.kind, e.signer);
        }
        for t in &r.timestamps {
            say!(
                "     event {} ({}) existed by {}, as the authority's token proves{}",
                t.entry + 1,
                t.kind,
                t.existed_by,
                if t.trusted {
                    ""
                } else {
                    " (an authority the partner has not added)"
                }
            );
        }
    }
    if tsa_ca.is_some() {
        say!("   without Amanat, a partner checks the token with: openssl ts -verify -token_in -in token.tsr -data statement.txt -CAfile authority-ca.pem (README, \"For partners\")");
    }
    say!("   (the same records have other ids and pseudonyms for any other partner)");
    say!("   a partner without Amanat runs: mkdir b && age -d -i key.txt FILE | tar x -C b, then ssh-keygen -Y verify before anything else");

    Ok(partner)
}

/// Step 11: a collector seals a record to headquarters and hands it over; returns the
/// collector.
fn collect(vault: &Vault, keys: &KeysInfo, dir: &Path, pass: &Passphrase) -> anyhow::Result<Vault> {
    step(
        11,
        "A collector in the field hands sealed records to headquarters",
    )?;
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
    })?;
    say!(
        "   the collector sealed record {} to headquarters' key",
        collected.short()
    );
    match collector.show(collected) {
        Err(e) => say!("   and cannot read it itself: {e}"),
        Ok(_) => anyhow::bail!("a collector opened what it collected"),
    }
    let transfer = dir.join("transfer.amanat");
    collector.export_transfer(&Selection::All, &transfer, true)?;
    say!(
        "   transfer bundle written; the record is gone from the collector ({} left)",
        collector.count()
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
        "   headquarters imported {} record, same id {}: {:?}, {} parts incl. the sealed identity",
        imported.added,
        collected.short(),
        view.meta.title,
        view.parts.len()
    );

    Ok(collector)
}

/// Steps 13 to 15: the database rebuilt from the journal, a wrong passphrase, and shred.
fn recover(
    vault: Vault,
    partner: Vault,
    collector: Vault,
    paths: &VaultPaths,
    pass: &Passphrase,
) -> anyhow::Result<()> {
    step(13, "A damaged database is recreated from the journal")?;
    let before = vault.count();
    drop(vault);
    drop(partner);
    drop(collector);
    // A disk fault in sled's files: here, the whole database directory is lost.
    std::fs::remove_dir_all(paths.root.join("db"))?;
    match LockedVault::open(paths.clone()) {
        Err(e) => say!("   the database is gone: {e}"),
        Ok(_) => anyhow::bail!("a vault without its database opened"),
    }
    let (vault, rebuilt) = amanat::vault::rebuild::rebuild(paths.clone(), pass)?;
    say!(
        "   `amanat rebuild` replayed {} journal frames: {} of {} records back, check: {}",
        rebuilt.frames,
        vault.count(),
        before,
        if vault.check(&|_| {})?.ok() {
            "all verified"
        } else {
            "DAMAGE"
        }
    );
    drop(vault);

    step(14, "A wrong passphrase opens nothing")?;
    let locked = LockedVault::open(paths.clone())?;
    match locked.unlock(&Passphrase::new("guess".into())?) {
        Err(e) => say!("   refused: {e}"),
        Ok(_) => anyhow::bail!("a wrong passphrase opened the vault"),
    }

    step(15, "Emergency: shred makes the vault unopenable at once")?;
    let started = std::time::Instant::now();
    amanat::vault::lifecycle::shred(paths, false)?;
    say!(
        "   keyring overwritten in place and removed in {} ms; what remains is ciphertext",
        started.elapsed().as_millis()
    );
    let locked = LockedVault::open(paths.clone())?;
    match locked.unlock(pass) {
        Err(e) => say!("   even the right passphrase: {e}"),
        Ok(_) => anyhow::bail!("the vault opened after shred"),
    }

    Ok(())
}
