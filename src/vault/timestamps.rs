//! Time-stamp authorities and the tokens they give over the custody log (FORMAT.md 12.1
//! and 14.6). A token names the root of a Merkle tree over the log's events and their
//! signatures; it is checked against the authority's certificate before it is stored, in
//! a `timestamped` event, so a seized key cannot later claim that history is older than it
//! is, nor that events after the token came before it.
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::symmetric::Domain;
use crate::crypto::{random_bytes, sshkey, tsp};
use crate::error::{Error, Result, Words};
use crate::format::event::{Event, Happened, Kept, Kind};
use crate::format::stamp::{self, rfc3339, Stamp, Tree};
use crate::vault::custody::LogBatch;
use crate::vault::Vault;
use crate::words;

/// The version byte of an authority's entry in the `contacts` tree (a contact's is 1).
const TSA_VERSION: u8 = 2;
/// How long an authority may take to answer, unless it was added with another limit.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
/// The largest answer read from an authority (a token is at most 32 KiB).
const MAX_ANSWER: u64 = 64 << 10;

/// A time-stamp authority this vault asks, and trusts for the tokens it gives.
#[derive(Clone, Serialize, Deserialize, Debug, PartialEq, Eq)]
pub struct Tsa {
    pub name: String,
    pub url: String,
    /// DER certificates: the authority's own or its CA's. A token's signer must be one of
    /// them or be issued by one.
    pub certificates: Vec<Vec<u8>>,
    /// Seconds to wait for an answer.
    pub timeout: u64,
    /// When it was added (Unix seconds).
    pub added: i64,
}

impl Tsa {
    /// The subjects of its certificates, for messages.
    pub fn subjects(&self) -> Vec<String> {
        self.certificates.iter().map(|c| tsp::subject(c)).collect()
    }
}

/// What asking one authority came to.
#[derive(Clone, Debug, Serialize)]
pub struct Asked {
    pub tsa: String,
    /// The authority's time, if it gave a token that verified and was stored.
    pub time: Option<String>,
    /// Who signed it.
    pub authority: Option<String>,
    /// Why there is no token.
    pub failed: Option<Words>,
}

/// Tokens asked for and checked, not yet in the log; and the log's tree and tokens as they
/// were when they were asked for.
pub(crate) struct Pending {
    pub tree: Tree,
    pub stamps: Vec<Stamp>,
    root: [u8; 32],
    signer: String,
    got: Vec<(Tsa, Vec<u8>, String)>,
    pub report: Timestamping,
}

/// What `timestamp` did.
#[derive(Clone, Debug, Serialize)]
pub struct Timestamping {
    /// How many events, from the first, the new tokens cover.
    pub events: u64,
    /// The tokens asked for; empty when the log was already covered.
    pub asked: Vec<Asked>,
    /// The newest token, when nothing new needed one.
    pub already: Option<String>,
}

fn valid_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        let name = format!("{name:?}");
        return Err(Error::Invalid(words!("d-stamp-name", name = name)));
    }
    Ok(())
}

fn valid_url(url: &str) -> Result<()> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() <= 2000
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    if !ok {
        let url = format!("{url:?}");
        return Err(Error::Invalid(words!("d-stamp-url", url = url)));
    }
    Ok(())
}

