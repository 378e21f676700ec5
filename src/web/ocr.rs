//! Recognising the text of a record's scans from its page, as `amanat ocr ID` does: on this
//! device, by Tesseract, in the record's language; the text is sealed with the record, and
//! search finds it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::pages;
use super::session::App;
use super::{blocking, ctx, fail, Failure};
use crate::format::id::RecordId;
use crate::tr_in;

pub(crate) async fn recognise(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let Some(id) = RecordId::from_hex(&id) else {
        return fail(&app, Failure::NotFound);
    };
    let r = blocking(&app, move |v| {
        let engine = crate::ocr::Engine::find()?;
        v.recognise(&[id], None, &engine, &|_| {})
    })
    .await;
    // New parts: the list (which shows parts' sizes) is made again.
    app.drop_listed();
    match r {
        Ok(report) => {
            let c = ctx(&app);
            let l = c.lang;
            let text = |s: &str| pages::text_in(l, s);
            let hex = id.to_hex();
            let title = tr_in!(l, "web-ocr-done");
            let body = html! {
                h1 { (title) }
                @if report.recognised.is_empty() && report.failed.is_empty() {
                    p { (tr_in!(l, "web-ocr-nothing", already = (report.already as u64), none = (report.no_text as u64), other = (report.not_scans as u64))) }
                }
                @for p in &report.recognised {
                    p { (text(&p.source)) " → " (text(&p.name)) " (" (p.languages.join(", ")) ")" }
                }
                @for f in &report.failed {
                    p.error role="alert" { (text(&f.part)) ": " (text(&f.error.in_lang(l))) }
                }
                p { a href={ "records/" (hex) } { (tr_in!(l, "web-back-to-record")) } }
            };
            Html(pages::layout(&c, &title, body).into_string()).into_response()
        }
        Err(f) => fail(&app, f),
    }
}
