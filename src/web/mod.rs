//! `amanat serve`: the vault in a web browser on this machine, for the interviewers,
//! translators and lawyers who do not use a terminal, over the same library as the command
//! line and with nothing it guarantees given up.
//!
//! It listens on a loopback address only and answers only to a browser that opened the URL
//! it printed (a random token, valid once), with every guard of `guard.rs`. It
//! holds the vault's lock for its whole run, as every command does; the vault is unlocked
//! by a passphrase form and locked again by a button or after a while without requests,
//! which drops (and wipes) the keys. Uploads stream into sealing and parts stream out of
//! it (`stream.rs`): nothing readable is written to the disk.
//!
//! axum on tokio serves; the vault's own work, which blocks, runs on tokio's blocking
//! threads under a read lock that locking the vault takes whole.

mod add;
mod assets;
mod case;
mod guard;
mod maintain;
mod ocr;
mod pages;
mod parts;
mod records;
mod session;
mod share;
mod stream;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Form, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::{Error, Result};
use crate::format::keyring::Passphrase;
use crate::tr_in;
use crate::vault::{LockedVault, Vault};
use session::{App, Unavailable};

/// How `serve` listens.
pub struct Options {
    /// A loopback address (127.0.0.1 or ::1); any other is refused.
    pub addr: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// The vault locks itself after this long without a request.
    pub idle: Duration,
    /// The pages' language until the user picks another in them.
    pub lang: crate::i18n::Lang,
}

/// Serves the vault until the process ends. `ready` gets the URL to open once the port is
/// bound. The lock of `vault` is held throughout.
pub fn serve(vault: LockedVault, opts: Options, ready: impl FnOnce(&str)) -> Result<()> {
    if !opts.addr.is_loopback() {
        return Err(Error::Invalid(crate::words!(
            "d-web-not-loopback",
            address = opts.addr.to_string()
        )));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()
        .map_err(|e| Error::io(crate::words!("d-web-starting"), e))?;
    rt.block_on(async move {
        let at = SocketAddr::new(opts.addr, opts.port);
        let listener = tokio::net::TcpListener::bind(at).await.map_err(|e| {
            Error::io(
                crate::words!("d-web-listening-on", address = at.to_string()),
                e,
            )
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::io(crate::words!("d-web-listening"), e))?;
        let app = Arc::new(App::new(vault, local, opts.idle, opts.lang));
        ready(&app.url());
        tokio::spawn(session::idle_locker(app.clone()));
        axum::serve(listener, router(app))
            .await
            .map_err(|e| Error::io(crate::words!("d-web-serving"), e))
    })
}

/// Every route is under `app.base`; nothing else answers (but the token's one visit, which
/// the guard handles).
fn router(app: Arc<App>) -> Router {
    let at = |p: &str| format!("{}{p}", app.base);
    Router::new()
        .route(&at("/"), get(home))
        .route(&at("/unlock"), post(unlock))
        .route(&at("/lock"), post(lock))
        .route(&at("/language"), post(language))
        .route(&at("/records"), get(records::list).post(records::list_post))
        .route(&at("/records/{id}"), get(records::record))
        .route(&at("/records/{id}/parts/{n}"), get(parts::part))
        .route(&at("/records/{id}/ocr"), post(ocr::recognise))
        .route(&at("/records/{id}/parts/{n}/view"), get(parts::view))
        .route(&at("/records/{id}/parts/{n}/text"), get(parts::part_text))
        .route(&at("/add"), get(add::form))
        .route(
            &at("/add"),
            post(add::upload).layer(DefaultBodyLimit::disable()),
        )
        .route(
            &at("/contacts"),
            get(share::contacts).post(share::contact_add),
        )
        .route(&at("/contacts/remove"), post(share::contact_remove))
        .route(&at("/export"), post(share::export))
        .route(&at("/exported"), get(share::exported_page))
        .route(&at("/bundles/{token}"), get(share::bundle))
        .route(&at("/receive"), get(share::receive_form))
        .route(
            &at("/receive"),
            post(share::receive).layer(DefaultBodyLimit::disable()),
        )
        .route(&at("/receive/{token}/import"), post(share::import))
        .route(&at("/maintain"), get(maintain::page))
        .route(
            &at("/check"),
            get(maintain::check_state).post(maintain::start_check),
        )
        .route(&at("/audit"), get(maintain::audit))
        .route(
            &at("/shred"),
            get(maintain::shred_page).post(maintain::shred),
        )
        .route(&at("/static/{file}"), get(assets::asset))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        .with_state(app)
}

/// What a page needs of the session.
fn ctx(app: &App) -> pages::Ctx<'_> {
    pages::Ctx {
        csrf: &app.csrf,
        base: &app.base,
        open: app.is_open(),
        collector: app.is_collector(),
        lang: app.lang(),
    }
}

/// Why a request failed.
pub(crate) enum Failure {
    Unavailable(Unavailable),
    Vault(Error),
    Bad(String),
    NotFound,
    /// As many transfers as the server runs at once are under way.
    Busy,
}

/// Runs `f` on the open vault on a blocking thread.
async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&Vault) -> Result<T> + Send + 'static,
) -> std::result::Result<T, Failure> {
    let a = app.clone();
    match tokio::task::spawn_blocking(move || a.with_vault(f)).await {
        Ok(Ok(Ok(t))) => Ok(t),
        Ok(Ok(Err(e))) => Err(Failure::Vault(e)),
        Ok(Err(u)) => Err(Failure::Unavailable(u)),
        Err(_) => Err(Failure::Bad(crate::tr_in!(
            app.lang(),
            "web-request-stopped"
        ))),
    }
}

