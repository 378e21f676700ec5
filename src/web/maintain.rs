//! Maintenance: `check` with its progress, the audit log and its verification, and the
//! emergency `shred` behind a typed confirmation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use super::pages::{self, size, text};
use super::session::App;
use super::share::fields;
use super::{blocking, ctx, fail, Failure};
use crate::vault::check::CheckReport;

/// A check running or done, as its page polls it.
#[derive(Default)]
pub(crate) struct Checking {
    pub done: Arc<AtomicUsize>,
    pub total: usize,
    pub running: bool,
    pub result: Option<std::result::Result<CheckReport, String>>,
}

/// The audit events a page shows, newest first.
const EVENTS_SHOWN: usize = 500;

pub(crate) async fn page(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let body = html! {
        h1 { "Maintain" }
        section {
            h2 { "Check the vault" }
            p { "Opens every part and verifies its SHA-256, and verifies the chain of custody and the journal." }
            form method="post" action={ "check?csrf=" (c.csrf) } { button type="submit" { "Check now" } }
        }
        section {
            h2 { "Chain of custody" }
            p { a href="audit" { "The audit log, verified" } }
        }
        section {
            h2 { "Emergency" }
            p { a href="shred" { "Shred the vault" } " — destroys the keyring, so nothing can ever be opened again." }
        }
    };
    Html(pages::layout(&c, "Maintain", body).into_string()).into_response()
}

/// Starts a check in the background (one at a time) and shows its progress.
pub(crate) async fn start_check(State(app): State<Arc<App>>) -> Response {
    let run = {
        let mut ch = app.checking();
        if ch.running {
            None
        } else {
            *ch = Checking {
                running: true,
                ..Checking::default()
            };
            Some(ch.done.clone())
        }
    };
    if let Some(done) = run {
        let a = app.clone();
        tokio::task::spawn_blocking(move || {
            let r = a.with_vault(|v| {
                a.checking().total = v.count();
                // Locking stops it: the keys do not wait for the end of a long check.
                v.check_until(&|n| done.store(n, Ordering::Relaxed), &|| a.locking())
            });
            let result = match r {
                Ok(Ok(report)) => Ok(report),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("the vault was locked before the check began".into()),
            };
            let mut ch = a.checking();
            ch.running = false;
            ch.result = Some(result);
        });
    }
    let c = ctx(&app);
    let body = html! {
        h1 { "Check" }
        div #check hx-get="check" hx-trigger="load delay:300ms" hx-swap="outerHTML" { (progress(&app)) }
    };
    Html(pages::layout(&c, "Check", body).into_string()).into_response()
}

/// The check's progress, or its report once done (polled by the page).
pub(crate) async fn check_state(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let inner = progress(&app);
    if headers.contains_key("hx-request") {
        let running = app.checking().running;
        let m = html! {
            @if running {
                div #check hx-get="check" hx-trigger="load delay:500ms" hx-swap="outerHTML" { (inner) }
            } @else {
                div #check { (inner) }
            }
        };
        return Html(m.into_string()).into_response();
    }
    let c = ctx(&app);
    Html(pages::layout(&c, "Check", html! { h1 { "Check" } (inner) }).into_string()).into_response()
}

fn progress(app: &App) -> Markup {
    let ch = app.checking();
    let done = ch.done.load(Ordering::Relaxed);
    html! {
        @if ch.running {
            label for="progress" { "Checking record " (done) " of " (ch.total) }
            progress #progress max=(ch.total.max(1)) value=(done) {}
        } @else {
            @match &ch.result {
                None => p { "No check has run yet. " a href="maintain" { "Maintain" } },
                Some(Err(e)) => p.error role="alert" { (text(e)) },
                Some(Ok(r)) => (report(r)),
            }
        }
    }
}

