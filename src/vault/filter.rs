//! What `list` (and `export`'s selection) keeps of the catalog: by tag and place (any label
//! of their vocabulary term: FORMAT.md 12.4), witness, dates, and the testimony model's
//! persons, verification and statuses (7.4).
use crate::format::catalog::CatalogEntry;
use crate::format::text::{fold_case, normalize};

/// What `list` keeps.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Records with this tag (case-insensitive), or with another label of the vocabulary
    /// term it is a label of.
    pub tag: Option<String>,
    pub witness: Option<String>,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    /// Records whose place holds this word, or another label of its vocabulary term.
    pub place: Option<String>,
    /// Records that name this person code, in any role (the witness is the testifier).
    pub person: Option<String>,
    /// Records naming a person whose latest status event (in the whole vault) is this.
    pub status: Option<crate::format::case::Status>,
    /// Records at this verification level (a record never verified is `unverified`).
    pub verification: Option<crate::format::case::Level>,
}

/// A filter with the forms its tag and place take in the vocabulary ([`Filter::expanded`]).
pub struct Expanded {
    pub filter: Filter,
    tag_forms: Vec<String>,
    place_forms: Vec<String>,
}

impl Filter {
    /// The filter with the forms its tag and place may take: the tag, and if it is a label
    /// of a vocabulary term every label of that term, folded by case; the place normalized
    /// as search compares, with the labels of its term.
    pub fn expanded(&self, v: &super::Vault) -> crate::error::Result<Expanded> {
        let mut f = Expanded {
            filter: self.clone(),
            tag_forms: vec![],
            place_forms: vec![],
        };
        if self.tag.is_none() && self.place.is_none() {
            return Ok(f);
        }
        let thesaurus = v.thesaurus()?;
        if let Some(t) = &self.tag {
            // Each label as written, folded by case only: a term joins the spellings a
            // user gave it, never `HR` and `ХР` by itself.
            f.tag_forms = vec![fold_case(t)];
            f.tag_forms
                .extend(thesaurus.written_labels_of(t).iter().map(|l| fold_case(l)));
        }
        if let Some(p) = &self.place {
            f.place_forms = thesaurus.labels_of(p);
        }
        Ok(f)
    }
}

impl std::ops::Deref for Expanded {
    type Target = Filter;
    fn deref(&self) -> &Filter {
        &self.filter
    }
}

impl Expanded {
    /// Whether the filter keeps a record with this catalog entry.
    pub fn keeps(&self, e: &CatalogEntry) -> bool {
        if self.person.is_some() || self.verification.is_some() {
            let Some(m) = &e.meta else { return false };
            let case = e.case();
            if let Some(p) = &self.person {
                if !case.names(m.witness.as_deref(), p) {
                    return false;
                }
            }
            if self.verification.is_some_and(|l| case.level() != l) {
                return false;
            }
        }
        if self.tag.is_some() || self.witness.is_some() || self.place.is_some() {
            let Some(m) = &e.meta else { return false };
            if self.tag.is_some() {
                // Case only, unless the vocabulary says otherwise: a tag selects what an
                // export sends, so `HR` must not take `ХР`.
                let is_one = |x: &String| {
                    let folded = fold_case(x);
                    self.tag_forms.contains(&folded)
                };
                if !m.tags.iter().any(is_one) {
                    return false;
                }
            }
            if let Some(w) = &self.witness {
                if m.witness.as_deref() != Some(w.as_str()) {
                    return false;
                }
            }
            if self.place.is_some() {
                let place = m.place.as_deref().map(normalize).unwrap_or_default();
                if !self.place_forms.iter().any(|f| place.contains(f.as_str())) {
                    return false;
                }
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(d) = e.effective_date() else {
                return false;
            };
            if self.since.is_some_and(|s| d < s) || self.until.is_some_and(|u| d > u) {
                return false;
            }
        }
        true
    }
}