impl Vault {
    /// Every configured authority, by name.
    pub fn tsas(&self) -> Result<Vec<Tsa>> {
        let key = &self.keyring.catalog_key;
        let mut out: Vec<Tsa> = Vec::new();
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let plain = key
                .open(Domain::Contact, &k, &v)
                .map_err(|_| Error::VaultDamaged(words!("d-stamp-entry-authenticate")))?;
            if let Some((&TSA_VERSION, rest)) = plain.split_first() {
                out.push(
                    postcard::from_bytes(rest)
                        .map_err(|_| Error::VaultDamaged(words!("d-stamp-entry-decode")))?,
                );
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Adds an authority, trusting the certificates in `certificate_file` (PEM or DER) for
    /// its tokens. Nothing is asked of it yet.
    pub fn tsa_add(
        &self,
        name: &str,
        url: &str,
        certificate_file: &[u8],
        timeout: u64,
    ) -> Result<Tsa> {
        valid_name(name)?;
        valid_url(url)?;
        if !(1..=600).contains(&timeout) {
            return Err(Error::Invalid(words!("d-stamp-timeout")));
        }
        let quoted = format!("{name:?}");
        let certificates = tsp::certificates(certificate_file).map_err(|e| {
            Error::Invalid(words!("d-stamp-certificate", name = &quoted, why = e.0))
        })?;
        if self.tsas()?.iter().any(|t| t.name == name) {
            return Err(Error::Invalid(words!("d-stamp-exists", name = quoted)));
        }
        let tsa = Tsa {
            name: name.to_owned(),
            url: url.to_owned(),
            certificates,
            timeout,
            added: jiff::Timestamp::now().as_second(),
        };
        use base64::Engine;
        let id: [u8; 16] = random_bytes();
        let mut plain = Zeroizing::new(vec![TSA_VERSION]);
        plain.extend_from_slice(&postcard::to_allocvec(&tsa).expect("authorities serialize"));
        let sealed = self.keyring.catalog_key.seal(Domain::Contact, &id, &plain);
        let mut log = self.log();
        log.append(
            Happened::TsaAdded {},
            None,
            Some(Kept::TsaAdded {
                tsa: tsa.name.clone(),
                url: tsa.url.clone(),
                certificates: tsa
                    .certificates
                    .iter()
                    .map(|c| base64::engine::general_purpose::STANDARD.encode(c))
                    .collect(),
            }),
        )?;
        self.contact_write(log, &id, Some(sealed))?;
        Ok(tsa)
    }

    /// Removes the authority called `name`. Tokens it gave stay in the log.
    pub fn tsa_remove(&self, name: &str) -> Result<()> {
        let key = &self.keyring.catalog_key;
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let Ok(plain) = key.open(Domain::Contact, &k, &v) else {
                continue;
            };
            let Some((&TSA_VERSION, rest)) = plain.split_first() else {
                continue;
            };
            let Ok(t) = postcard::from_bytes::<Tsa>(rest) else {
                continue;
            };
            if t.name == name {
                let mut log = self.log();
                log.append(
                    Happened::TsaRemoved {},
                    None,
                    Some(Kept::TsaRemoved { tsa: t.name }),
                )?;
                return self.contact_write(log, &k, None);
            }
        }
        let name = format!("{name:?}");
        Err(Error::Invalid(words!("d-stamp-none", name = name)))
    }

    /// The Merkle tree over every event of the log and its signatures, every
    /// `timestamped` event, in order,
    /// and the certificates of every authority the log says was added.
    pub fn log_tree(&self) -> Result<(Tree, Vec<Stamp>, Vec<Vec<u8>>)> {
        let key = &self.keyring.audit_key;
        let mut leaves = Vec::new();
        let mut stamps = Vec::new();
        let mut certs = Vec::new();
        for kv in self.store.audit().iter() {
            let (k, v) = kv?;
            let s = super::custody::open_stored(key, &k, &v)?;
            let entry = s.entry()?;
            let seq = leaves.len() as u64;
            let ev = Event::parse(&s.event);
            if let Some(ev) = ev.as_ref().filter(|e| e.kind == Kind::Timestamped) {
                stamps.push(
                    Stamp::of(seq, ev).ok_or_else(|| {
                        Error::VaultDamaged(words!("d-stamp-malformed", seq = seq))
                    })?,
                );
            }
            if ev.is_some_and(|e| e.kind == Kind::TsaAdded) {
                certs.extend(stamp::added_certificates(
                    s.private.as_ref().map(|p| p.text.as_str()),
                ));
            }
            leaves.push(stamp::leaf(&entry));
        }
        Ok((Tree::new(leaves), stamps, certs))
    }

    /// Asks every configured authority (or only the one named or at the address `only`)
    /// for a token over the log as it is, checks each token against the authority's
    /// certificates and stores those that verify, each in a `timestamped` event. Without
    /// `only`, nothing is asked when every event is already covered but the
    /// `timestamped` events after the newest covered one.
    pub fn timestamp(&self, only: Option<&str>) -> Result<Timestamping> {
        let pending = self.ask_for_stamps(only)?;
        if !pending.got.is_empty() {
            let mut log = self.log();
            self.append_stamps(&pending, &mut log)?;
            log.commit()?;
        }
        Ok(pending.report)
    }

    /// [`Vault::timestamp`] up to the tokens, checked, that are to be stored: nothing is
    /// written, so an export can store them with its own events, or not at all if it fails.
    pub(crate) fn ask_for_stamps(&self, only: Option<&str>) -> Result<Pending> {
        let tsas: Vec<Tsa> = self
            .tsas()?
            .into_iter()
            .filter(|t| only.is_none_or(|o| t.name == o || t.url == o))
            .collect();
        if tsas.is_empty() {
            return Err(Error::Invalid(match only {
                Some(o) => words!("d-stamp-none-at", name = format!("{o:?}")),
                None => words!("d-stamp-none-configured"),
            }));
        }
        let (tree, stamps, added) = self.log_tree()?;
        let events = tree.len();
        let signer = sshkey::ed25519_line(&self.keyring.signing_public);
        let root = tree.root(events);
        let mut pending = Pending {
            tree,
            stamps,
            root,
            signer,
            got: Vec::new(),
            report: Timestamping {
                events,
                asked: vec![],
                already: None,
            },
        };
        if let (None, Some(last)) = (only, pending.stamps.last()) {
            let after = pending
                .stamps
                .iter()
                .filter(|s| s.seq >= last.events)
                .count() as u64;
            if last.events + after == events {
                pending.report.events = last.events;
                pending.report.already = Some(last.time.clone());
                return Ok(pending);
            }
        }
        let statement = stamp::statement(&pending.signer, events, &root);
        let imprint = crate::crypto::seal::sha256(statement.as_bytes());
        // The newest token that proves anything here (an untrusted one, or one of an
        // authority removed since, must not block the others).
        let mut trusted = self.trusted_certificates()?;
        trusted.extend(added);
        let newest = pending
            .stamps
            .iter()
            .filter_map(|s| {
                tsp::verify(
                    &s.token,
                    &crate::crypto::seal::sha256(s.statement().as_bytes()),
                    &trusted,
                )
                .ok()
                .filter(|p| p.trusted)
            })
            .map(|p| p.time)
            .max();
        let skew = super::custody::CLOCK_SKEW_SECS;
        let minutes = skew.unsigned_abs() / 60;
        let now = jiff::Timestamp::now().as_second();
        for t in &tsas {
            match ask(t, &imprint).and_then(|(token, proven)| match newest {
                Some(n) if proven.time < n - skew => Err(words!(
                    "d-stamp-before-newest",
                    time = rfc3339(proven.time),
                    minutes = minutes,
                    newest = rfc3339(n)
                )),
                _ if proven.time > now + skew => Err(words!(
                    "d-stamp-after-clock",
                    time = rfc3339(proven.time),
                    minutes = minutes,
                    now = rfc3339(now)
                )),
                _ => Ok((token, proven)),
            }) {
                Ok((token, proven)) => {
                    let time = rfc3339(proven.time);
                    pending.report.asked.push(Asked {
                        tsa: t.name.clone(),
                        time: Some(time.clone()),
                        authority: Some(proven.authority),
                        failed: None,
                    });
                    pending.got.push((t.clone(), token, time));
                }
                Err(why) => pending.report.asked.push(Asked {
                    tsa: t.name.clone(),
                    time: None,
                    authority: None,
                    failed: Some(why),
                }),
            }
        }
        Ok(pending)
    }

    /// Appends the tokens of `pending` to `log`, which must be where they were asked
    /// (nothing appended since), and returns them as the log will hold them.
    pub(crate) fn append_stamps(
        &self,
        pending: &Pending,
        log: &mut LogBatch<'_>,
    ) -> Result<Vec<Stamp>> {
        use base64::Engine;
        let events = pending.report.events;
        if log.next_seq() != events && !pending.got.is_empty() {
            return Err(Error::Invalid(words!("d-stamp-log-changed")));
        }
        let mut out = Vec::new();
        for (t, token, time) in &pending.got {
            out.push(Stamp {
                seq: log.next_seq(),
                events,
                root: pending.root,
                time: time.clone(),
                token: token.clone(),
                signer: pending.signer.clone(),
            });
            log.append(
                Happened::Timestamped {
                    events,
                    root: hex::encode(pending.root),
                    time: time.clone(),
                    token: base64::engine::general_purpose::STANDARD.encode(token),
                },
                None,
                Some(Kept::Tsa {
                    tsa: t.name.clone(),
                    url: t.url.clone(),
                }),
            )?;
        }
        Ok(out)
    }

    /// Every certificate of every configured authority: what tokens are checked against.
    pub fn trusted_certificates(&self) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .tsas()?
            .into_iter()
            .flat_map(|t| t.certificates)
            .collect())
    }
}

