//! `remote`, `push`, `status`, `restore` and `replica`: sealed replicas on S3-compatible
//! object storage (a Garage cluster the organisation runs), and the custodian's sweep.
use std::path::PathBuf;

use amanat::replica::{self, Step};
use amanat::tr;
use amanat::vault::remotes::Remote;
use amanat::{Error, Vault};
use clap::{Args, Subcommand};
use serde_json::json;

use super::safe::Safe;
use super::{print, print_json, Global};

/// Where a bucket is and the key to use it.
#[derive(Args, Clone)]
pub struct Connection {
    /// URL of the S3 API, e.g. http://10.0.0.5:3900 (Garage's s3_api port)
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// Region the server expects (Garage's s3_region)
    #[arg(long, default_value = "garage")]
    region: String,
    /// Access key id (Garage: `garage key info NAME`)
    #[arg(long, value_name = "ID")]
    access_key_id: String,
    /// File whose first line is the secret key (never on the command line)
    #[arg(long, value_name = "FILE")]
    secret_file: PathBuf,
    /// Seconds to wait for a connection and for each read or write on it
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

#[derive(Subcommand)]
pub enum RemoteCommand {
    /// Adds a bucket to push sealed replicas to. The credentials are sealed in the vault;
    /// give the device a key that can only write to an inbox bucket (README, "Replicas")
    Add {
        name: String,
        /// Bucket name
        #[arg(long)]
        bucket: String,
        #[command(flatten)]
        connection: Connection,
        /// Also send this vault's keyring, sealed to its other recipients (headquarters'
        /// key, given at `init --recipient`), so that headquarters can restore the vault
        /// without this device's passphrase (`restore --identity`). Whoever holds that key
        /// can then open this vault's catalog, custody log and identity parts sealed to it
        #[arg(long)]
        escrow_keyring: bool,
    },
    /// Lists remotes, with when each was last pushed to
    List {
        #[arg(long)]
        json: bool,
    },
    /// Removes a remote (and what this device remembers of it); the replica keeps what
    /// was pushed
    Rm { name: String },
}

#[derive(Args)]
pub struct PushArgs {
    /// The remote to push to [default: every remote]
    name: Option<String>,
    /// Print a JSON summary
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct PullArgs {
    /// The remote whose bundles to import (headquarters' key to the archive or inbox).
    /// Only bundles signed by a known contact are imported: add each collector with
    /// `amanat contact add NAME --signing-key …` first
    name: String,
    /// Print a JSON summary
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct StatusArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ReplicaCommand {
    /// Says what a replica is missing or holds damaged, per record (needs a key that can
    /// read and list the bucket)
    Check {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// The custodian's job, run on the organisation's server: copies what is new in the
    /// inbox bucket into the archive bucket; never deletes or overwrites. Needs no vault
    Sweep {
        /// The bucket devices write to
        #[arg(long)]
        inbox: String,
        /// The bucket only this job writes to
        #[arg(long)]
        archive: String,
        #[command(flatten)]
        connection: Connection,
        #[arg(long)]
        json: bool,
    },
}

fn secret(path: &PathBuf) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let text = zeroize::Zeroizing::new(std::fs::read(path).map_err(|e| Error::input(path, e))?);
    let line = std::str::from_utf8(&text)
        .ok()
        .and_then(|t| t.lines().next())
        .map(str::trim)
        .unwrap_or("");
    if line.is_empty() {
        anyhow::bail!(
            "{}",
            tr!("cli-secret-file-empty", path = path.display().to_string())
        );
    }
    Ok(zeroize::Zeroizing::new(line.to_owned()))
}

pub(super) fn remote_of(
    name: &str,
    bucket: &str,
    c: &Connection,
    escrow: bool,
) -> anyhow::Result<Remote> {
    let r = Remote {
        name: name.to_owned(),
        endpoint: c.endpoint.clone(),
        bucket: bucket.to_owned(),
        region: c.region.clone(),
        access_key_id: c.access_key_id.clone(),
        secret: secret(&c.secret_file)?.to_string(),
        timeout: c.timeout,
        added: jiff::Timestamp::now().as_second(),
        escrow,
    };
    amanat::vault::remotes::valid_remote(&r)?;
    replica::client(&r)?;
    Ok(r)
}

pub fn remote(v: &Vault, c: RemoteCommand) -> anyhow::Result<u8> {
    match c {
        RemoteCommand::Add {
            name,
            bucket,
            connection,
            escrow_keyring,
        } => {
            let r = remote_of(&name, &bucket, &connection, escrow_keyring)?;
            v.remote_add(&r)?;
            match replica::client(&r)?.can_list() {
                Ok(false) => {}
                Ok(true) => eprintln!("amanat: {}", tr!("cli-remote-can-read")),
                Err(e) => eprintln!(
                    "amanat: {}",
                    tr!(
                        "cli-remote-unchecked",
                        endpoint = Safe(&r.endpoint).to_string(),
                        why = super::safe::worded(&e.words())
                    )
                ),
            }
            eprintln!(
                "{}",
                tr!(
                    "cli-remote-added",
                    name = Safe(&name).to_string(),
                    endpoint = Safe(&r.endpoint).to_string(),
                    bucket = Safe(&r.bucket).to_string()
                )
            );
        }
        RemoteCommand::List { json } => {
            let mut rows = Vec::new();
            for (key, r) in v.remotes()? {
                let s = v.replica_state(&key)?;
                rows.push(json!({
                    "name": r.name,
                    "endpoint": r.endpoint,
                    "bucket": r.bucket,
                    "region": r.region,
                    "access_key_id": r.access_key_id,
                    "last_push": last_push(&s),
                }));
            }
            if json {
                print_json(&rows)?;
            } else {
                let lines: String = rows
                    .iter()
                    .map(|r| {
                        let text = |k: &str| Safe(r[k].as_str().unwrap_or("")).to_string();
                        let last = match r["last_push"].as_str() {
                            Some(t) => t.to_owned(),
                            None => tr!("cli-never"),
                        };
                        let line = tr!(
                            "cli-remote-line",
                            name = text("name"),
                            endpoint = text("endpoint"),
                            bucket = text("bucket"),
                            last = last
                        );
                        format!("{line}\n")
                    })
                    .collect();
                print(&lines)?;
            }
        }
        RemoteCommand::Rm { name } => {
            v.remote_remove(&name)?;
            eprintln!(
                "{}",
                tr!("cli-remote-removed", name = Safe(&name).to_string())
            );
        }
    }
    Ok(0)
}

/// When the last push that reached the replica ended, if one did.
fn last_push(s: &amanat::vault::remotes::ReplicaState) -> Option<String> {
    (s.head.time > 0).then(|| super::listing::timestamp(s.head.time))
}

pub(super) fn bar(verb: &'static str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{} {{bar:40}} {{pos}}/{{len}}  {{msg}}  {{eta}}",
            tr!("cli-progress", verb = verb)
        ))
        .expect("valid template"),
    );
    bar
}