/// The page for a failure: to the unlock form when the vault is locked.
fn fail(app: &App, f: Failure) -> Response {
    let c = ctx(app);
    let l = c.lang;
    let (status, title, msg) = match f {
        Failure::Unavailable(Unavailable::Locked) => {
            return Redirect::to(&format!("{}/", app.base)).into_response();
        }
        Failure::Unavailable(Unavailable::Gone(why)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            tr_in!(l, "web-closed"),
            why,
        ),
        Failure::Vault(Error::NoSuchRecord(_) | Error::NoSuchPart { .. }) | Failure::NotFound => (
            StatusCode::NOT_FOUND,
            tr_in!(l, "web-not-found"),
            tr_in!(l, "web-not-found-what"),
        ),
        Failure::Vault(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            tr_in!(l, "web-refused"),
            crate::i18n::errors::message_isolated(l, &e),
        ),
        Failure::Bad(why) => (StatusCode::BAD_REQUEST, tr_in!(l, "web-refused"), why),
        Failure::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            tr_in!(l, "web-busy"),
            tr_in!(l, "web-busy-what"),
        ),
    };
    (status, Html(pages::message(&c, &title, &msg).into_string())).into_response()
}

async fn home(State(app): State<Arc<App>>) -> Response {
    if app.is_open() {
        return Redirect::to(&format!("{}/records", app.base)).into_response();
    }
    let c = ctx(&app);
    let gone = app.gone();
    let error = app.notes().take("unlock");
    Html(pages::unlock(&c, error.as_deref(), gone.as_deref()).into_string()).into_response()
}

#[derive(serde::Deserialize)]
struct UnlockForm {
    passphrase: String,
}

async fn unlock(State(app): State<Arc<App>>, Form(form): Form<UnlockForm>) -> Response {
    let r = app
        .exclusive(move |a| a.unlock(&Passphrase::new(form.passphrase)?))
        .await;
    if matches!(r, Some(Ok(()))) {
        // The list, made now, so its first page costs no scan.
        let _ = blocking(&app, {
            let a = app.clone();
            move |v| records::listed(&a, v).map(drop)
        })
        .await;
    }
    match r {
        Some(Ok(())) => Redirect::to(&format!("{}/records", app.base)).into_response(),
        // Answered by a redirect to the form, which shows why: a browser keeps the data of
        // a form whose answer was a page (in its session files), not of one redirected.
        Some(Err(e)) => {
            app.notes().put(
                "unlock",
                crate::i18n::errors::message_isolated(app.lang(), &e),
            );
            Redirect::to(&format!("{}/", app.base)).into_response()
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(serde::Deserialize)]
struct LanguageForm {
    lang: String,
}

/// The language menu: every page from now on is in the language picked (an unknown one
/// changes nothing).
async fn language(State(app): State<Arc<App>>, Form(form): Form<LanguageForm>) -> Response {
    if let Some(l) = crate::i18n::Lang::parse(&form.lang) {
        app.set_lang(l);
    }
    Redirect::to(&format!("{}/", app.base)).into_response()
}

async fn lock(State(app): State<Arc<App>>) -> Response {
    app.exclusive(|a| a.lock()).await;
    let mut r = Redirect::to(&format!("{}/", app.base)).into_response();
    r.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        header::HeaderValue::from_static("\"cache\""),
    );
    r
}
