//! Maintenance: `check` with its progress, the audit log and its verification, and the
//! emergency `shred` behind a typed confirmation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use super::pages::{self, size, text_in};
use super::session::App;
use super::share::fields;
use super::{blocking, ctx, fail, Failure};
use crate::i18n::Lang;
use crate::tr_in;
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
    let l = c.lang;
    let body = html! {
        h1 { (tr_in!(l, "web-maintain")) }
        section {
            h2 { (tr_in!(l, "web-check-heading")) }
            p { (tr_in!(l, "web-check-what")) }
            form method="post" action={ "check?csrf=" (c.csrf) } { button type="submit" { (tr_in!(l, "web-check-now")) } }
        }
        section {
            h2 { (tr_in!(l, "web-custody")) }
            p { a href="audit" { (tr_in!(l, "web-audit-link")) } }
        }
        section {
            h2 { (tr_in!(l, "web-emergency")) }
            p { a href="shred" { (tr_in!(l, "web-shred-heading")) } " — " (tr_in!(l, "web-shred-what")) }
        }
    };
    Html(pages::layout(&c, &tr_in!(l, "web-maintain"), body).into_string()).into_response()
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
        let lang = app.lang();
        tokio::task::spawn_blocking(move || {
            let r = a.with_vault(|v| {
                a.checking().total = v.count();
                // Locking stops it: the keys do not wait for the end of a long check.
                v.check_until(&|n| done.store(n, Ordering::Relaxed), &|| a.locking())
            });
            let result = match r {
                Ok(Ok(report)) => Ok(report),
                Ok(Err(e)) => Err(crate::i18n::errors::message_isolated(lang, &e)),
                Err(_) => Err(tr_in!(lang, "web-check-locked")),
            };
            let mut ch = a.checking();
            ch.running = false;
            ch.result = Some(result);
        });
    }
    let c = ctx(&app);
    let title = tr_in!(c.lang, "web-check");
    let body = html! {
        h1 { (title) }
        div #check hx-get="check" hx-trigger="load delay:300ms" hx-swap="outerHTML" { (progress(&app)) }
    };
    Html(pages::layout(&c, &title, body).into_string()).into_response()
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
    let title = tr_in!(c.lang, "web-check");
    Html(pages::layout(&c, &title, html! { h1 { (title) } (inner) }).into_string()).into_response()
}

fn progress(app: &App) -> Markup {
    let l = app.lang();
    let ch = app.checking();
    let done = ch.done.load(Ordering::Relaxed);
    html! {
        @if ch.running {
            label for="progress" { (tr_in!(l, "web-checking", done = (done as u64), total = (ch.total as u64))) }
            progress #progress max=(ch.total.max(1)) value=(done) {}
        } @else {
            @match &ch.result {
                None => p { (tr_in!(l, "web-check-none")) " " a href="maintain" { (tr_in!(l, "web-maintain")) } },
                Some(Err(e)) => p.error role="alert" { (text_in(l, e)) },
                Some(Ok(r)) => (report(r, l)),
            }
        }
    }
}

fn report(r: &CheckReport, l: Lang) -> Markup {
    let text = |s: &str| text_in(l, s);
    html! {
        @if r.ok() {
            p role="status" { strong { (tr_in!(l, "web-check-ok")) } }
        } @else {
            p.error role="alert" { (tr_in!(l, "web-check-damage")) }
        }
        p { (tr_in!(l, "web-check-summary", records = (r.records as u64), parts = (r.parts as u64), size = pages::iso(size(l, r.bytes)))) }
        @if !r.damaged.is_empty() {
            h2 { (tr_in!(l, "web-damaged-records")) }
            ul { @for (id, why) in &r.damaged { li { code { (id) } ": " (text(&why.in_lang(l))) } } }
        }
        @if !r.journal.is_empty() {
            h2 { (tr_in!(l, "web-journal")) }
            ul { @for j in &r.journal { li { (text(&j.in_lang(l))) } } }
            p { (tr_in!(l, "web-journal-rewrite")) " " code { "amanat rebuild" } }
        }
        @if let Some(a) = &r.audit {
            @if let Some(b) = &a.broken { p.error role="alert" { (tr_in!(l, "web-custody-broken-at", seq = b.seq)) ": " (text(&b.why.in_lang(l))) } }
        }
        @if r.stray_objects > 0 { p { (tr_in!(l, "web-stray-objects", count = (r.stray_objects as u64))) } }
    }
}