pub(super) fn on_step(bar: &indicatif::ProgressBar) -> impl Fn(Step) + Sync + '_ {
    move |s: Step| {
        bar.set_length(s.total);
        bar.set_position(s.done);
        bar.set_message(format!("{:.1} MiB", s.bytes as f64 / (1 << 20) as f64));
    }
}

pub fn push(v: &Vault, a: PushArgs) -> anyhow::Result<u8> {
    let names: Vec<String> = match a.name {
        Some(n) => vec![n],
        None => v
            .remotes()?
            .into_iter()
            .map(|(_, r)| r.name.clone())
            .collect(),
    };
    if names.is_empty() {
        anyhow::bail!("{}", tr!("cli-no-remote"));
    }
    let mut all = Vec::new();
    for name in names {
        let b = bar("pushing");
        let pushed = replica::push::push(v, &name, &on_step(&b));
        b.finish_and_clear();
        let p = pushed?;
        if !a.json {
            if p.head {
                eprintln!(
                    "{}",
                    tr!(
                        "cli-pushed",
                        name = Safe(&name).to_string(),
                        objects = (p.objects as u64),
                        mib = format!("{:.1}", p.object_bytes as f64 / (1 << 20) as f64),
                        kib = (p.journal_bytes.div_ceil(1024) as u64),
                        records = (p.records as u64)
                    )
                );
            } else {
                let records = p.records as u64;
                let name = Safe(&name).to_string();
                eprintln!("{}", tr!("cli-up-to-date", name = name, records = records));
            }
        }
        all.push(p);
    }
    if a.json {
        print_json(&all)?;
    }
    Ok(0)
}

pub fn pull(v: &Vault, a: PullArgs) -> anyhow::Result<u8> {
    let b = bar("pulling");
    let r = replica::pull::pull(v, &a.name, &on_step(&b));
    b.finish_and_clear();
    let r = r?;
    if a.json {
        print_json(&r)?;
    } else {
        for (name, why) in &r.failed {
            print(&format!(
                "FAILED {}: {}\n",
                Safe(name),
                super::safe::worded(why)
            ))?;
        }
        let added: usize = r.imported.iter().map(|(_, n)| n).sum();
        eprintln!(
            "{}",
            tr!(
                "cli-pulled",
                bundles = (r.imported.len() as u64),
                records = (added as u64),
                name = Safe(&a.name).to_string(),
                already = (r.already as u64),
                failed = (r.failed.len() as u64)
            )
        );
    }
    Ok(if r.failed.is_empty() { 0 } else { 1 })
}