/// Asks `tsa` for a token over `imprint` and checks it: the answer must grant it, for this
/// request, and it must verify and lead to the authority's certificates.
fn ask(tsa: &Tsa, imprint: &[u8; 32]) -> std::result::Result<(Vec<u8>, tsp::Proven), Words> {
    let nonce: [u8; 8] = random_bytes();
    let request = tsp::request(imprint, &nonce);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(tsa.timeout)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut resp = agent
        .post(&tsa.url)
        .header("Content-Type", "application/timestamp-query")
        .send(&request[..])
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => words!("d-stamp-no-answer", seconds = tsa.timeout),
            e => words!("d-stamp-unreachable", why = e.to_string()),
        })?;
    if resp.status() != 200 {
        return Err(words!("d-stamp-http", status = resp.status().to_string()));
    }
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => words!("d-stamp-no-answer", seconds = tsa.timeout),
            e => words!("d-stamp-unreadable", why = e.to_string()),
        })?;
    let token = tsp::token_of_response(&body, imprint, &nonce).map_err(|e| e.0)?;
    let proven = tsp::verify(&token, imprint, &tsa.certificates).map_err(|e| e.0)?;
    if !proven.trusted {
        return Err(words!(
            "d-stamp-untrusted",
            authority = format!("{:?}", proven.authority),
            subjects = tsa.subjects().join("; ")
        ));
    }
    Ok((token, proven))
}
