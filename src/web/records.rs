//! Browsing: the record list with `list`'s filters and search as you type, a record's
//! page (metadata, parts, images, texts, its chain of custody), and parts streamed out.

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use super::pages::{self, size, text_in};
use super::session::App;
use super::{blocking, ctx, fail, Failure};
use crate::format::id::RecordId;
use crate::format::record::parse_date;
use crate::i18n::Lang;
use crate::tr_in;
use crate::vault::{Filter, Listing, RecordView};

/// Records a page of the list shows.
pub(crate) const PAGE: usize = 50;
/// Largest text shown in a page; a longer one is downloaded.
pub(crate) const TEXT_SHOWN: u64 = 512 * 1024;

#[derive(serde::Deserialize, serde::Serialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    witness: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: usize,
    /// The list as the last form without the page's script asked for it.
    #[serde(default, skip_serializing)]
    last: bool,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

pub(crate) async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let q = match app.notes().get("query").filter(|_| q.last) {
        Some(last) => serde_json::from_str(&last).unwrap_or_default(),
        None => q,
    };
    render_list(app, headers, q).await
}

/// The list filtered or searched: by POST, so that what was searched for never is in an
/// address, which the browser would keep in its history on disk.
pub(crate) async fn list_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(q): Form<ListQuery>,
) -> Response {
    if !headers.contains_key("hx-request") {
        // Without the page's script: kept here, and shown by a redirect (a browser keeps
        // the data of a form answered by a page in its session files).
        app.notes()
            .put("query", serde_json::to_string(&q).unwrap_or_default());
        return axum::response::Redirect::to(&format!("{}/records?last=true", app.base))
            .into_response();
    }
    render_list(app, headers, q).await
}

async fn render_list(app: Arc<App>, headers: HeaderMap, q: ListQuery) -> Response {
    let filter = (|| {
        Ok::<_, crate::error::Error>(Filter {
            tag: some(&q.tag),
            witness: some(&q.witness),
            since: some(&q.since).as_deref().map(parse_date).transpose()?,
            until: some(&q.until).as_deref().map(parse_date).transpose()?,
            ..Filter::default()
        })
    })();
    let filter = match filter {
        Ok(f) => f,
        Err(e) => {
            let why = crate::i18n::errors::message_isolated(app.lang(), &e);
            return fail(&app, Failure::Bad(why));
        }
    };
    let query = q.q.trim().to_owned();
    let a = app.clone();
    // A keystroke's fragment needs only the results: the contacts are for the whole page.
    let fragment = headers.contains_key("hx-request");
    let got = blocking(&app, move |v| {
        let contacts: Vec<String> = if v.is_collector() || fragment {
            vec![]
        } else {
            v.contacts()?
                .into_iter()
                .filter(|c| !c.recipients.is_empty())
                .map(|c| c.name.clone())
                .collect()
        };
        let all = listed(&a, v)?;
        let found = if query.is_empty() {
            None
        } else {
            let mut ids = v.search_ids(&query)?;
            ids.sort_unstable();
            Some(ids)
        };
        let shown = Shown { all, found };
        // The tag as any label of its vocabulary term, as `list` takes it.
        let filter = filter.expanded(v)?;
        Ok((shown, contacts, filter))
    })
    .await;
    let (shown, contacts, filter) = match got {
        Ok(s) => s,
        Err(f) => return fail(&app, f),
    };
    let found = |l: &Listing| {
        shown
            .found
            .as_ref()
            .is_none_or(|ids| ids.binary_search(&l.id).is_ok())
    };
    let items: Vec<&Listing> = shown
        .all
        .items
        .iter()
        .filter(|l| found(l) && filter_keeps(&filter, l))
        .collect();
    let damaged = shown.all.damaged;
    let results = results(&q, &items, damaged, &app.csrf, app.lang());
    if fragment {
        return Html(results.into_string()).into_response();
    }
    let c = ctx(&app);
    let title = tr_in!(c.lang, "web-records");
    Html(pages::layout(&c, &title, list_page(&q, results, &c, &contacts)).into_string())
        .into_response()
}