fn report(r: &CheckReport) -> Markup {
    html! {
        @if r.ok() {
            p role="status" { strong { "Every record verified." } }
        } @else {
            p.error role="alert" { "Damage found: see below. " }
        }
        p { (r.records) " records, " (r.parts) " parts, " (size(r.bytes)) " checked." }
        @if !r.damaged.is_empty() {
            h2 { "Damaged records" }
            ul { @for (id, why) in &r.damaged { li { code { (id) } ": " (text(why)) } } }
        }
        @if !r.journal.is_empty() {
            h2 { "Journal" }
            ul { @for j in &r.journal { li { (text(j)) } } }
            p { "Write the journal again from the database with the command line (" code { "amanat rebuild" } ", README, “Maintain”)." }
        }
        @if let Some(a) = &r.audit {
            @if let Some(b) = &a.broken { p.error role="alert" { "The chain of custody is broken at event " (b.seq) ": " (text(&b.why)) } }
        }
        @if r.stray_objects > 0 { p { (r.stray_objects) " object files no record refers to." } }
    }
}

pub(crate) async fn audit(State(app): State<Arc<App>>) -> Response {
    let got = blocking(&app, |v| Ok((v.audit_log(None)?, v.verify_audit()?))).await;
    match got {
        Ok((log, verification)) => {
            let c = ctx(&app);
            let broken = verification
                .broken
                .as_ref()
                .map(|b| format!("at event {}: {}", b.seq, b.why));
            let body = html! {
                h1 { "Chain of custody" }
                @match &broken {
                    None => p role="status" { strong { "Verified: " } (log.len()) " events, each signed and chained to the one before." },
                    Some(b) => p.error role="alert" { "Broken: " (text(b)) },
                }
                @if log.len() > EVENTS_SHOWN { p.hint { "The newest " (EVENTS_SHOWN) " are shown; " code { "amanat audit" } " lists all." } }
                table {
                    thead { tr { th scope="col" { "#" } th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "Record" } } }
                    tbody { @for e in log.iter().rev().take(EVENTS_SHOWN) { tr {
                        td { @if let Some(s) = e.seq { (s) } }
                        td { (text(&e.time)) }
                        td { (text(&e.kind)) }
                        td { @if let Some(r) = &e.record { a href={ "records/" (r) } { code { (r.get(..8).unwrap_or(r)) } } } }
                    } } }
                }
            };
            Html(pages::layout(&c, "Chain of custody", body).into_string()).into_response()
        }
        Err(f) => fail(&app, f),
    }
}

/// What must be typed to shred: a deliberate act, not a click.
const CONFIRM: &str = "destroy the keyring";

pub(crate) async fn shred_page(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let body = html! {
        h1 { "Shred the vault" }
        p.error { "This destroys the keyring at once. Nothing in this vault can be opened again, by anyone, with any passphrase. Copies of the keyring elsewhere still open it." }
        form method="post" action={ "shred?csrf=" (c.csrf) } autocomplete="off" {
            label for="confirm" { "Type “" (CONFIRM) "” to confirm" }
            input #confirm name="confirm" autocomplete="off" required;
            label { input type="checkbox" name="all" value="1"; " Also remove the whole vault directory" }
            button.danger type="submit" { "Shred" }
        }
    };
    Html(pages::layout(&c, "Shred", body).into_string()).into_response()
}

pub(crate) async fn shred(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let f = fields(&body);
    let typed = f
        .iter()
        .find(|(k, _)| k == "confirm")
        .map(|(_, v)| v.trim());
    if typed != Some(CONFIRM) {
        return fail(&app, Failure::Bad(format!("type “{CONFIRM}” to shred")));
    }
    let all = f.iter().any(|(k, _)| k == "all");
    let r = app.exclusive(move |a| a.shred(all)).await;
    let c = ctx(&app);
    match r {
        Some(Ok(())) => {
            let body = html! { h1 { "Shredded" } p { "The keyring is destroyed. Stop " code { "amanat serve" } "." } };
            Html(pages::layout(&c, "Shredded", body).into_string()).into_response()
        }
        Some(Err(e)) => fail(&app, Failure::Vault(e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
