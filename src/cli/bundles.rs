//! `contact`, `export`, `verify` and `import`.
use std::path::PathBuf;

use amanat::bundle::{ExportOptions, ImportOptions, ImportReport, Selection};
use amanat::tr;
use amanat::Vault;
use clap::{Args, Subcommand};
use serde_json::json;

use super::errors::invalid;
use super::safe::Safe;
use super::{print, print_json};

#[derive(Subcommand)]
pub enum ContactCommand {
    /// Add a partner (to export to) or a sender (to import from)
    Add {
        /// A name for the contact, e.g. the partner organisation
        name: String,
        /// age (age1…) or ssh-ed25519 recipient that bundles to this contact are sealed to
        /// (repeatable). Prefer age1… keys: a bundle names an ssh-ed25519 recipient by a tag
        /// computed from its public key, so anyone who intercepts the bundle and holds that
        /// public key can tell whom it is for (an age1… recipient is not named)
        #[arg(long = "recipient", value_name = "R")]
        recipients: Vec<String>,
        /// The 'ssh-ed25519 AAAA…' key this contact signs bundles with (their `amanat keys`)
        #[arg(long, value_name = "KEY")]
        signing_key: Option<String>,
    },
    /// List contacts
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a contact
    Rm { name: String },
}

pub fn contact(v: &Vault, c: ContactCommand) -> anyhow::Result<u8> {
    match c {
        ContactCommand::Add {
            name,
            recipients,
            signing_key,
        } => {
            let c = v.contact_add(&name, &recipients, signing_key.as_deref())?;
            let name = format!("{:?}", c.name);
            match c.fingerprint() {
                Some(f) => eprintln!(
                    "{}",
                    tr!("cli-contact-added-key", name = name, fingerprint = f)
                ),
                None => eprintln!("{}", tr!("cli-contact-added", name = name)),
            }
            Ok(0)
        }
        ContactCommand::List { json } => {
            let list = v.contacts()?;
            if json {
                let j: Vec<_> = list
                    .iter()
                    .map(|c| {
                        json!({"name": c.name, "recipients": c.recipients, "signing_key": c.signing_key,
                               "fingerprint": c.fingerprint()})
                    })
                    .collect();
                print_json(&j)?;
            } else {
                let mut s = String::new();
                for c in &list {
                    let line = tr!(
                        "cli-contact-line",
                        recipients = (c.recipients.len() as u64),
                        fingerprint = c.fingerprint().unwrap_or_else(|| "-".into())
                    );
                    s.push_str(&format!("{}  {line}\n", Safe(&c.name)));
                }
                print(&s)?;
            }
            Ok(if list.is_empty() { 1 } else { 0 })
        }
        ContactCommand::Rm { name } => {
            v.contact_remove(&name)?;
            eprintln!("{}", tr!("cli-contact-removed", name = format!("{name:?}")));
            Ok(0)
        }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    /// The contact to export to (see `amanat contact list`); a collector writes a transfer
    /// bundle for its own recipients instead and takes no --to
    #[arg(long, value_name = "CONTACT")]
    to: Option<String>,
    /// Export every record
    #[arg(long, conflicts_with_all = ["tag", "witness", "ids"])]
    all: bool,
    /// Export the records with this tag
    #[arg(long, conflicts_with_all = ["witness", "ids"])]
    tag: Option<String>,
    /// Export the records of this witness code
    #[arg(long, value_name = "CODE", conflicts_with = "ids")]
    witness: Option<String>,
    /// Records to export (ids or unambiguous prefixes)
    #[arg(value_name = "ID")]
    ids: Vec<String>,
    /// The bundle file to write (a collector with --remote may leave it out)
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        required_unless_present = "remote"
    )]
    output: Option<PathBuf>,
    /// On a collector: send the transfer bundle to this remote's inbox (`amanat remote
    /// add`); with --remove-after, the records are removed only once it has arrived
    #[arg(long, value_name = "NAME")]
    remote: Option<String>,
    /// Include witness identity parts (needs the custodian key on this device)
    #[arg(long)]
    with_identities: bool,
    /// Keep image metadata (EXIF, GPS, XMP, …) instead of removing it
    #[arg(long)]
    keep_metadata: bool,
    /// Include the text recognised in scans (`amanat ocr`), which is left out otherwise:
    /// it is machine-read and may hold errors, and names the scan holds
    #[arg(long)]
    with_ocr: bool,
    /// On a collector: delete the exported records once the bundle is safely written
    #[arg(long)]
    remove_after: bool,
    /// Export records whose recorded consent does not cover this contact, for the reason
    /// given; the override and the contact are logged in each such record's chain of
    /// custody, the reason kept in the vault. Without it such an export is refused
    #[arg(long, value_name = "REASON")]
    override_consent: Option<String>,
    /// Also carry the records' metadata as `import.csv` inside the bundle, in the shape
    /// HURIDOCS Uwazi imports (one row a record, a column a property; identities never in
    /// it); `amanat ingest` reads the same shape
    #[arg(long)]
    csv: bool,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

