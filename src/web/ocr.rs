//! Recognising the text of a record's scans from its page, as `amanat ocr ID` does: on this
//! device, by Tesseract, in the record's language; the text is sealed with the record, and
//! search finds it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::pages::{self, text};
use super::session::App;
use super::{blocking, ctx, fail, Failure};
use crate::format::id::RecordId;

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
            let hex = id.to_hex();
            let body = html! {
                h1 { "Text recognised" }
                @if report.recognised.is_empty() && report.failed.is_empty() {
                    p { "Nothing new to recognise: "
                        (report.already) " scans had their text already, "
                        (report.no_text) " held none, "
                        (report.not_scans) " parts are not scans." }
                }
                @for p in &report.recognised {
                    p { (text(&p.source)) " → " (text(&p.name)) " (" (p.languages.join(", ")) ")" }
                }
                @for f in &report.failed {
                    p.error role="alert" { (text(&f.part)) ": " (text(&f.error)) }
                }
                p { a href={ "records/" (hex) } { "Back to the record" } }
            };
            Html(pages::layout(&c, "Text recognised", body).into_string()).into_response()
        }
        Err(f) => fail(&app, f),
    }
}
