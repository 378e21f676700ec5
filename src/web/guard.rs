//! What every request passes before a handler sees it, and what every response carries
//! (docs/THREAT-MODEL.md, "The web interface"):
//!
//! 1. `Host` names this address and port (a page elsewhere that rebinds its own name to
//!    127.0.0.1 sends its own name);
//! 2. a browser's `Sec-Fetch-Site`, when sent, says the request comes from this origin (or
//!    from the address bar), and `Origin`, when sent, is this origin;
//! 3. the session cookie, which only the first visit with the printed token sets
//!    (`HttpOnly`, `SameSite=Strict`, and a path of this run's random prefix: browsers send
//!    a host's cookies to all its ports, but another server on another port never sees an
//!    address of this one, so it could not use the cookie);
//! 4. on every request that is not GET or HEAD, the CSRF token;
//!
//! and every response gets a Content-Security-Policy that allows nothing but this origin's
//! own scripts, styles and images, `Cache-Control: no-store`, and a referrer only to this
//! origin (with `no-referrer`, browsers send `Origin: null` on this origin's own forms).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::session::{same_secret, App};

/// The session cookie's name.
pub(crate) const COOKIE: &str = "amanat-session";

pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; \
    frame-ancestors 'none'";

enum Verdict {
    Pass,
    /// A visit with the right token: the session starts, and the token leaves the address.
    Enter,
    Refuse(StatusCode, String),
}

pub(crate) async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if app.keyring_changed() {
        // Shredded under the server: nothing is served from the vault again.
        app.exclusive(|a| a.close(&crate::tr_in!(a.lang(), "web-gone-keyring-changed")))
            .await;
    }
    let mut res = match verdict(&app, &req) {
        Verdict::Pass => {
            app.touch();
            next.run(req).await
        }
        Verdict::Enter => {
            let cookie = format!(
                "{COOKIE}={}; HttpOnly; SameSite=Strict; Path={}/",
                app.session, app.base
            );
            let mut r = StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("{}/", app.base)) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Verdict::Refuse(status, why) => (status, why).into_response(),
    };
    harden(res.headers_mut());
    res
}

fn verdict(app: &App, req: &Request) -> Verdict {
    let h = req.headers();
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(|host| app.hosts.iter().any(|a| a == host)) {
        return Verdict::Refuse(
            StatusCode::MISDIRECTED_REQUEST,
            crate::tr_in!(app.lang(), "web-refused-host") + "\n",
        );
    }
    let site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return Verdict::Refuse(
            StatusCode::FORBIDDEN,
            crate::tr_in!(app.lang(), "web-refused-site") + "\n",
        );
    }
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin.is_some_and(|o| !app.is_origin(o)) {
        return Verdict::Refuse(
            StatusCode::FORBIDDEN,
            crate::tr_in!(app.lang(), "web-refused-origin") + "\n",
        );
    }
    if req.uri().path() == "/favicon.ico" {
        // Asked for by browsers at the root, where no cookie of this run goes: nothing.
        return Verdict::Pass;
    }
    let query = req.uri().query().unwrap_or("");
    if let Some(token) = param(query, "token") {
        if !same_secret(token, &app.token) || req.method() != Method::GET {
            return Verdict::Refuse(
                StatusCode::FORBIDDEN,
                crate::tr_in!(app.lang(), "web-refused-token") + "\n",
            );
        }
        // Once: what a browser's history or a process list keeps of it opens nothing.
        return if app.enter() {
            Verdict::Enter
        } else {
            Verdict::Refuse(
                StatusCode::FORBIDDEN,
                crate::tr_in!(app.lang(), "web-refused-used") + "\n",
            )
        };
    }
    if !cookie(h).is_some_and(|c| same_secret(c, &app.session)) {
        return Verdict::Refuse(
            StatusCode::FORBIDDEN,
            crate::tr_in!(app.lang(), "web-refused-no-session") + "\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let sent = h
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .or_else(|| param(query, "csrf"));
        if !sent.is_some_and(|t| same_secret(t, &app.csrf)) {
            return Verdict::Refuse(
                StatusCode::FORBIDDEN,
                crate::tr_in!(app.lang(), "web-refused-csrf") + "\n",
            );
        }
    }
    Verdict::Pass
}

/// The value of `name` in a query string (tokens are hex: nothing to decode).
fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn cookie(h: &HeaderMap) -> Option<&str> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

fn harden(h: &mut HeaderMap) {
    for (name, value) in [
        ("content-security-policy", CSP),
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
}