pub fn export(v: &Vault, a: ExportArgs) -> anyhow::Result<u8> {
    let selection = if a.all {
        Selection::All
    } else if let Some(t) = a.tag.clone() {
        Selection::Tag(t)
    } else if let Some(w) = a.witness.clone() {
        Selection::Witness(w)
    } else if !a.ids.is_empty() {
        Selection::Ids(a.ids.clone())
    } else {
        return Err(invalid(tr!("cli-export-what")).into());
    };
    if v.is_collector() {
        if a.csv {
            return Err(invalid(tr!("cli-export-csv-transfer")).into());
        }
        return export_transfer(v, &a, &selection);
    }
    if a.remove_after {
        return Err(invalid(tr!("cli-export-remove-after")).into());
    }
    if a.remote.is_some() {
        return Err(invalid(tr!("cli-export-remote")).into());
    }
    let Some(to) = a.to else {
        return Err(invalid(tr!("cli-export-to")).into());
    };
    let Some(output) = a.output else {
        unreachable!("clap requires --output without --remote")
    };
    let opts = ExportOptions {
        to,
        selection,
        with_identities: a.with_identities,
        keep_metadata: a.keep_metadata,
        with_ocr: a.with_ocr,
        override_consent: a.override_consent,
        csv: a.csv,
    };
    if opts
        .override_consent
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        return Err(invalid(tr!("cli-export-override-reason")).into());
    }
    let r = v.export(&opts, &output)?;
    if a.json {
        print_json(&r)?;
        return Ok(0);
    }
    match &r.timestamping {
        Some(t) => super::stamps::report(t),
        None => eprintln!("{}", tr!("cli-export-no-tsa")),
    }
    if r.timestamping.is_some() {
        let tokens = r.timestamps as u64;
        eprintln!("{}", tr!("cli-export-tokens", count = tokens));
    }
    eprintln!(
        "{}",
        tr!(
            "cli-exported",
            records = (r.records as u64),
            files = (r.files as u64),
            bytes = r.bytes,
            path = Safe(&output.display().to_string()).to_string(),
            contact = format!("{:?}", opts.to)
        )
    );
    eprintln!(
        "{}",
        tr!(
            "cli-bundle-line",
            id = r.bundle_id.as_str(),
            sha256 = r.sha256.as_str()
        )
    );
    match opts.with_identities {
        true => eprintln!("{}", tr!("cli-export-pseudonyms-identities")),
        false => eprintln!("{}", tr!("cli-export-pseudonyms")),
    }
    if !r.consent_overridden.is_empty() {
        let count = r.consent_overridden.len() as u64;
        eprintln!("{}", tr!("cli-export-consent-overridden", count = count));
    }
    if r.consent_unrecorded > 0 {
        let count = r.consent_unrecorded as u64;
        eprintln!("{}", tr!("cli-export-consent-unrecorded", count = count));
    }
    for (id, name) in &r.cleaned {
        let what = format!("{} {}", &id[..10], Safe(name));
        eprintln!("  {}", tr!("cli-export-cleaned", what = what));
    }
    for (id, name) in &r.mentions_witness_code {
        let what = format!("{} {}", &id[..10], Safe(name));
        eprintln!("  {}", tr!("cli-export-mentions", what = what));
    }
    for (id, field) in &r.metadata_mentions_code {
        let what = format!("{} {}", &id[..10], field);
        eprintln!("  {}", tr!("cli-export-mentions-field", what = what));
    }
    for (id, name, fmt) in &r.not_cleaned {
        let what = format!("{} {}", &id[..10], Safe(name));
        let format = fmt.to_string();
        eprintln!(
            "  {}",
            tr!("cli-export-not-cleaned", what = what, format = format)
        );
    }
    Ok(0)
}

