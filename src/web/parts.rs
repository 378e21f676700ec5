//! A record's parts streamed out of the vault: downloads, images shown in its page (by
//! their bytes, never SVG), and texts shown in it. Each read is checked and logged in the
//! custody chain as `get` does; a witness's identity is never served.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::pages::text_in;
use super::records::{parse_id, TEXT_SHOWN};
use super::session::App;
use super::{blocking, fail, Failure};
use crate::vault::RecordView;

/// The selector `get` resolves to part `i` (names first, then `testimony`, then the
/// index), or `None` if none names it alone.
fn selector(v: &RecordView, i: usize) -> Option<String> {
    let resolve = |which: &str| {
        if which == "testimony" {
            if let Some(j) = v.parts.iter().position(|p| p.kind == "testimony") {
                return Some(j);
            }
        }
        v.parts
            .iter()
            .position(|p| p.name == which)
            .or_else(|| which.parse::<usize>().ok().filter(|j| *j < v.parts.len()))
    };
    let name = &v.parts.get(i)?.name;
    [name.clone(), i.to_string()]
        .into_iter()
        .find(|s| resolve(s) == Some(i))
}

/// The image types shown in a page, by their first bytes (never SVG: it can hold script).
fn image_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum As {
    Download,
    View,
}

/// A part streamed out of the vault: read, checked and sealed-side logged as `get` does.
pub(crate) async fn part(
    State(app): State<Arc<App>>,
    Path((id, i)): Path<(String, usize)>,
) -> Response {
    stream_part(app, id, i, As::Download).await
}

pub(crate) async fn view(
    State(app): State<Arc<App>>,
    Path((id, i)): Path<(String, usize)>,
) -> Response {
    stream_part(app, id, i, As::View).await
}

async fn stream_part(app: Arc<App>, id: String, i: usize, how: As) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(f) => return fail(&app, f),
    };
    let found = blocking(&app, move |v| {
        let view = v.show(id)?;
        // A witness's identity is never served here, custodian or not: `get` reads it.
        let part = view.parts.get(i).filter(|p| p.kind != "identity");
        let name = part.map(|p| p.name.clone());
        Ok((part.and_then(|_| selector(&view, i)), name))
    })
    .await;
    let (which, name) = match found {
        Ok((Some(w), Some(n))) => (w, n),
        Ok(_) => return fail(&app, Failure::NotFound),
        Err(f) => return fail(&app, f),
    };
    let to = if how == As::View {
        "the browser (shown)"
    } else {
        "the browser (downloaded)"
    };
    let Ok(permit) = app.transfers.clone().try_acquire_owned() else {
        return fail(&app, Failure::Busy);
    };
    let a = app.clone();
    let mut rx = super::stream::produce(app.clone(), permit, move |out| {
        match a.with_vault(|v| v.get_for(id, &which, out, to)) {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(crate::i18n::errors::message_isolated(a.lang(), &e)),
            Err(_) => Err(crate::tr_in!(a.lang(), "web-locked-meanwhile")),
        }
    });
    // The first bytes decide an image's type; nothing is sent before them.
    let first = match rx.recv().await {
        Some(Ok(b)) => b,
        Some(Err(e)) => return fail(&app, Failure::Bad(e.to_string())),
        None => axum::body::Bytes::new(),
    };
    let mut res = Response::new(Body::empty());
    let h = res.headers_mut();
    match how {
        As::View => match image_type(&first) {
            Some(t) => {
                h.insert(header::CONTENT_TYPE, HeaderValue::from_static(t));
                h.insert(
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("inline"),
                );
            }
            None => {
                return (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "not an image shown here",
                )
                    .into_response()
            }
        },
        As::Download => {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            if let Ok(v) = HeaderValue::from_str(&disposition(&name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
        }
    }
    let rest = super::stream::body(rx);
    let body = futures_util::StreamExt::chain(futures_util::stream::iter([Ok(first)]), rest);
    *res.body_mut() = Body::from_stream(body);
    res
}

/// `attachment` with the name in RFC 5987 form (every byte outside a safe set escaped).
fn disposition(name: &str) -> String {
    let safe: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename*=UTF-8''{safe}")
}

/// A text part, for the record page to show (at most [`TEXT_SHOWN`] bytes).
pub(crate) async fn part_text(
    State(app): State<Arc<App>>,
    Path((id, i)): Path<(String, usize)>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(f) => return fail(&app, f),
    };
    let got = blocking(&app, move |v| {
        let view = v.show(id)?;
        let shown = |p: &crate::vault::PartView| p.size <= TEXT_SHOWN && p.kind != "identity";
        let Some(which) = selector(&view, i).filter(|_| shown(&view.parts[i])) else {
            return Ok(None);
        };
        let mut out = zeroize::Zeroizing::new(Vec::new());
        v.get_for(id, &which, &mut *out, "the browser (shown)")?;
        Ok(Some(out))
    })
    .await;
    match got {
        Ok(Some(bytes)) => {
            let s = String::from_utf8_lossy(&bytes);
            let shown = html! { pre.text { (text_in(app.lang(), &s)) } };
            Html(shown.into_string()).into_response()
        }
        Ok(None) => fail(&app, Failure::NotFound),
        Err(f) => fail(&app, f),
    }
}
