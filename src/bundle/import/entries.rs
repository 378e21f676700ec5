//! A bundle's tar entries as a reader takes them (FORMAT.md 13.1, 13.5): raw, so that no
//! header makes the reader hold what it announces. The tar crate reads a GNU long name, a
//! long link or a pax header whole into memory, however large its header says it is, and
//! before anything is signed; with gzip, a bundle of a megabyte can announce a gigabyte.
//! Here a GNU long name (what writers use for a path over 100 bytes) is taken only up to
//! [`MAX_LONG_NAME`] and gives the next entry its path; every other extension is an entry
//! that is not a regular file, which the reader refuses.
use std::io::Read;

use super::checks::{damaged_stream, entry_path, read_small};
use crate::error::Result;
use crate::format::manifest::reject;
use crate::words;

/// Longest path a GNU long-name entry may give (a part's name is far shorter).
pub(super) const MAX_LONG_NAME: u64 = 4096;

pub(super) struct BundleEntries<'a, R: Read> {
    inner: tar::Entries<'a, R>,
}

impl<'a, R: Read> BundleEntries<'a, R> {
    pub(super) fn new(archive: &'a mut tar::Archive<R>) -> Result<BundleEntries<'a, R>> {
        let inner = archive.entries().map_err(damaged_stream)?.raw(true);
        Ok(BundleEntries { inner })
    }

    /// The next entry and its path, or `None` at the end of the archive.
    pub(super) fn next_entry(&mut self) -> Result<Option<(String, tar::Entry<'a, R>)>> {
        let mut long: Option<String> = None;
        loop {
            let Some(e) = self.inner.next() else {
                return match long {
                    Some(_) => Err(reject(words!(
                        "d-bundle-ends-before",
                        what = "a long name's file"
                    ))),
                    None => Ok(None),
                };
            };
            let mut e = e.map_err(damaged_stream)?;
            if e.header().entry_type() != tar::EntryType::GNULongName {
                let path = match long {
                    Some(p) => p,
                    None => entry_path(&e)?,
                };
                return Ok(Some((path, e)));
            }
            // Refused on the header's word, before a byte of it is read.
            let size = e.size();
            if long.is_some() {
                return Err(damaged_stream(std::io::Error::other(
                    "two long names for one file",
                )));
            }
            if size > MAX_LONG_NAME {
                return Err(reject(words!(
                    "d-bundle-too-large",
                    what = "a long file name"
                )));
            }
            let mut name = read_small(&mut e, MAX_LONG_NAME, "a long file name")?;
            while name.last() == Some(&0) {
                name.pop();
            }
            let name =
                String::from_utf8(name).map_err(|_| reject(words!("d-bundle-name-not-utf8")))?;
            long = Some(name);
        }
    }
}
