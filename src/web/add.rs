//! Adding a record from the browser: the form, and the upload streamed into sealing.
//!
//! The page's script sends one `multipart/form-data` request in a fixed order: the
//! metadata fields, then `parts`, a JSON list of `{"kind","name"}` (kind `testimony` or
//! `attachment`), then one file field per entry, in that order. Sealing starts when
//! `parts` arrives and reads each file as it comes; if the upload breaks off, or sends
//! other files than it announced, the read fails and nothing is added.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use tokio::sync::mpsc;

use super::pages;
use super::session::App;
use super::stream::{Incoming, Typed};
use super::{ctx, fail, Failure};
use crate::format::record::Metadata;
use crate::i18n::Lang;
use crate::tr_in;
use crate::vault::{NewRecord, PartInput};

/// Largest metadata field, and typed testimony.
const FIELD_MAX: usize = 64 * 1024;
const TYPED_MAX: usize = 4 * 1024 * 1024;
/// Files a record may have from the browser (the vault's own limit applies too).
const PARTS_MAX: usize = 256;

pub(crate) async fn form(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let l = c.lang;
    // Consent names contacts as the vault names them; a collector has none, and names them
    // as its organisation does.
    let contacts = match app.is_collector() {
        true => None,
        false => match super::blocking(&app, |v| v.contacts()).await {
            Ok(list) => Some(list.iter().map(|k| k.name.clone()).collect::<Vec<_>>()),
            Err(f) => return fail(&app, f),
        },
    };
    let consent = super::case::consent_fieldset(l, contacts.as_deref());
    let body = html! {
        h1 { (tr_in!(l, "web-add")) }
        form #add method="post" action="add" enctype="multipart/form-data" autocomplete="off"
            data-sealing=(tr_in!(l, "web-sealing")) data-not-added=(tr_in!(l, "web-not-added"))
            data-broke-off=(tr_in!(l, "web-broke-off")) data-bytes=(tr_in!(l, "web-bytes-unit")) {
            fieldset {
                legend { (tr_in!(l, "web-about-record")) }
                label for="title" { (tr_in!(l, "web-title-required")) }
                input #title name="title" required maxlength="4096" autocomplete="off";
                label for="tags" { (tr_in!(l, "web-tags-commas")) }
                input #tags name="tags" autocomplete="off";
                label for="witness" { (tr_in!(l, "web-witness-pseudonym")) }
                input #witness name="witness" autocomplete="off";
                label for="language" { (tr_in!(l, "web-field-language")) }
                input #language name="language" autocomplete="off";
                label for="place" { (tr_in!(l, "web-field-place")) }
                input #place name="place" autocomplete="off";
                label for="date" { (tr_in!(l, "web-field-date")) }
                input #date name="date" type="date";
                label for="interviewer" { (tr_in!(l, "web-field-interviewer")) }
                input #interviewer name="interviewer" autocomplete="off";
                label for="note" { (tr_in!(l, "web-field-note")) }
                textarea #note name="note" rows="2" autocomplete="off" {}
            }
            fieldset {
                legend { (tr_in!(l, "web-testimony")) }
                label for="testimony_text" { (tr_in!(l, "web-testimony-type")) }
                textarea #testimony_text name="testimony_text" rows="8" autocomplete="off" {}
                label for="testimony_file" { (tr_in!(l, "web-testimony-file")) }
                input #testimony_file type="file" name="testimony_file";
            }
            fieldset {
                legend { (tr_in!(l, "web-identity")) }
                label for="identity_text" { (tr_in!(l, "web-identity-what")) }
                textarea #identity_text name="identity_text" rows="3" autocomplete="off" {}
                p.hint { (tr_in!(l, "web-identity-hint")) }
            }
            (consent)
            fieldset {
                legend { (tr_in!(l, "web-attachments")) }
                label for="attachments" { (tr_in!(l, "web-attachments-what")) }
                input #attachments type="file" name="attachments" multiple;
                div #drop tabindex="0" role="button" aria-describedby="drop-hint" { (tr_in!(l, "web-drop")) }
                p #drop-hint.hint { (tr_in!(l, "web-drop-hint")) }
                ul #chosen aria-live="polite" {}
            }
            progress #progress max="100" value="0" hidden {}
            p #status role="status" {}
            noscript { p.error { (tr_in!(l, "web-add-noscript")) } }
            button type="submit" { (tr_in!(l, "web-seal")) }
        }
    };
    Html(pages::layout(&c, &tr_in!(l, "web-add"), body).into_string()).into_response()
}

#[derive(serde::Deserialize)]
struct Announced {
    kind: String,
    name: String,
}

/// The metadata fields and typed testimony read before `parts`.
#[derive(Default)]
struct Fields {
    meta: Metadata,
    typed: Option<zeroize::Zeroizing<Vec<u8>>>,
    identity: Option<zeroize::Zeroizing<Vec<u8>>>,
    /// The consent fields, by name (`share_with` repeated).
    consent: Vec<(String, String)>,
}