/// The vault's records, newest first, as the list shows them. The server keeps them while
/// the vault is open, so a page of the list costs no scan of the catalog (100,000 entries
/// to open: about 0.2 s); they are wiped when it locks, and dropped whenever a page adds or
/// imports records (nothing else can change them while the server holds the vault).
pub(crate) struct Listed {
    pub items: Vec<Listing>,
    pub damaged: usize,
}

/// The list, and what a search found in it (its ids, ascending).
struct Shown {
    all: Arc<Listed>,
    found: Option<Vec<crate::format::id::RecordId>>,
}

/// The kept listing, made if there is none.
pub(crate) fn listed(app: &App, v: &crate::vault::Vault) -> crate::error::Result<Arc<Listed>> {
    if let Some(l) = app.listed() {
        return Ok(l);
    }
    let gen = app.listed_gen();
    let mut scan = v.list(&Filter::default())?;
    scan.items
        .sort_by_key(|l| std::cmp::Reverse((l.entry.created, l.id.0)));
    let l = Arc::new(Listed {
        items: scan.items,
        damaged: scan.damaged.len(),
    });
    app.keep_listed(gen, l.clone());
    Ok(l)
}

/// What the list's filters keep (a search does not filter by tag, witness or dates itself;
/// with no filter, everything, a collector's sealed records too): what `list` keeps.
fn filter_keeps(f: &crate::vault::Expanded, l: &Listing) -> bool {
    f.keeps(&l.entry)
}

fn list_page(q: &ListQuery, results: Markup, c: &pages::Ctx, contacts: &[String]) -> Markup {
    let l = c.lang;
    html! {
        h1 { (tr_in!(l, "web-records")) }
        @if !c.collector {
            form.filters method="post" action={ "records?csrf=" (c.csrf) } role="search" autocomplete="off"
                hx-post="records" hx-target="#results" {
                div {
                    label for="q" { (tr_in!(l, "web-search")) }
                    input #q type="search" name="q" value=(q.q) autocomplete="off"
                        hx-post="records" hx-trigger="input changed delay:250ms, search"
                        hx-target="#results" hx-include="closest form";
                }
                div {
                    label for="tag" { (tr_in!(l, "web-tag")) }
                    input #tag type="text" name="tag" value=(q.tag) autocomplete="off";
                }
                div {
                    label for="witness" { (tr_in!(l, "web-witness-code")) }
                    input #witness type="text" name="witness" value=(q.witness) autocomplete="off";
                }
                div {
                    label for="since" { (tr_in!(l, "web-since")) }
                    input #since type="date" name="since" value=(q.since);
                }
                div {
                    label for="until" { (tr_in!(l, "web-until")) }
                    input #until type="date" name="until" value=(q.until);
                }
                button type="submit" { (tr_in!(l, "web-filter")) }
            }
        } @else {
            p { (tr_in!(l, "web-collector-list")) " " code { "amanat export" } }
        }
        div #results aria-live="polite" { (results) }
        @if !c.collector {
            form #export.share method="post" action={ "export?csrf=" (c.csrf) } hx-post="export" hx-target="#main" {
                h2 { (tr_in!(l, "web-share-ticked")) }
                @if contacts.is_empty() {
                    p { (tr_in!(l, "web-share-no-contact")) " " a href="contacts" { (tr_in!(l, "web-contacts")) } }
                } @else {
                    label for="to" { (tr_in!(l, "web-share-with")) }
                    select #to name="to" { @for n in contacts { option value=(n) { (pages::plain(n)) } } }
                    label { input type="checkbox" name="with_ocr" value="1"; " " (tr_in!(l, "web-share-with-ocr")) }
                    label { input type="checkbox" name="keep_metadata" value="1"; " " (tr_in!(l, "web-share-keep-metadata")) }
                    label { input type="checkbox" name="csv" value="1"; " " (tr_in!(l, "web-share-csv")) }
                    button type="submit" { (tr_in!(l, "web-share-make")) }
                }
            }
        }
    }
}

