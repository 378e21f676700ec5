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
            same_to_every_reader(e.header())?;
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
            // GNU tar reads a long name up to its first NUL, on into the block's padding if
            // the name has none: it must end with one, and hold none before.
            if name.last() != Some(&0) {
                return Err(odd_header("a long name without its NUL"));
            }
            while name.last() == Some(&0) {
                name.pop();
            }
            if name.contains(&0) {
                return Err(odd_header("a long name with a NUL inside"));
            }
            let name =
                String::from_utf8(name).map_err(|_| reject(words!("d-bundle-name-not-utf8")))?;
            long = Some(name);
        }
    }
}

fn odd_header(what: &str) -> crate::error::Error {
    reject(words!("d-bundle-tar-header", what = what))
}

/// A header every tar program reads alike, so that a partner's `tar xz` extracts what Amanat
/// checked: a size field in octal digits (space-led or not, ended by NULs or spaces) or in
/// base-256 that fits 64 bits (the tar crate took `+12` as octal 10, GNU tar as the obsolete
/// base-64 3,446, so one signed bundle could hold a second tar for GNU tar to read); and no
/// POSIX ustar header of another version than `00` (GNU tar joins its prefix to the name,
/// the tar crate does not).
fn same_to_every_reader(h: &tar::Header) -> Result<()> {
    let size = &h.as_old().size;
    let canonical = match size[0] {
        0x80 => size[1..4].iter().all(|&b| b == 0),
        _ => {
            let field = size.iter().skip_while(|&&b| b == b' ');
            let digits = field
                .clone()
                .take_while(|b| (b'0'..=b'7').contains(b))
                .count();
            let rest = field.skip(digits);
            digits > 0 && rest.clone().all(|&b| b == 0 || b == b' ')
        }
    };
    if !canonical {
        return Err(odd_header("a size field not in plain octal"));
    }
    let magic = &h.as_bytes()[257..265];
    if magic.starts_with(b"ustar\0") && &magic[6..] != b"00" {
        return Err(odd_header("a ustar header of another version"));
    }
    Ok(())
}