async fn field_text(
    f: axum::extract::multipart::Field<'_>,
    max: usize,
    l: Lang,
) -> Result<zeroize::Zeroizing<Vec<u8>>, Failure> {
    let mut f = f;
    let mut out = zeroize::Zeroizing::new(Vec::new());
    while let Some(chunk) = f.chunk().await.map_err(|e| Failure::Bad(e.to_string()))? {
        if out.len() + chunk.len() > max {
            let kib = (max / 1024) as u64;
            return Err(Failure::Bad(tr_in!(l, "web-field-too-long", kib = kib)));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn utf8(b: &[u8], l: Lang) -> Result<Option<String>, Failure> {
    let s = std::str::from_utf8(b)
        .map_err(|_| Failure::Bad(tr_in!(l, "web-field-not-utf8")))?
        .trim();
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

pub(crate) async fn upload(State(app): State<Arc<App>>, mut mp: Multipart) -> Response {
    // The page's script sent this: a redirect to the unlock form would look like success.
    let locked = || {
        (
            StatusCode::UNAUTHORIZED,
            Html(html! { p.error { (tr_in!(app.lang(), "web-add-locked")) } }.into_string()),
        )
            .into_response()
    };
    if !app.is_open() {
        return locked();
    }
    match receive(&app, &mut mp).await {
        Err(Failure::Unavailable(super::session::Unavailable::Locked)) => locked(),
        // A collector cannot open what it sealed: it goes back to the list.
        Ok(id) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            serde_json::json!({
                "id": id,
                "next": if app.is_collector() { "records".to_owned() } else { format!("records/{id}") },
            })
            .to_string(),
        )
            .into_response(),
        Err(f) => fail(&app, f),
    }
}

async fn receive(app: &Arc<App>, mp: &mut Multipart) -> Result<String, Failure> {
    let l = app.lang();
    let bad = |e: axum::extract::multipart::MultipartError| Failure::Bad(e.body_text());
    let mut fields = Fields::default();
    let announced: Vec<Announced> = loop {
        let Some(f) = mp.next_field().await.map_err(bad)? else {
            return Err(Failure::Bad(tr_in!(app.lang(), "web-upload-cut")));
        };
        let name = f.name().unwrap_or("").to_owned();
        let max = if name == "identity_text" {
            crate::vault::add::MAX_IDENTITY
        } else if name == "testimony_text" {
            TYPED_MAX
        } else {
            FIELD_MAX
        };
        let value = field_text(f, max, app.lang()).await?;
        let m = &mut fields.meta;
        match name.as_str() {
            "title" => m.title = utf8(&value, l)?.unwrap_or_default(),
            "tags" => {
                m.tags = utf8(&value, l)?
                    .map(|t| {
                        t.split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default()
            }
            "witness" => m.witness = utf8(&value, l)?,
            "language" => m.language = utf8(&value, l)?,
            "place" => m.place = utf8(&value, l)?,
            "date" => m.date = utf8(&value, l)?,
            "interviewer" => m.interviewer = utf8(&value, l)?,
            "note" => m.note = utf8(&value, l)?,
            "identity_text" => {
                fields.identity = utf8(&value, l)?.map(|s| zeroize::Zeroizing::new(s.into_bytes()))
            }
            "consent" | "share_with" | "consent_how" | "consent_date" | "consent_by" => {
                let v = utf8(&value, l)?.unwrap_or_default();
                fields.consent.push((name.clone(), v));
            }
            "testimony_text" => {
                fields.typed = utf8(&value, l)?.map(|s| zeroize::Zeroizing::new(s.into_bytes()))
            }
            "parts" => {
                break serde_json::from_slice(&value).map_err(|e| {
                    Failure::Bad(tr_in!(
                        l,
                        "web-files-malformed",
                        why = pages::iso(e.to_string())
                    ))
                })?
            }
            other => {
                let field = pages::iso(format!("{other:?}"));
                return Err(Failure::Bad(tr_in!(l, "web-unknown-field", field = field)));
            }
        }
    };
    fields
        .meta
        .validate()
        .map_err(|e| Failure::Bad(crate::i18n::errors::message_isolated(l, &e)))?;
    let mut case = crate::format::case::Case::default();
    case.consent = super::case::consent_of(&fields.consent, l)?;
    check_announced(&announced, fields.typed.is_some(), app.lang())?;
    if announced.is_empty() && !matches!(mp.next_field().await, Ok(None)) {
        return Err(Failure::Bad(tr_in!(app.lang(), "web-upload-unannounced")));
    }
    let Ok(permit) = app.transfers.clone().try_acquire_owned() else {
        return Err(Failure::Busy);
    };
    let (rec, senders) = record(fields, case, &announced, app);
    let a = app.clone();
    let sealing = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        a.with_vault(|v| v.add(rec))
    });
    pump(mp, senders).await;
    let added = sealing.await;
    app.drop_listed();
    match added {
        Ok(Ok(Ok(id))) => Ok(id.to_hex()),
        Ok(Ok(Err(e))) => Err(Failure::Vault(e)),
        Ok(Err(u)) => Err(Failure::Unavailable(u)),
        Err(_) => Err(Failure::Bad(tr_in!(app.lang(), "web-sealing-stopped"))),
    }
}

fn check_announced(parts: &[Announced], typed: bool, l: Lang) -> Result<(), Failure> {
    let testimonies = parts.iter().filter(|p| p.kind == "testimony").count();
    if testimonies + usize::from(typed) > 1 {
        return Err(Failure::Bad(tr_in!(l, "web-one-testimony")));
    }
    if parts.len() > PARTS_MAX {
        let max = PARTS_MAX as u64;
        return Err(Failure::Bad(tr_in!(l, "web-too-many-files", max = max)));
    }
    for p in parts {
        if p.kind != "testimony" && p.kind != "attachment" {
            let kind = pages::iso(format!("{:?}", p.kind));
            return Err(Failure::Bad(tr_in!(l, "web-unknown-kind", kind = kind)));
        }
        if p.name.is_empty() || p.name.len() > 255 || p.name.contains(['/', '\0']) {
            let name = pages::iso(format!("{:?}", p.name));
            return Err(Failure::Bad(tr_in!(l, "web-bad-file-name", name = name)));
        }
    }
    if parts.first().is_some_and(|p| p.kind != "testimony") && testimonies > 0 {
        return Err(Failure::Bad(tr_in!(l, "web-testimony-first")));
    }
    Ok(())
}

type Senders = Vec<mpsc::Sender<std::io::Result<axum::body::Bytes>>>;

/// The record to seal, its files read from channels that [`pump`] fills.
fn record(
    fields: Fields,
    case: crate::format::case::Case,
    parts: &[Announced],
    app: &Arc<App>,
) -> (NewRecord, Senders) {
    let mut senders = Vec::new();
    let mut testimony = fields.typed.map(|t| PartInput::Reader {
        name: "testimony.txt".into(),
        reader: Box::new(Typed::new(t)),
    });
    let mut attachments = Vec::new();
    for p in parts {
        let (tx, rx) = mpsc::channel(8);
        senders.push(tx);
        let input = PartInput::Reader {
            name: p.name.clone(),
            reader: Box::new(Incoming::new(rx, app.clone())),
        };
        if p.kind == "testimony" {
            testimony = Some(input);
        } else {
            attachments.push(input);
        }
    }
    let rec = NewRecord {
        meta: fields.meta,
        testimony,
        attachments,
        identity: fields.identity.map(|t| PartInput::Reader {
            name: "identity".into(),
            reader: Box::new(Typed::new(t)),
        }),
        person_identities: vec![],
        case,
    };
    (rec, senders)
}

/// Feeds each announced file to its reader as it arrives. Whatever goes wrong (a file
/// missing, one too many, a name that differs, the connection lost) is sent to the reader
/// being fed, or the next, before its end: sealing fails, and nothing is added.
async fn pump(mp: &mut Multipart, senders: Senders) {
    let mut senders = senders.into_iter();
    let mut current = senders.next();
    let mut i = 0;
    let fault = |why: String| Err(std::io::Error::other(why));
    let mut field = mp.next_field().await;
    while let Some(tx) = current.take() {
        let f = match field {
            Ok(Some(f)) => f,
            Ok(None) => {
                let _ = tx
                    .send(fault("the upload ended before every file arrived".into()))
                    .await;
                return;
            }
            Err(e) => {
                let _ = tx.send(fault(e.body_text())).await;
                return;
            }
        };
        // Files are matched by their field's name (the page's script names them): the name
        // a browser writes in the part's header is not always the file's own (Chromium
        // escapes quotes and line breaks in it), so it is not compared.
        if f.name() != Some(format!("file{i}").as_str()) {
            let _ = tx
                .send(fault(
                    "the upload sent other files than it announced".into(),
                ))
                .await;
            return;
        }
        let mut f = f;
        loop {
            match f.chunk().await {
                Ok(Some(c)) => {
                    if tx.send(Ok(c)).await.is_err() {
                        return; // sealing stopped: its error is the answer
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(fault(e.body_text())).await;
                    return;
                }
            }
        }
        drop(f);
        // The file is whole only if what follows is what was announced.
        field = mp.next_field().await;
        i += 1;
        let next = senders.next();
        let last = next.is_none();
        if last && !matches!(field, Ok(None)) {
            let _ = tx
                .send(fault("the upload sent more files than it announced".into()))
                .await;
            return;
        }
        drop(tx);
        current = next;
    }
}
