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
use crate::vault::{NewRecord, PartInput};

/// Largest metadata field, and typed testimony.
const FIELD_MAX: usize = 64 * 1024;
const TYPED_MAX: usize = 4 * 1024 * 1024;
/// Files a record may have from the browser (the vault's own limit applies too).
const PARTS_MAX: usize = 256;

pub(crate) async fn form(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let body = html! {
        h1 { "Add a record" }
        form #add method="post" action="add" enctype="multipart/form-data" autocomplete="off" {
            fieldset {
                legend { "About the record" }
                label for="title" { "Title (required)" }
                input #title name="title" required maxlength="4096" autocomplete="off";
                label for="tags" { "Tags, separated by commas" }
                input #tags name="tags" autocomplete="off";
                label for="witness" { "Witness code (a pseudonym, never a name)" }
                input #witness name="witness" autocomplete="off";
                label for="language" { "Language" }
                input #language name="language" autocomplete="off";
                label for="place" { "Place" }
                input #place name="place" autocomplete="off";
                label for="date" { "Interview date" }
                input #date name="date" type="date";
                label for="interviewer" { "Interviewer" }
                input #interviewer name="interviewer" autocomplete="off";
                label for="note" { "Note" }
                textarea #note name="note" rows="2" autocomplete="off" {}
            }
            fieldset {
                legend { "Testimony" }
                label for="testimony_text" { "Type or paste the testimony" }
                textarea #testimony_text name="testimony_text" rows="8" autocomplete="off" {}
                label for="testimony_file" { "…or choose its file" }
                input #testimony_file type="file" name="testimony_file";
            }
            fieldset {
                legend { "Who the witness is" }
                label for="identity_text" { "Name and how to reach them: sealed to the identity custodians only, never shown here" }
                textarea #identity_text name="identity_text" rows="3" autocomplete="off" {}
                p.hint { "Records of one witness are linked by the witness code; leave the code empty to have one made." }
            }
            fieldset {
                legend { "Attachments" }
                label for="attachments" { "Recordings, scans, documents" }
                input #attachments type="file" name="attachments" multiple;
                div #drop tabindex="0" role="button" aria-describedby="drop-hint" { "Or drop files here" }
                p #drop-hint.hint { "Files are sealed as they arrive; nothing readable is written to the disk." }
                ul #chosen aria-live="polite" {}
            }
            progress #progress max="100" value="0" hidden {}
            p #status role="status" {}
            noscript { p.error { "Adding a record needs this page's script (served by Amanat itself, nothing from elsewhere)." } }
            button type="submit" { "Seal the record" }
        }
    };
    Html(pages::layout(&c, "Add a record", body).into_string()).into_response()
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
}

async fn field_text(
    f: axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<zeroize::Zeroizing<Vec<u8>>, Failure> {
    let mut f = f;
    let mut out = zeroize::Zeroizing::new(Vec::new());
    while let Some(chunk) = f.chunk().await.map_err(|e| Failure::Bad(e.to_string()))? {
        if out.len() + chunk.len() > max {
            return Err(Failure::Bad(format!(
                "a field is longer than {} KiB",
                max / 1024
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn utf8(b: &[u8]) -> Result<Option<String>, Failure> {
    let s = std::str::from_utf8(b)
        .map_err(|_| Failure::Bad("a field is not UTF-8 text".into()))?
        .trim();
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

pub(crate) async fn upload(State(app): State<Arc<App>>, mut mp: Multipart) -> Response {
    // The page's script sent this: a redirect to the unlock form would look like success.
    let locked = || {
        (
            StatusCode::UNAUTHORIZED,
            Html(
                html! { p.error { "Not added: the vault was locked. Unlock it and add the record again." } }
                    .into_string(),
            ),
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
    let bad = |e: axum::extract::multipart::MultipartError| Failure::Bad(e.body_text());
    let mut fields = Fields::default();
    let announced: Vec<Announced> = loop {
        let Some(f) = mp.next_field().await.map_err(bad)? else {
            return Err(Failure::Bad(
                "the upload ended before its list of files".into(),
            ));
        };
        let name = f.name().unwrap_or("").to_owned();
        let max = if name == "identity_text" {
            crate::vault::add::MAX_IDENTITY
        } else if name == "testimony_text" {
            TYPED_MAX
        } else {
            FIELD_MAX
        };
        let value = field_text(f, max).await?;
        let m = &mut fields.meta;
        match name.as_str() {
            "title" => m.title = utf8(&value)?.unwrap_or_default(),
            "tags" => {
                m.tags = utf8(&value)?
                    .map(|t| {
                        t.split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect()
                    })
                    .unwrap_or_default()
            }
            "witness" => m.witness = utf8(&value)?,
            "language" => m.language = utf8(&value)?,
            "place" => m.place = utf8(&value)?,
            "date" => m.date = utf8(&value)?,
            "interviewer" => m.interviewer = utf8(&value)?,
            "note" => m.note = utf8(&value)?,
            "identity_text" => {
                fields.identity = utf8(&value)?.map(|s| zeroize::Zeroizing::new(s.into_bytes()))
            }
            "testimony_text" => {
                fields.typed = utf8(&value)?.map(|s| zeroize::Zeroizing::new(s.into_bytes()))
            }
            "parts" => {
                break serde_json::from_slice(&value)
                    .map_err(|e| Failure::Bad(format!("the list of files is malformed: {e}")))?
            }
            other => return Err(Failure::Bad(format!("an unknown field {other:?}"))),
        }
    };
    fields
        .meta
        .validate()
        .map_err(|e| Failure::Bad(e.to_string()))?;
    check_announced(&announced, fields.typed.is_some())?;
    if announced.is_empty() && !matches!(mp.next_field().await, Ok(None)) {
        return Err(Failure::Bad(
            "the upload sent files it did not announce".into(),
        ));
    }
    let Ok(permit) = app.transfers.clone().try_acquire_owned() else {
        return Err(Failure::Busy);
    };
    let (rec, senders) = record(fields, &announced, app);
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
        Err(_) => Err(Failure::Bad("sealing stopped".into())),
    }
}

fn check_announced(parts: &[Announced], typed: bool) -> Result<(), Failure> {
    let testimonies = parts.iter().filter(|p| p.kind == "testimony").count();
    if testimonies + usize::from(typed) > 1 {
        return Err(Failure::Bad(
            "a record has one testimony: type it or choose its file, not both".into(),
        ));
    }
    if parts.len() > PARTS_MAX {
        return Err(Failure::Bad(format!("more than {PARTS_MAX} files")));
    }
    for p in parts {
        if p.kind != "testimony" && p.kind != "attachment" {
            return Err(Failure::Bad(format!("a file of unknown kind {:?}", p.kind)));
        }
        if p.name.is_empty() || p.name.len() > 255 || p.name.contains(['/', '\0']) {
            return Err(Failure::Bad(format!(
                "a file name the vault cannot keep: {:?}",
                p.name
            )));
        }
    }
    if parts.first().is_some_and(|p| p.kind != "testimony") && testimonies > 0 {
        return Err(Failure::Bad("the testimony's file comes first".into()));
    }
    Ok(())
}

type Senders = Vec<mpsc::Sender<std::io::Result<axum::body::Bytes>>>;

/// The record to seal, its files read from channels that [`pump`] fills.
fn record(fields: Fields, parts: &[Announced], app: &Arc<App>) -> (NewRecord, Senders) {
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
