//! A record's persons, relations, consent, verification, timeline and linked parts on its
//! page (FORMAT.md 7.4), read-only: they are described with `amanat case` and `amanat
//! consent`.
use maud::{html, Markup};

use super::pages::{iso, plain, text_in};
use super::Failure;
use crate::format::case::{Consent, How, Scope};
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

/// The add form's consent: its scope (none recorded by default), the contacts a `share`
/// covers (ticked among `contacts`, or typed on a collector, which has none), how and when
/// it was given, and who recorded it.
pub(super) fn consent_fieldset(l: Lang, contacts: Option<&[String]>) -> Markup {
    let today = jiff::Zoned::now().date().to_string();
    html! {
        fieldset {
            legend { (tr_in!(l, "web-consent")) }
            label for="consent" { (tr_in!(l, "web-consent-scope")) }
            select #consent name="consent" {
                option value="" { (tr_in!(l, "web-consent-none")) }
                @for s in Scope::ALL { option value=(s.as_str()) { (said(l, s.as_str())) } }
            }
            @match contacts {
                Some(names) => {
                    p { (tr_in!(l, "web-consent-share-with")) }
                    @for (i, n) in names.iter().enumerate() {
                        label { input type="checkbox" name="share_with" value=(n) id={ "share" (i) }; " " (plain(n)) }
                    }
                }
                None => {
                    label for="share_with" { (tr_in!(l, "web-consent-share-with-typed")) }
                    input #share_with name="share_with" autocomplete="off";
                }
            }
            label for="consent_how" { (tr_in!(l, "web-consent-how")) }
            select #consent_how name="consent_how" {
                @for h in How::ALL { option value=(h.as_str()) { (said(l, h.as_str())) } }
            }
            label for="consent_date" { (tr_in!(l, "web-consent-date")) }
            input #consent_date name="consent_date" type="date" value=(today);
            label for="consent_by" { (tr_in!(l, "web-consent-by")) }
            input #consent_by name="consent_by" autocomplete="off";
        }
    }
}

/// The consent the add form's fields give, if a scope was chosen.
pub(super) fn consent_of(f: &[(String, String)], l: Lang) -> Result<Option<Consent>, Failure> {
    let get = |name: &str| {
        f.iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let Some(scope) = get("consent") else {
        return Ok(None);
    };
    let bad = || Failure::Bad(tr_in!(l, "web-consent-bad"));
    let scope = Scope::parse(&scope).ok_or_else(bad)?;
    let how = How::parse(&get("consent_how").unwrap_or_else(|| "oral".into())).ok_or_else(bad)?;
    // Ticked contacts come one a field; a collector's typed names, separated by commas.
    let organisations: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "share_with")
        .flat_map(|(_, v)| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if (scope == Scope::Share) == organisations.is_empty() {
        return Err(Failure::Bad(tr_in!(l, "web-consent-share")));
    }
    let given = get("consent_date").unwrap_or_else(|| jiff::Zoned::now().date().to_string());
    crate::format::record::parse_date(&given)
        .map_err(|e| Failure::Bad(crate::i18n::errors::message_isolated(l, &e)))?;
    Ok(Some(Consent {
        scope,
        organisations,
        how,
        given,
        recorded_by: get("consent_by"),
    }))
}
