//! Which records an export takes: all, by tag, by witness code, or by id.
use crate::error::{Error, Result};
use crate::vault::{Filter, Vault};
use crate::words;
use crate::RecordId;

/// Which records to export.
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    Tag(String),
    Witness(String),
    Ids(Vec<String>),
}

impl Selection {
    /// The error for a selection that matched no record: what it named (a vault with no
    /// record at all, for `All`).
    pub(crate) fn matched_nothing(&self) -> crate::Error {
        crate::Error::NoSuchRecord(match self {
            Selection::All => String::new(),
            Selection::Tag(s) | Selection::Witness(s) => s.clone(),
            Selection::Ids(ids) => ids.join(" "),
        })
    }
}

impl Vault {
    pub(super) fn select(&self, sel: &Selection) -> Result<Vec<RecordId>> {
        let filter = match sel {
            Selection::Ids(ids) => {
                let mut out = Vec::new();
                for i in ids {
                    let id = self.resolve(i)?;
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                return Ok(out);
            }
            Selection::All => Filter::default(),
            Selection::Tag(t) => Filter {
                tag: Some(t.clone()),
                ..Default::default()
            },
            Selection::Witness(w) => Filter {
                witness: Some(w.clone()),
                ..Default::default()
            },
        };
        let scan = self.list(&filter)?;
        if let Some(d) = scan.damaged.first() {
            return Err(Error::damaged(d, words!("d-catalog-entry-damaged")));
        }
        Ok(scan.items.into_iter().map(|l| l.id).collect())
    }
}
