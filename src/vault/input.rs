//! Where the bytes of a part to add come from: a file, or any reader.
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::words;

/// Where a part's bytes come from.
pub enum PartInput {
    /// A file; the part is named after the file's name.
    Path(PathBuf),
    /// Any reader, with the name the part gets.
    Reader {
        name: String,
        reader: Box<dyn Read + Send>,
    },
}

impl PartInput {
    /// The name the part will get, if it is known before the input is opened.
    pub(crate) fn name(&self) -> Option<String> {
        match self {
            PartInput::Path(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            PartInput::Reader { name, .. } => Some(name.clone()),
        }
    }

    pub(super) fn open(self) -> Result<(String, Box<dyn Read + Send>)> {
        match self {
            PartInput::Path(p) => {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| Error::Invalid(words!("d-add-no-file-name", path = &p)))?;
                let f = File::open(&p).map_err(|e| Error::input(&p, e))?;
                let md = f.metadata().map_err(|e| Error::input(&p, e))?;
                if md.is_dir() {
                    return Err(Error::Input {
                        path: p,
                        reason: words!("d-add-is-directory"),
                    });
                }
                Ok((name, Box::new(f)))
            }
            PartInput::Reader { name, reader } => Ok((name, reader)),
        }
    }
}