/// A collector's export: a transfer bundle to a file or to a remote's inbox.
fn export_transfer(v: &Vault, a: &ExportArgs, selection: &Selection) -> anyhow::Result<u8> {
    if a.to.is_some()
        || a.with_identities
        || a.keep_metadata
        || a.with_ocr
        || a.override_consent.is_some()
    {
        return Err(invalid(tr!("cli-export-collector-flags")).into());
    }
    let r = match (&a.remote, &a.output) {
        (Some(remote), keep) => amanat::replica::pull::export_to_remote(
            v,
            remote,
            selection,
            a.remove_after,
            keep.as_deref(),
        )?,
        (None, Some(out)) => v.export_transfer(selection, out, a.remove_after)?,
        (None, None) => unreachable!("clap requires --output without --remote"),
    };
    if a.json {
        print_json(&r)?;
    } else {
        let to = match (&a.remote, &a.output) {
            (Some(remote), _) => tr!("cli-remote-inbox", remote = Safe(remote).to_string()),
            (None, Some(out)) => Safe(&out.display().to_string()).to_string(),
            (None, None) => String::new(),
        };
        let records = r.records as u64;
        let line = tr!(
            "cli-transfer-written",
            records = records,
            bytes = r.bytes,
            to = to
        );
        eprintln!("{line}");
        eprintln!(
            "{}",
            tr!(
                "cli-bundle-line",
                id = r.bundle_id.as_str(),
                sha256 = r.sha256.as_str()
            )
        );
        if a.remove_after {
            eprintln!("{}", tr!("cli-transfer-removed", records = records));
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct ImportArgs {
    /// The bundle file
    file: PathBuf,
    /// The contact the bundle must be signed by [default: any known contact]
    #[arg(long, value_name = "CONTACT")]
    from: Option<String>,
    /// Accept a signer that is not a contact yet, and add it as one (check its fingerprint
    /// with the sender first)
    #[arg(long, conflicts_with = "from")]
    trust_signer: bool,
    /// Bring back records of a bundle imported before that were removed here since
    #[arg(long)]
    restore_removed: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn print_report(r: &ImportReport, json: bool) -> anyhow::Result<()> {
    if json {
        print_json(r)?;
        return Ok(());
    }
    let mut s = format!(
        "{}\n{}{}\n",
        tr!(
            "cli-verify-bundle",
            id = Safe(&r.bundle_id).to_string(),
            created = Safe(&r.created).to_string()
        ),
        tr!(
            "cli-verify-signed",
            contact = Safe(&r.contact).to_string(),
            signer = Safe(&r.signer).to_string()
        ),
        if r.new_contact {
            tr!("cli-verify-new-contact")
        } else {
            String::new()
        }
    );
    if r.identities_included {
        s.push_str(&format!("{}\n", tr!("cli-verify-identities")));
    }
    if r.csv {
        s.push_str(&format!("{}\n", tr!("cli-verify-csv")));
    }
    for rec in &r.records {
        s.push_str(&format!(
            "  {}  {}  {}{}{}\n",
            Safe(rec.id.get(..10).unwrap_or(&rec.id)),
            Safe(&rec.title),
            tr!(
                "cli-verify-parts",
                parts = (rec.parts as u64),
                bytes = rec.bytes
            ),
            rec.witness
                .as_deref()
                .map(|w| format!("  ({})", Safe(w)))
                .unwrap_or_default(),
            if rec.present {
                format!("  [{}]", tr!("cli-verify-present"))
            } else {
                String::new()
            }
        ));
        if let Some(c) = &rec.case {
            s.push_str(&format!("      {}\n", super::case::summary(c)));
        }
        for c in &rec.custody {
            s.push_str(&format!("      {}\n", super::audit::line(c)));
        }
        for t in &rec.timestamps {
            let line = tr!(
                "cli-verify-stamp",
                entry = (t.entry as u64 + 1),
                kind = Safe(&t.kind).to_string(),
                claimed = Safe(&t.claimed).to_string(),
                time = Safe(&t.existed_by).to_string(),
                authority = Safe(&t.authority).to_string()
            );
            let untrusted = if t.trusted {
                String::new()
            } else {
                format!(" ({})", tr!("cli-verify-untrusted"))
            };
            s.push_str(&format!("      {line}{untrusted}\n"));
            if t.claims_later {
                s.push_str(&format!("        {}\n", tr!("cli-verify-claims-later")));
            }
        }
    }
    print(&s)?;
    Ok(())
}

pub fn verify(v: &Vault, a: ImportArgs) -> anyhow::Result<u8> {
    let r = v.import_bundle(
        &a.file,
        &ImportOptions {
            from: a.from,
            trust_signer: a.trust_signer,
            dry_run: true,
            restore_removed: a.restore_removed,
        },
    )?;
    print_report(&r, a.json)?;
    if !a.json {
        match (&r.already_imported, r.removed_since.len()) {
            (Some(date), 0) => eprintln!("{}", tr!("cli-imported-before", date = date.as_str())),
            (Some(date), n) => eprintln!(
                "{}",
                tr!(
                    "cli-imported-before-removed",
                    date = date.as_str(),
                    count = (n as u64)
                )
            ),
            (None, _) => {}
        }
        let new = r.records.iter().filter(|x| !x.present).count() as u64;
        let stamps = if r.records.iter().any(|x| !x.timestamps.is_empty()) {
            "yes"
        } else {
            "no"
        };
        eprintln!("{}", tr!("cli-verified", stamps = stamps, new = new));
    }
    Ok(0)
}

pub fn import(v: &Vault, a: ImportArgs) -> anyhow::Result<u8> {
    let r = v.import_bundle(
        &a.file,
        &ImportOptions {
            from: a.from,
            trust_signer: a.trust_signer,
            dry_run: false,
            restore_removed: a.restore_removed,
        },
    )?;
    print_report(&r, a.json)?;
    if !a.json && r.added == 0 {
        if let Some(date) = &r.already_imported {
            let records = r.records.len() as u64;
            eprintln!(
                "{}",
                tr!(
                    "cli-already-imported",
                    date = date.as_str(),
                    records = records
                )
            );
            return Ok(0);
        }
    }
    if !a.json {
        eprintln!(
            "{}",
            tr!(
                "cli-imported",
                added = (r.added as u64),
                present = ((r.records.len() - r.added) as u64)
            )
        );
    }
    Ok(0)
}
