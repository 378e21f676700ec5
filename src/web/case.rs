//! A record's persons, relations, consent, verification, timeline and linked parts on its
//! page (FORMAT.md 7.4), read-only: they are described with `amanat case` and `amanat
//! consent`.
use maud::{html, Markup};

use super::pages::{iso, text_in};
use crate::i18n::Lang;
use crate::tr_in;
use crate::vault::RecordView;

/// A keyword of the model in the page's language.
fn said(l: Lang, w: &str) -> String {
    tr_in!(l, "case-word", word = w)
}

/// The section, or nothing for a record without any of it.
pub(super) fn section(v: &RecordView, l: Lang) -> Markup {
    let c = &v.case;
    if c.is_empty() && v.timeline.is_empty() {
        return html! {};
    }
    let label = |k: &str| tr_in!(l, "cli-show-field", field = k);
    html! {
        h2 { (tr_in!(l, "web-case")) }
        dl.meta {
            @if !c.persons.is_empty() {
                dt { (label("persons")) }
                dd { @for (i, p) in c.persons.iter().enumerate() {
                    @if i > 0 { "; " }
                    bdi { (text_in(l, &p.code)) } " ("
                    (p.roles.iter().map(|r| said(l, r.as_str())).collect::<Vec<_>>().join(", ")) ")"
                } }
            }
            @for r in &c.relations {
                dt { (label("relation")) }
                dd { (tr_in!(l, "case-relation", person = iso(&r.person), kin = said(l, r.kin.as_str()), of = iso(&r.of))) }
            }
            @if let Some(k) = &c.consent {
                dt { (label("consent")) }
                dd {
                    strong { (said(l, k.scope.as_str())) }
                    @if !k.organisations.is_empty() {
                        " (" (tr_in!(l, "case-with", with = iso(k.organisations.join(", ")))) ")"
                    }
                    ", " (said(l, k.how.as_str())) ", " bdi { (k.given) }
                    @if let Some(b) = &k.recorded_by { ", " (tr_in!(l, "case-by", by = iso(b))) }
                }
            }
            @for ver in &c.verification {
                dt { (label("verification")) }
                dd {
                    strong { (said(l, ver.level.as_str())) } ", "
                    (tr_in!(l, "case-by", by = iso(&ver.by))) ", " bdi { (ver.at) } ": "
                    (text_in(l, &ver.why))
                }
            }
        }
        @if !v.timeline.is_empty() {
            h3 { (label("timeline")) }
            ol.timeline {
                @for d in &v.timeline {
                    li {
                        bdi { time { (d.event.date) } } " "
                        bdi { (text_in(l, &d.event.person)) } ": "
                        strong { (said(l, d.event.status.as_str())) }
                        @if let Some(p) = &d.event.place { ", " (text_in(l, p)) }
                        " ("
                        a href={ "records/" (d.source) } { (tr_in!(l, "case-source", id = iso(&d.source[..8]))) }
                        ")"
                    }
                }
            }
        }
    }
}

/// What a part is of another part, for its row in the parts table.
pub(super) fn link(p: &crate::vault::PartView, l: Lang) -> Markup {
    let Some(k) = &p.of else { return html! {} };
    html! {
        br;
        span.hint {
            (tr_in!(l, "case-link", kind = said(l, k.kind.as_str()), of = u64::from(k.of)))
            @if let Some(x) = &k.language { ", " (text_in(l, x)) }
            @if let Some(x) = &k.translator { ", " (tr_in!(l, "case-by", by = iso(x))) }
        }
    }
}