pub fn status(v: &Vault, a: StatusArgs) -> anyhow::Result<u8> {
    let mut rows = Vec::new();
    for (_, r) in v.remotes()? {
        let (state, missing) = replica::push::not_pushed(v, &r.name)?;
        rows.push(json!({
            "remote": r.name,
            "last_push": last_push(&state),
            "not_pushed": missing.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }));
    }
    if a.json {
        print_json(&json!({ "records": v.count(), "remotes": rows }))?;
        return Ok(0);
    }
    let mut out = format!(
        "{}\n",
        tr!("cli-status-records", records = (v.count() as u64))
    );
    if rows.is_empty() {
        out.push_str(&format!("{}\n", tr!("cli-status-no-remote")));
    }
    for r in &rows {
        let missing = r["not_pushed"].as_array().map(Vec::len).unwrap_or(0) as u64;
        let line = tr!(
            "cli-status-remote",
            name = Safe(r["remote"].as_str().unwrap_or("")).to_string(),
            last = r["last_push"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| tr!("cli-status-never")),
            missing = missing
        );
        out.push_str(&format!("{line}\n"));
        for id in r["not_pushed"].as_array().into_iter().flatten() {
            out.push_str(&format!("  NOT REPLICATED {}\n", id.as_str().unwrap_or("")));
        }
    }
    print(&out)?;
    Ok(0)
}

pub fn replica(g: &Global, c: ReplicaCommand) -> anyhow::Result<u8> {
    match c {
        ReplicaCommand::Check { name, json } => super::with_vault(g, |v| {
            let b = bar("checking");
            let r = replica::check::check(v, &name, &on_step(&b));
            b.finish_and_clear();
            let r = r?;
            if json {
                print_json(&r)?;
            } else {
                let mut out = String::new();
                for o in &r.damaged_chunks {
                    out.push_str(&format!("DAMAGED journal chunk at offset {o}\n"));
                }
                for (rec, obj) in &r.missing {
                    out.push_str(&format!("MISSING {} object {obj}\n", rec_or(rec)));
                }
                for (rec, obj) in &r.damaged {
                    out.push_str(&format!("DAMAGED {} object {obj}\n", rec_or(rec)));
                }
                for id in &r.not_pushed {
                    out.push_str(&format!("NOT REPLICATED {id}\n"));
                }
                print(&out)?;
                eprintln!(
                    "{}",
                    tr!(
                        "cli-replica-checked",
                        name = Safe(&name).to_string(),
                        time = super::listing::timestamp(r.pushed_at),
                        chunks = (r.chunks as u64),
                        objects = (r.objects as u64),
                        ok = if r.ok() { "yes" } else { "no" }
                    )
                );
            }
            Ok(if r.ok() { 0 } else { 1 })
        }),
        ReplicaCommand::Sweep {
            inbox,
            archive,
            connection,
            json,
        } => {
            let from = remote_of("inbox", &inbox, &connection, false)?;
            let to = remote_of("archive", &archive, &connection, false)?;
            let b = bar("sweeping");
            let r = replica::sweep::sweep(
                &replica::client(&from)?,
                &replica::client(&to)?,
                &on_step(&b),
            );
            b.finish_and_clear();
            let r = r.map_err(|e| match e {
                replica::sweep::SweepError::Inbox(e) => replica::remote_error(&inbox, e),
                replica::sweep::SweepError::Archive(e) => replica::remote_error(&archive, e),
            })?;
            if json {
                print_json(&r)?;
            } else {
                for (name, why) in &r.refused {
                    print(&format!(
                        "LEFT {}: {}\n",
                        Safe(name),
                        super::safe::worded(why)
                    ))?;
                }
                eprintln!(
                    "{}",
                    tr!(
                        "cli-swept",
                        objects = (r.copied as u64),
                        mib = format!("{:.1}", r.bytes as f64 / (1 << 20) as f64),
                        inbox = Safe(&inbox).to_string(),
                        archive = Safe(&archive).to_string(),
                        already = (r.already as u64)
                    )
                );
            }
            Ok(if r.refused.is_empty() { 0 } else { 1 })
        }
    }
}

fn rec_or(rec: &str) -> String {
    if rec.is_empty() {
        "(no record here)".into()
    } else {
        format!("record {rec}")
    }
}
