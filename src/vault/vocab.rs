//! The vault's own vocabulary terms (FORMAT.md 12.4): entries of the `contacts` tree, sealed
//! like the contacts beside them, so that key rotation, the journal and `rebuild` carry them.
//! Search and the tag and place filters use them with the built-in list
//! ([`crate::format::vocab`]).
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result};
use crate::format::vocab::{Term, TermKind, Thesaurus, MAX_TERMS};
use crate::storage::journal::{Ops, TreeId};
use crate::vault::Vault;
use crate::words;

/// The version byte of a vocabulary entry (contacts are 1, authorities 2, settings 3,
/// remotes 4).
pub(crate) const VOCAB_VERSION: u8 = 5;

/// What `vocab add` did.
#[derive(Debug, serde::Serialize)]
pub struct Added {
    /// The term's labels after the addition: the new term's, or the term it joined.
    pub labels: Vec<String>,
    /// Whether the labels joined a term this vault had added before.
    pub extended: bool,
}

impl Vault {
    /// The terms this vault added, with their entries' keys.
    fn own_terms(&self) -> Result<Vec<(Vec<u8>, Term)>> {
        self.contact_entries(VOCAB_VERSION)?
            .into_iter()
            .map(|(k, rest)| {
                let t: Term = postcard::from_bytes(&rest)
                    .map_err(|_| Error::VaultDamaged(words!("d-vocab-decode")))?;
                Ok((k, t))
            })
            .collect()
    }

    /// Every term: the built-in list, then this vault's, in the order they were added.
    pub fn vocabulary(&self) -> Result<Vec<(Term, bool)>> {
        let mut out: Vec<(Term, bool)> = crate::format::vocab::built_in()
            .into_iter()
            .map(|t| (t, true))
            .collect();
        out.extend(self.own_terms()?.into_iter().map(|(_, t)| (t, false)));
        Ok(out)
    }

    /// Search's view of the vocabulary.
    pub(crate) fn thesaurus(&self) -> Result<Thesaurus> {
        let terms: Vec<Term> = self.vocabulary()?.into_iter().map(|(t, _)| t).collect();
        Ok(Thesaurus::new(&terms))
    }

    /// Adds a term with these labels; if one of them is a label of a term this vault added,
    /// the others join that term. (A label of a built-in term makes the new term one with
    /// it in search, without changing the built-in list.) Durable when it returns.
    pub fn vocab_add(&self, kind: TermKind, labels: &[String]) -> Result<Added> {
        let n = |s: &str| crate::format::text::normalize(s).trim().to_owned();
        let mut own = self.own_terms()?;
        let found = own
            .iter_mut()
            .find(|(_, t)| t.labels.iter().any(|l| labels.iter().any(|x| n(x) == n(l))));
        let (key, term, extended) = match found {
            Some((k, t)) => {
                let mut t = t.clone();
                // Labels are one when they are equal folded by case (FORMAT.md 12.4).
                let f = crate::format::text::fold_case;
                for l in labels {
                    if !t.labels.iter().any(|x| f(x) == f(l)) {
                        t.labels.push(l.clone());
                    }
                }
                (k.clone(), t, true)
            }
            None => {
                if own.len() >= MAX_TERMS {
                    return Err(Error::Invalid(words!("d-vocab-too-many", most = MAX_TERMS)));
                }
                let t = Term {
                    kind,
                    labels: labels.to_vec(),
                };
                (crate::crypto::random_bytes::<16>().to_vec(), t, false)
            }
        };
        term.check().map_err(Error::Invalid)?;
        let mut plain = zeroize::Zeroizing::new(vec![VOCAB_VERSION]);
        plain.extend_from_slice(&postcard::to_allocvec(&term).expect("terms serialize"));
        let sealed = self.keyring.catalog_key.seal(Domain::Contact, &key, &plain);
        let mut ops = Ops::new();
        ops.insert(TreeId::Contacts, &key, sealed);
        self.apply(&ops)?;
        self.store.sync()?;
        Ok(Added {
            labels: term.labels.clone(),
            extended,
        })
    }

    /// Removes the term this vault added that has `label`. Durable when it returns. The
    /// built-in list cannot be removed from.
    pub fn vocab_remove(&self, label: &str) -> Result<Term> {
        let n = |s: &str| crate::format::text::normalize(s).trim().to_owned();
        let (key, term) = self
            .own_terms()?
            .into_iter()
            .find(|(_, t)| t.labels.iter().any(|l| n(l) == n(label)))
            .ok_or_else(|| Error::Invalid(words!("d-vocab-none", label = format!("{label:?}"))))?;
        let mut ops = Ops::new();
        ops.remove(TreeId::Contacts, &key);
        self.apply(&ops)?;
        self.store.sync()?;
        Ok(term)
    }
}
