//! The pages, as maud templates: every value put in them is escaped for HTML and for
//! attributes by maud itself, and every text a record or a bundle supplied goes through
//! [`text`], which isolates its direction and shows the characters that would reorder
//! what is around it.

use maud::{html, Markup, DOCTYPE};

/// What every page needs to know about the session.
pub(crate) struct Ctx<'a> {
    pub csrf: &'a str,
    /// Where every address of this run starts (`App::base`): the page's `<base>`, against
    /// which its links, forms and scripts' requests are relative.
    pub base: &'a str,
    pub open: bool,
    pub collector: bool,
}

/// htmx's settings: no inline styles (the CSP forbids them), no `eval`, no requests
/// anywhere but here.
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0,"refreshOnHistoryMiss":true}"#;

pub(crate) fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" dir="ltr" {
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
                        nav aria-label="Main" {
                            a href="records" { "Records" }
                            a href="add" { "Add a record" }
                            @if !ctx.collector {
                                a href="contacts" { "Contacts" }
                                a href="receive" { "Receive a bundle" }
                            }
                            a href="maintain" { "Maintain" }
                        }
                        form.lock method="post" action={ "lock?csrf=" (ctx.csrf) } {
                            button type="submit" { "Lock" }
                        }
                    }
                }
                main id="main" { (body) }
            }
        }
    }
}

/// The characters that change the direction of the text around them: shown as their code
/// point instead of obeyed, so a title cannot make another field read backwards.
fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        // Invisible: a witness code with one would look like another's. Unicode's default
        // ignorable code points, the Hangul fillers and the blank braille pattern.
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2065}'
                | '\u{206A}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
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

/// A text from a record or a bundle: direction isolated (`<bdi>`), controls made visible.
pub(crate) fn text(s: &str) -> Markup {
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
                    Err(c) => span.ctl title="a control character, shown rather than obeyed" {
                        "[U+" (format!("{:04X}", c as u32)) "]"
                    },
                }
            }
        }
    }
}

pub(crate) fn unlock(ctx: &Ctx, error: Option<&str>, gone: Option<&str>) -> Markup {
    layout(
        ctx,
        "Unlock",
        html! {
            h1 { "Unlock the vault" }
            @if let Some(why) = gone {
                p.error role="alert" { (why) " Stop `amanat serve` and run it again." }
            } @else {
                form method="post" action={ "unlock?csrf=" (ctx.csrf) } {
                    label for="passphrase" { "Passphrase" }
                    input #passphrase type="password" name="passphrase" autocomplete="off" autofocus required;
                    @if let Some(e) = error { p.error role="alert" { (e) } }
                    button type="submit" { "Unlock" }
                }
                p.hint { "The vault locks itself after a while without use, and when you press Lock." }
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
            p.error role="alert" { (text(msg)) }
            p { a href="records" { "Back to the records" } }
        },
    )
}

/// Bytes for people: 1.2 MiB.
pub(crate) fn size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}
