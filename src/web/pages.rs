//! The pages, as maud templates: every value put in them is escaped for HTML and for
//! attributes by maud itself, and every text a record or a bundle supplied goes through
//! [`text`], which isolates its direction and shows the characters that would reorder
//! what is around it.

use maud::{html, Markup, DOCTYPE};

use crate::i18n::Lang;
use crate::tr_in;

/// What every page needs to know about the session.
pub(crate) struct Ctx<'a> {
    pub csrf: &'a str,
    /// Where every address of this run starts (`App::base`): the page's `<base>`, against
    /// which its links, forms and scripts' requests are relative.
    pub base: &'a str,
    pub open: bool,
    pub collector: bool,
    /// The language of the page.
    pub lang: Lang,
}

/// htmx's settings: no inline styles (the CSP forbids them), no `eval`, no requests
/// anywhere but here.
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0,"refreshOnHistoryMiss":true}"#;

pub(crate) fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let l = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(l.code()) dir=(l.dir()) {
            head {
                meta charset="utf-8";
                base href={ (ctx.base) "/" };
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="htmx-config" content=(HTMX_CONFIG);
                meta name="csrf-token" content=(ctx.csrf);
                title { (plain(title)) " · Amanat" }
                link rel="stylesheet" href="static/app.css";
                script src="static/htmx.min.js" defer {}
                script src="static/app.js" defer {}
            }
            body {
                header {
                    a.brand href="./" { "Amanat" }
                    @if ctx.open {
                        nav aria-label=(tr_in!(l, "web-nav")) {
                            a href="records" { (tr_in!(l, "web-records")) }
                            a href="add" { (tr_in!(l, "web-add")) }
                            @if !ctx.collector {
                                a href="contacts" { (tr_in!(l, "web-contacts")) }
                                a href="receive" { (tr_in!(l, "web-receive")) }
                            }
                            a href="maintain" { (tr_in!(l, "web-maintain")) }
                        }
                    }
                    (language_menu(ctx))
                    @if ctx.open {
                        form.lock method="post" action={ "lock?csrf=" (ctx.csrf) } {
                            button type="submit" { (tr_in!(l, "web-lock")) }
                        }
                    }
                }
                main id="main" { (body) }
            }
        }
    }
}

/// The menu of languages, each named in itself (and marked with its own language and
/// direction, so a screen reader and the browser render it right whatever the page's).
fn language_menu(ctx: &Ctx) -> Markup {
    let l = ctx.lang;
    html! {
        form.language method="post" action={ "language?csrf=" (ctx.csrf) } {
            label for="lang" { (tr_in!(l, "web-language")) }
            select #lang name="lang" {
                @for other in Lang::ALL {
                    option value=(other.code()) lang=(other.code()) dir=(other.dir()) selected[other == l] {
                        (other.name())
                    }
                }
            }
            button type="submit" { (tr_in!(l, "web-language-set")) }
        }
    }
}

/// The characters that change the direction of the text around them: shown as their code
/// point instead of obeyed, so a title cannot make another field read backwards.
fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        // Invisible: a witness code with one would look like another's.
        || crate::format::text::is_invisible(c)
}

/// A text from a record or a bundle for an attribute or the window title, where no
/// element can isolate it: the controls written as their code points.
pub(crate) fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if reorders(c) || c.is_control() {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A text from a record or a bundle: direction isolated (`<bdi>`), controls made visible,
/// each with a title in `lang` saying what it is.
pub(crate) fn text_in(lang: Lang, s: &str) -> Markup {
    let shown = |c: char| reorders(c) || (c.is_control() && c != '\n');
    let mut pieces: Vec<Result<&str, char>> = Vec::new();
    let mut from = 0;
    for (at, c) in s.char_indices() {
        if shown(c) {
            pieces.push(Ok(&s[from..at]));
            pieces.push(Err(c));
            from = at + c.len_utf8();
        }
    }
    pieces.push(Ok(&s[from..]));
    html! {
        bdi {
            @for p in pieces {
                @match p {
                    Ok(t) => (t),
                    Err(c) => span.ctl title=(tr_in!(lang, "web-control-char")) {
                        "[U+" (format!("{:04X}", c as u32)) "]"
                    },
                }
            }
        }
    }
}

pub(crate) fn unlock(ctx: &Ctx, error: Option<&str>, gone: Option<&str>) -> Markup {
    let l = ctx.lang;
    layout(
        ctx,
        &tr_in!(l, "web-unlock-title"),
        html! {
            h1 { (tr_in!(l, "web-unlock-heading")) }
            @if let Some(why) = gone {
                p.error role="alert" { (why) " " (tr_in!(l, "web-gone-restart")) }
            } @else {
                form method="post" action={ "unlock?csrf=" (ctx.csrf) } {
                    label for="passphrase" { (tr_in!(l, "web-passphrase")) }
                    input #passphrase type="password" name="passphrase" autocomplete="off" autofocus required;
                    @if let Some(e) = error { p.error role="alert" { (e) } }
                    button type="submit" { (tr_in!(l, "web-unlock")) }
                }
                p.hint { (tr_in!(l, "web-unlock-hint")) }
            }
        },
    )
}

pub(crate) fn message(ctx: &Ctx, title: &str, msg: &str) -> Markup {
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p.error role="alert" { (text_in(ctx.lang, msg)) }
            p { a href="records" { (tr_in!(ctx.lang, "web-back-to-records")) } }
        },
    )
}

/// A value put into a translated sentence (a time, a size, a file name), isolated (U+2068
/// … U+2069) so that a right-to-left page shows it in its own order: `2026-12-05T18:58Z`
/// stays one run, not three reordered ones.
pub(crate) fn iso(s: impl std::fmt::Display) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// Bytes for people: 1.2 MiB.
pub(crate) fn size(lang: Lang, n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return tr_in!(lang, "web-bytes", n = n);
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}