/// A button to another page of the same list, its filters in the form, not the address.
fn page_button(q: &ListQuery, page: usize, csrf: &str, label: &str) -> Markup {
    html! {
        form method="post" action={ "records?csrf=" (csrf) } hx-post="records" hx-target="#results" {
            input type="hidden" name="q" value=(q.q);
            input type="hidden" name="tag" value=(q.tag);
            input type="hidden" name="witness" value=(q.witness);
            input type="hidden" name="since" value=(q.since);
            input type="hidden" name="until" value=(q.until);
            input type="hidden" name="page" value=(page);
            button type="submit" { (label) }
        }
    }
}

fn results(q: &ListQuery, items: &[&Listing], damaged: usize, csrf: &str, l: Lang) -> Markup {
    let pages = items.len().div_ceil(PAGE).max(1);
    let page = q.page.min(pages - 1);
    let shown = &items[(page * PAGE).min(items.len())..((page + 1) * PAGE).min(items.len())];
    html! {
        p.count { (tr_in!(l, "web-count", records = (items.len() as u64)))
            @if pages > 1 { ", " (tr_in!(l, "web-page-of", page = (page as u64 + 1), pages = (pages as u64))) } }
        @if damaged > 0 {
            p.error role="alert" { (tr_in!(l, "web-damaged-entries", count = (damaged as u64))) }
        }
        @if !shown.is_empty() {
            table.records {
                thead { tr { th scope="col" { span.hint { (tr_in!(l, "web-col-share")) } } th scope="col" { (tr_in!(l, "web-col-record")) } th scope="col" { (tr_in!(l, "web-col-date")) } th scope="col" { (tr_in!(l, "web-col-title")) } th scope="col" { (tr_in!(l, "web-col-tags")) } th scope="col" { (tr_in!(l, "web-col-witness")) } } }
                tbody {
                    @for it in shown {
                        @let id = it.id.to_hex();
                        tr {
                            @match &it.entry.meta {
                                Some(m) => {
                                    td { input type="checkbox" name="id" value=(id) form="export" aria-label=(tr_in!(l, "web-share-one", title = pages::plain(&m.title))); }
                                    td { a href={ "records/" (id) } { code { (id[..8]) } } }
                                    td { bdi { (m.date.as_deref().unwrap_or("")) } }
                                    td { a href={ "records/" (id) } { (text_in(l, &m.title)) } }
                                    td { @for (i, t) in m.tags.iter().enumerate() { @if i > 0 { ", " } (text_in(l, t)) } }
                                    td { @if let Some(w) = &m.witness { (text_in(l, w)) } }
                                },
                                None => {
                                    td {}
                                    td { code { (id[..8]) } }
                                    td { bdi { (timestamp(it.entry.created)) } }
                                    td colspan="3" { (tr_in!(l, "web-sealed-size", size = pages::iso(size(l, it.entry.sealed_size)))) }
                                },
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pages aria-label=(tr_in!(l, "web-pages")) {
                @if page > 0 { (page_button(q, page - 1, csrf, &tr_in!(l, "web-newer"))) }
                @if page + 1 < pages { (page_button(q, page + 1, csrf, &tr_in!(l, "web-older"))) }
            }
        }
    }
}

fn timestamp(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

pub(crate) fn parse_id(s: &str) -> Result<RecordId, Failure> {
    RecordId::from_hex(s).ok_or(Failure::NotFound)
}

pub(crate) async fn record(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(f) => return fail(&app, f),
    };
    let got = blocking(&app, move |v| Ok((v.show(id)?, v.audit_log(Some(id))?))).await;
    match got {
        Ok((view, log)) => {
            let c = ctx(&app);
            // Not the record's title: browsers keep page titles in their history on disk.
            let title = tr_in!(c.lang, "web-col-record");
            Html(
                pages::layout(&c, &title, record_page(&view, &log, &app.csrf, c.lang))
                    .into_string(),
            )
            .into_response()
        }
        Err(f) => fail(&app, f),
    }
}

fn record_page(
    v: &RecordView,
    log: &[crate::vault::custody::LogItem],
    csrf: &str,
    l: Lang,
) -> Markup {
    let id = v.id.to_hex();
    let m = &v.meta;
    let text = |s: &str| text_in(l, s);
    let field = |name: String, value: &Option<String>| {
        html! { @if let Some(x) = value { dt { (name) } dd { (text(x)) } } }
    };
    html! {
        h1 { (text(&m.title)) }
        dl.meta {
            dt { (tr_in!(l, "web-col-record")) } dd { code { (id) } }
            dt { (tr_in!(l, "web-added")) } dd { bdi { (timestamp(v.created)) } }
            @if !m.tags.is_empty() {
                dt { (tr_in!(l, "web-col-tags")) } dd { @for (i, t) in m.tags.iter().enumerate() { @if i > 0 { ", " } (text(t)) } }
            }
            (field(tr_in!(l, "web-witness-code"), &m.witness))
            (field(tr_in!(l, "web-field-language"), &m.language))
            (field(tr_in!(l, "web-field-place"), &m.place))
            (field(tr_in!(l, "web-field-date"), &m.date))
            (field(tr_in!(l, "web-field-interviewer"), &m.interviewer))
            (field(tr_in!(l, "web-field-note"), &m.note))
        }
        (super::case::section(v, l))
        h2 { (tr_in!(l, "web-parts")) }
        table.parts {
            thead { tr { th scope="col" { (tr_in!(l, "web-col-part")) } th scope="col" { (tr_in!(l, "web-col-kind")) } th scope="col" { (tr_in!(l, "web-col-size")) } th scope="col" { "SHA-256" } th scope="col" { "" } } }
            tbody {
                @for p in &v.parts {
                    tr {
                        td { (text(&p.name)) (super::case::link(p, l)) }
                        td { (tr_in!(l, "part-kind", kind = p.kind)) }
                        td { (size(l, p.size)) }
                        td { code.hash { (p.sha256) } }
                        td { @if p.kind != "identity" {
                            a href={ "records/" (id) "/parts/" (p.index) } download { (tr_in!(l, "web-download")) }
                        } }
                    }
                }
            }
        }
        @for p in &v.parts {
            @if is_image(&p.name) {
                figure {
                    img src={ "records/" (id) "/parts/" (p.index) "/view" } alt=(tr_in!(l, "web-image-alt", name = pages::plain(&p.name))) loading="lazy";
                    figcaption { (text(&p.name)) }
                }
            } @else if is_text(p) {
                details.text {
                    summary { (tr_in!(l, "web-read")) " " (text(&p.name)) }
                    div hx-get={ "records/" (id) "/parts/" (p.index) "/text" } hx-trigger="toggle from:closest details once" { "…" }
                }
            }
        }
        @if v.parts.iter().any(|p| is_scan(&p.name)) {
            form method="post" action={ "records/" (id) "/ocr?csrf=" (csrf) } {
                button type="submit" { (tr_in!(l, "web-ocr-button")) }
                " " span.hint { (tr_in!(l, "web-ocr-hint")) }
            }
        }
        h2 { (tr_in!(l, "web-custody")) }
        ol.timeline {
            @for e in log {
                li {
                    bdi { time { (e.time) } } " "
                    strong { (e.kind) }
                    @if e.seq.is_none() { " (" (tr_in!(l, "web-by-another-vault")) " " code { (e.signer) } ")" }
                }
            }
        }
    }
}

/// What `ocr` reads: images and PDFs.
fn is_scan(name: &str) -> bool {
    let n = name.to_lowercase();
    is_image(name) || [".pdf", ".tif", ".tiff"].iter().any(|e| n.ends_with(e))
}

fn is_image(name: &str) -> bool {
    let n = name.to_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|e| n.ends_with(e))
}

fn is_text(p: &crate::vault::PartView) -> bool {
    p.size <= TEXT_SHOWN
        && (p.kind == "testimony"
            || p.kind == "recognised"
            || p.name.to_lowercase().ends_with(".txt"))
}
