//! Sharing and receiving: contacts, a bundle exported for a contact and downloaded from
//! here, and a bundle uploaded to verify and then import. Bundles are ciphertext; between
//! the two requests each is kept in the vault's `tmp/` (which the next open empties if the
//! server stops), under a random name the page carries, and removed once downloaded or
//! imported.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};

use super::pages::{self, size, text_in};
use super::session::App;
use super::stream::Incoming;
use super::{blocking, ctx, fail, Failure};
use crate::bundle::{ExportOptions, ExportReport, ImportOptions, ImportReport, Selection};
use crate::i18n::Lang;
use crate::tr_in;

/// The fields of a urlencoded form, repeated names kept (the records ticked for export).
pub(crate) fn fields(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

pub(crate) async fn contacts(State(app): State<Arc<App>>) -> Response {
    match blocking(&app, |v| v.contacts()).await {
        Ok(list) => {
            let c = ctx(&app);
            let l = c.lang;
            let text = |s: &str| text_in(l, s);
            let body = html! {
                h1 { (tr_in!(l, "web-contacts")) }
                @if list.is_empty() { p { (tr_in!(l, "web-no-contacts")) } }
                @else {
                    table {
                        thead { tr { th scope="col" { (tr_in!(l, "web-name")) } th scope="col" { (tr_in!(l, "web-sealed-to")) } th scope="col" { (tr_in!(l, "web-signs-with")) } th {} } }
                        tbody { @for k in &list { tr {
                            td { (text(&k.name)) }
                            td { @for r in &k.recipients { code.hash { (text(r)) } br; } }
                            td { @if let Some(s) = &k.signing_key { code.hash { (text(s)) } } }
                            td { form method="post" action={ "contacts/remove?csrf=" (c.csrf) } {
                                input type="hidden" name="name" value=(k.name);
                                button type="submit" aria-label=(tr_in!(l, "web-remove-one", name = pages::plain(&k.name))) { (tr_in!(l, "web-remove")) }
                            } }
                        } } }
                    }
                }
                h2 { (tr_in!(l, "web-add-contact")) }
                form method="post" action={ "contacts?csrf=" (c.csrf) } autocomplete="off" {
                    label for="name" { (tr_in!(l, "web-name")) }
                    input #name name="name" required autocomplete="off";
                    label for="recipient" { (tr_in!(l, "web-their-recipient")) }
                    input #recipient name="recipient" autocomplete="off";
                    label for="signing" { (tr_in!(l, "web-their-signing-key")) }
                    input #signing name="signing" autocomplete="off";
                    button type="submit" { (tr_in!(l, "web-add-button")) }
                }
            };
            Html(pages::layout(&c, &tr_in!(l, "web-contacts"), body).into_string()).into_response()
        }
        Err(f) => fail(&app, f),
    }
}

pub(crate) async fn contact_add(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let f = fields(&body);
    let name = field(&f, "name").unwrap_or("").to_owned();
    let recipients: Vec<String> = field(&f, "recipient")
        .map(str::to_owned)
        .into_iter()
        .collect();
    let signing = field(&f, "signing").map(str::to_owned);
    match blocking(&app, move |v| {
        v.contact_add(&name, &recipients, signing.as_deref())
    })
    .await
    {
        Ok(_) => Redirect::to(&format!("{}/contacts", app.base)).into_response(),
        Err(f) => fail(&app, f),
    }
}

pub(crate) async fn contact_remove(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let f = fields(&body);
    let name = field(&f, "name").unwrap_or("").to_owned();
    match blocking(&app, move |v| v.contact_remove(&name)).await {
        Ok(()) => Redirect::to(&format!("{}/contacts", app.base)).into_response(),
        Err(f) => fail(&app, f),
    }
}

/// A new name in the vault's `tmp/` for a bundle between two requests.
fn held(root: &std::path::Path) -> (String, PathBuf) {
    let token = hex::encode(crate::crypto::random_bytes::<16>());
    let path = root.join("tmp").join(format!("web-bundle-{token}"));
    (token, path)
}

/// The ticked records to the chosen contact: the report, and the bundle to download.
pub(crate) async fn export(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let ids: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .collect();
    let Some(to) = field(&f, "to").map(str::to_owned) else {
        return fail(&app, Failure::Bad(tr_in!(app.lang(), "web-choose-contact")));
    };
    if ids.is_empty() {
        return fail(&app, Failure::Bad(tr_in!(app.lang(), "web-tick-records")));
    }
    let opts = ExportOptions {
        override_consent: None,
        csv: field(&f, "csv").is_some(),
        to,
        selection: Selection::Ids(ids),
        with_identities: false,
        keep_metadata: field(&f, "keep_metadata").is_some(),
        with_ocr: field(&f, "with_ocr").is_some(),
    };
    let a = app.clone();
    let r = blocking(&app, move |v| {
        let (token, path) = held(&v.paths().root);
        let report = v.export(&opts, &path)?;
        a.hold(token.clone(), path);
        Ok((token, report))
    })
    .await;
    match r {
        Ok((token, report)) => {
            // Sent by htmx, which swaps it into the page: no navigation, so no browser keeps
            // which records went to whom in its session files.
            let l = app.lang();
            if headers.contains_key("hx-request") {
                return Html(exported(&token, &report, l).into_string()).into_response();
            }
            // Without the page's script: shown by a redirect, for the same reason.
            app.notes()
                .put("exported", exported(&token, &report, l).into_string());
            Redirect::to(&format!("{}/exported", app.base)).into_response()
        }
        Err(f) => fail(&app, f),
    }
}

fn exported(token: &str, r: &ExportReport, l: Lang) -> Markup {
    let text = |s: &str| text_in(l, s);
    html! {
        h1 { (tr_in!(l, "web-bundle-ready")) }
        p { (tr_in!(l, "web-bundle-summary", records = (r.records as u64), files = (r.files as u64), size = pages::iso(size(l, r.bytes)))) }
        p { (tr_in!(l, "web-bundle-sha256")) " " code.hash { (r.sha256) } }
        @if !r.cleaned.is_empty() {
            p { (tr_in!(l, "web-metadata-removed")) " " @for (i, (_, n)) in r.cleaned.iter().enumerate() { @if i > 0 { ", " } (text(n)) } }
        }
        @if !r.not_cleaned.is_empty() {
            p.error role="alert" { (tr_in!(l, "web-metadata-kept")) " "
                @for (i, (_, n, fmt)) in r.not_cleaned.iter().enumerate() { @if i > 0 { ", " } (text(n)) " (" (fmt) ")" } }
        }
        @if !r.mentions_witness_code.is_empty() {
            p.error role="alert" { (tr_in!(l, "web-mentions-witness")) " "
                @for (i, (_, n)) in r.mentions_witness_code.iter().enumerate() { @if i > 0 { ", " } (text(n)) } }
        }
        @if !r.metadata_mentions_code.is_empty() {
            p.error role="alert" { (tr_in!(l, "web-mentions-field")) " "
                @for (i, (_, f)) in r.metadata_mentions_code.iter().enumerate() { @if i > 0 { ", " } (f) } }
        }
        @if r.consent_unrecorded > 0 {
            p role="status" { (tr_in!(l, "web-consent-unrecorded", count = (r.consent_unrecorded as u64))) }
        }
        p { a href={ "bundles/" (token) } download { (tr_in!(l, "web-bundle-download")) } " " (tr_in!(l, "web-bundle-once")) }
    }
}

/// The report of the export a form without the page's script asked for, once.
pub(crate) async fn exported_page(State(app): State<Arc<App>>) -> Response {
    let Some(report) = app.notes().take("exported") else {
        return fail(&app, Failure::NotFound);
    };
    let c = ctx(&app);
    let title = tr_in!(c.lang, "web-bundle");
    Html(pages::layout(&c, &title, maud::PreEscaped(report)).into_string()).into_response()
}

/// The held file `token` names, streamed out and removed.
pub(crate) async fn bundle(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let Some(path) = app.take_held(&token) else {
        return fail(&app, Failure::NotFound);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(_) => return fail(&app, Failure::NotFound),
    };
    let Ok(permit) = app.transfers.clone().try_acquire_owned() else {
        app.hold(token, path);
        return fail(&app, Failure::Busy);
    };
    let rx = super::stream::produce(app.clone(), permit, move |out| {
        let mut file = file;
        let r = std::io::copy(&mut file, out).map(drop);
        let _ = std::fs::remove_file(&path);
        r.map_err(|e| e.to_string())
    });
    let mut res = Response::new(Body::from_stream(super::stream::body(rx)));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"amanat-bundle-{}.age\"",
        &token[..8]
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub(crate) async fn receive_form(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let l = c.lang;
    let body = html! {
        h1 { (tr_in!(l, "web-receive")) }
        form method="post" action={ "receive?csrf=" (c.csrf) } enctype="multipart/form-data" {
            label for="bundle" { (tr_in!(l, "web-receive-file")) }
            input #bundle type="file" name="bundle" required;
            button type="submit" { (tr_in!(l, "web-verify")) }
        }
        p.hint { (tr_in!(l, "web-receive-hint")) }
    };
    Html(pages::layout(&c, &tr_in!(l, "web-receive"), body).into_string()).into_response()
}

/// The uploaded bundle, kept (ciphertext) in `tmp/`, verified without importing.
pub(crate) async fn receive(State(app): State<Arc<App>>, mut mp: Multipart) -> Response {
    let field = match mp.next_field().await {
        Ok(Some(f)) if f.name() == Some("bundle") => f,
        _ => return fail(&app, Failure::Bad(tr_in!(app.lang(), "web-one-bundle"))),
    };
    let root = match blocking(&app, |v| Ok(v.paths().root.clone())).await {
        Ok(r) => r,
        Err(f) => return fail(&app, f),
    };
    let (token, path) = held(&root);
    let Ok(permit) = app.transfers.clone().try_acquire_owned() else {
        return fail(&app, Failure::Busy);
    };
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let p = path.clone();
    let a = app.clone();
    let writing = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let _permit = permit;
        let mut f = std::fs::File::create_new(&p)?;
        std::io::copy(&mut Incoming::new(rx, a), &mut f)?;
        f.sync_all()
    });
    let mut field = field;
    loop {
        match field.chunk().await {
            Ok(Some(c)) => {
                if tx.send(Ok(c)).await.is_err() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Err(std::io::Error::other(e.body_text()))).await;
                break;
            }
        }
    }
    drop(tx);
    if !matches!(writing.await, Ok(Ok(()))) {
        let _ = std::fs::remove_file(&path);
        return fail(&app, Failure::Bad(tr_in!(app.lang(), "web-bundle-partial")));
    }
    let p = path.clone();
    let r = blocking(&app, move |v| {
        v.import_bundle(&p, &import_options(true, false, false))
    })
    .await;
    match r {
        Ok(report) => {
            app.hold(token.clone(), path);
            let c = ctx(&app);
            let title = tr_in!(c.lang, "web-bundle");
            let page = verified(&token, &report, c.csrf, c.lang);
            Html(pages::layout(&c, &title, page).into_string()).into_response()
        }
        Err(f) => {
            let _ = std::fs::remove_file(&path);
            fail(&app, f)
        }
    }
}