pub(crate) async fn audit(State(app): State<Arc<App>>) -> Response {
    let got = blocking(&app, |v| {
        // The verification first: it waits for a commit under way, which the list would
        // show part of.
        let verified = v.verify_audit()?;
        Ok((v.audit_log(None)?, verified))
    })
    .await;
    match got {
        Ok((log, verification)) => {
            let c = ctx(&app);
            let l = c.lang;
            let text = |s: &str| text_in(l, s);
            let broken = verification.broken.as_ref().map(|b| {
                format!(
                    "{}: {}",
                    tr_in!(l, "web-custody-broken-at", seq = b.seq),
                    b.why.in_lang(l)
                )
            });
            let body = html! {
                h1 { (tr_in!(l, "web-custody")) }
                @match &broken {
                    None => p role="status" { strong { (tr_in!(l, "web-audit-verified", events = (log.len() as u64))) } },
                    Some(b) => p.error role="alert" { (text(b)) },
                }
                @if log.len() > EVENTS_SHOWN { p.hint { (tr_in!(l, "web-audit-newest", shown = (EVENTS_SHOWN as u64))) " " code { "amanat audit" } } }
                table {
                    thead { tr { th scope="col" { "#" } th scope="col" { (tr_in!(l, "web-col-when")) } th scope="col" { (tr_in!(l, "web-col-what")) } th scope="col" { (tr_in!(l, "web-col-record")) } } }
                    tbody { @for e in log.iter().rev().take(EVENTS_SHOWN) { tr {
                        td { @if let Some(s) = e.seq { (s) } }
                        td { (text(&e.time)) }
                        td { (text(&e.kind)) }
                        td { @if let Some(r) = &e.record { a href={ "records/" (r) } { code { (r.get(..8).unwrap_or(r)) } } } }
                    } } }
                }
            };
            Html(pages::layout(&c, &tr_in!(l, "web-custody"), body).into_string()).into_response()
        }
        Err(f) => fail(&app, f),
    }
}

/// What must be typed to shred, in English: a deliberate act, not a click. The page's
/// language has its own words for it ([`confirm_words`]), which are taken too.
const CONFIRM: &str = "destroy the keyring";

/// The words to type to shred, in `lang`.
fn confirm_words(lang: Lang) -> String {
    tr_in!(lang, "web-shred-words")
}

/// A typed answer as it is compared with the words: normalized as search compares (case,
/// Kazakh Cyrillic as Latin, ı as i), without accents (ğ as g, so a keyboard without them
/// can type it), spaces collapsed. Only an answer that is the whole phrase matches.
fn loose(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = crate::format::text::normalize(s)
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `typed` confirms a shred: the English words, or the page language's, typed
/// with or without its accents and special letters.
fn confirms(typed: &str, lang: Lang) -> bool {
    let typed = typed.trim();
    let words = loose(&confirm_words(lang));
    !typed.is_empty() && (typed == CONFIRM || (!words.is_empty() && loose(typed) == words))
}

/// The label of the confirmation: the words in the page's language, and the English ones,
/// which are always taken.
fn confirm_label(lang: Lang) -> String {
    let own = tr_in!(lang, "web-shred-type", words = confirm_words(lang));
    if lang == Lang::En {
        own
    } else {
        format!(
            "{own} {}",
            tr_in!(lang, "web-shred-or-english", english = CONFIRM)
        )
    }
}

pub(crate) async fn shred_page(State(app): State<Arc<App>>) -> Response {
    let c = ctx(&app);
    let l = c.lang;
    let body = html! {
        h1 { (tr_in!(l, "web-shred-heading")) }
        p.error { (tr_in!(l, "web-shred-warning")) }
        form method="post" action={ "shred?csrf=" (c.csrf) } autocomplete="off" {
            label for="confirm" { (confirm_label(l)) }
            input #confirm name="confirm" autocomplete="off" required;
            label { input type="checkbox" name="all" value="1"; " " (tr_in!(l, "web-shred-all")) }
            button.danger type="submit" { (tr_in!(l, "web-shred")) }
        }
    };
    Html(pages::layout(&c, &tr_in!(l, "web-shred"), body).into_string()).into_response()
}

pub(crate) async fn shred(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let f = fields(&body);
    let typed = f
        .iter()
        .find(|(k, _)| k == "confirm")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let l = app.lang();
    if !confirms(typed, l) {
        return fail(&app, Failure::Bad(confirm_label(l)));
    }
    let all = f.iter().any(|(k, _)| k == "all");
    let r = app.exclusive(move |a| a.shred(all)).await;
    let c = ctx(&app);
    match r {
        Some(Ok(())) => {
            let title = tr_in!(c.lang, "web-shredded");
            let body = html! { h1 { (title) } p { (tr_in!(c.lang, "web-shredded-stop")) " " code { "amanat serve" } } };
            Html(pages::layout(&c, &title, body).into_string()).into_response()
        }
        Some(Err(e)) => fail(&app, Failure::Vault(e)),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shred_words_are_taken_as_typed_on_any_keyboard_and_nothing_less() {
        assert!(confirms("destroy the keyring", Lang::Ug));
        assert!(confirms("kıltter jiyntyğyn joiu", Lang::KkLatn));
        assert!(confirms("kiltter jiyntygyn joiu", Lang::KkLatn));
        assert!(confirms("КІЛТТЕР ЖИЫНТЫҒЫН ЖОЮ", Lang::Kk));
        assert!(
            confirms("кiлттер жиынтыгын жою", Lang::Kk),
            "Latin i and г for і and ғ"
        );
        assert!(confirms("уничтожить  связку ключей", Lang::Ru));
        assert!(confirms(&confirm_words(Lang::Ug), Lang::Ug));
        for wrong in [
            "",
            "   ",
            "kiltter",
            "kiltter jiyntygyn",
            "SHRED",
            "уничтожить",
            "destroy",
        ] {
            assert!(!confirms(wrong, Lang::KkLatn), "{wrong:?}");
            assert!(!confirms(wrong, Lang::Ru), "{wrong:?}");
        }
        assert!(
            !confirms("уничтожить связку ключей", Lang::Kk),
            "another language's words"
        );
    }
}