fn import_options(dry_run: bool, trust_signer: bool, restore_removed: bool) -> ImportOptions {
    ImportOptions {
        from: None,
        trust_signer,
        dry_run,
        restore_removed,
    }
}

fn verified(token: &str, r: &ImportReport, csrf: &str, l: Lang) -> Markup {
    let text = |s: &str| text_in(l, s);
    html! {
        h1 { @if r.dry_run { (tr_in!(l, "web-bundle-verified")) } @else { (tr_in!(l, "web-bundle-imported")) } }
        p { (tr_in!(l, "web-signed-by")) " " (text(&r.contact)) " (" code { (r.signer) } ")"
            @if r.new_contact { ", " strong { (tr_in!(l, "web-not-a-contact")) } } ", " (tr_in!(l, "web-made-at", time = pages::iso(&r.created))) }
        @if let Some(d) = &r.already_imported { p { (tr_in!(l, "web-imported-before", date = pages::iso(d))) } }
        table.records {
            thead { tr { th scope="col" { (tr_in!(l, "web-col-record")) } th scope="col" { (tr_in!(l, "web-col-title")) } th scope="col" { (tr_in!(l, "web-col-witness")) } th scope="col" { (tr_in!(l, "web-parts")) } th scope="col" { (tr_in!(l, "web-col-custody-events")) } } }
            tbody { @for rec in &r.records { tr {
                td { code { (rec.id.get(..8).unwrap_or(&rec.id)) } @if rec.present { " (" (tr_in!(l, "web-already-here")) ")" } }
                td { (text(&rec.title)) }
                td { @if let Some(w) = &rec.witness { (text(w)) } }
                td { (rec.parts) ", " (size(l, rec.bytes)) }
                td { (tr_in!(l, "web-events-verified", count = (rec.custody.len() as u64))) }
            } } }
        }
        @if r.dry_run {
            form method="post" action={ "receive/" (token) "/import?csrf=" (csrf) } {
                @if r.new_contact {
                    label { input type="checkbox" name="trust_signer" value="1"; " " (tr_in!(l, "web-trust-signer")) }
                }
                @if !r.removed_since.is_empty() {
                    label { input type="checkbox" name="restore_removed" value="1"; " " (tr_in!(l, "web-restore-removed", count = (r.removed_since.len() as u64))) }
                }
                button type="submit" { (tr_in!(l, "web-import")) }
            }
        } @else {
            p { (tr_in!(l, "web-records-added", count = (r.added as u64))) " " a href="records" { (tr_in!(l, "web-to-records")) } }
        }
    }
}

pub(crate) async fn import(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let trust = field(&f, "trust_signer").is_some();
    let restore = field(&f, "restore_removed").is_some();
    let Some(path) = app.take_held(&token) else {
        return fail(&app, Failure::NotFound);
    };
    let p = path.clone();
    let r = blocking(&app, move |v| {
        v.import_bundle(&p, &import_options(false, trust, restore))
    })
    .await;
    app.drop_listed();
    match r {
        Ok(report) => {
            let _ = std::fs::remove_file(&path);
            let c = ctx(&app);
            let title = tr_in!(c.lang, "web-bundle");
            let page = verified(&token, &report, c.csrf, c.lang);
            Html(pages::layout(&c, &title, page).into_string()).into_response()
        }
        Err(f) => {
            // Kept for another try (trusting the signer, say).
            app.hold(token, path);
            fail(&app, f)
        }
    }
}
