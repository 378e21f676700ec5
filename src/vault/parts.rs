//! Opening what a record holds: its sealed body, and its parts checked against the size
//! and SHA-256 taken at ingest. [`crate::vault::read`] and every capability that reads a
//! record (check, export, rotate) go through here.
use std::io::{self, Write};

use super::Vault;
use crate::crypto::seal::{self, Digest, OpenFailure, StreamError};
use crate::error::{Error, Result};
use crate::format::id::RecordId;
use crate::format::record::{RecordBody, Storage};
use crate::vault::read::{map_on_cores, PartView};
use crate::words;

impl Vault {
    /// Opens a record's sealed body.
    pub(crate) fn open_body(&self, id: RecordId) -> Result<RecordBody> {
        let ids = self.identities()?;
        let sealed = self
            .store
            .records()
            .get(self.store.loc(&id))?
            .ok_or_else(|| Error::NoSuchRecord(id.to_hex()))?;
        let plain = seal::open_bytes(&ids, &sealed).map_err(|f| match f {
            // Every body in a full vault is sealed to its own key: a stanza that no longer
            // opens with it is damage (a collector holds no key that opens bodies at all).
            OpenFailure::NotForUs if !self.keyring.collector => {
                Error::damaged(id, words!("d-parts-body-no-stanza"))
            }
            OpenFailure::NotForUs => {
                Error::CannotOpen(words!("d-parts-record-not-ours", record = id.short()))
            }
            OpenFailure::Corrupt(w) => Error::damaged(id, w),
            OpenFailure::ExcessiveWork { .. } => {
                Error::damaged(id, words!("d-parts-passphrase-stanza"))
            }
            OpenFailure::Io(e) => Error::io(words!("d-reading-record"), e),
        })?;
        RecordBody::decode(id, &plain)
    }

    /// Opens the bodies of many records on every core, in the order given.
    pub(crate) fn open_bodies(&self, ids: &[RecordId]) -> Vec<Result<RecordBody>> {
        map_on_cores(ids, 16, |id| self.open_body(*id))
    }

    /// A part named as the user names it (its name, or its index when no part has that
    /// name), written to `out` without the custody event, which `get` logs once the part
    /// has verified. Code that knows a part's place uses [`Vault::write_part`].
    pub(crate) fn read_part(
        &self,
        id: RecordId,
        part: &str,
        out: &mut dyn Write,
    ) -> Result<PartView> {
        let body = self.open_body(id)?;
        let i = body.find_part(part).ok_or_else(|| Error::NoSuchPart {
            id: id.short(),
            part: part.to_owned(),
        })?;
        self.write_part(id, &body, i, out)
    }

    /// Writes part `i` of an opened body to `out`, checked against its size and SHA-256
    /// from ingest (an identity part, only on a custodian's device).
    pub(crate) fn write_part(
        &self,
        id: RecordId,
        body: &RecordBody,
        i: usize,
        out: &mut dyn Write,
    ) -> Result<PartView> {
        let p = &body.parts[i];
        if let Storage::Sealed(sealed) = &p.storage {
            return self.get_sealed(id, i, p, sealed, out);
        }
        let digest = match &p.storage {
            Storage::Inline(bytes) => {
                out.write_all(bytes)
                    .map_err(|e| Error::output("output", e))?;
                Digest {
                    size: bytes.len() as u64,
                    sha256: seal::sha256(bytes),
                }
            }
            Storage::Sealed(_) => unreachable!("identity parts are handled above"),
            Storage::Object { .. } => {
                let mut plain = self.open_part(id, p)?;
                seal::copy_hashing(&mut plain, out).map_err(|e| match e {
                    StreamError::Write(e) => Error::output("output", e),
                    StreamError::Read(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
                        ) =>
                    {
                        let part = format!("{:?}", p.name);
                        let w = words!("d-parts-not-authentic", part = part, why = e.to_string());
                        Error::damaged(id, w)
                    }
                    StreamError::Read(e) => Error::io(words!("d-reading-object"), e),
                })?
            }
        };
        if digest.size != p.size || digest.sha256 != p.sha256 {
            let part = format!("{:?}", p.name);
            return Err(Error::damaged(
                id,
                words!("d-part-sha-differs", part = part),
            ));
        }
        Ok(PartView {
            of: None,
            index: i,
            kind: p.kind.as_str(),
            name: p.name.clone(),
            size: p.size,
            sha256: hex::encode(p.sha256),
            stored: if p.object().is_some() {
                "object"
            } else {
                "inline"
            },
            recognised: None,
        })
    }

    /// Opens an identity part: checks the sealed bytes against their hash, then opens them
    /// with this device's key if it is a custodian.
    fn get_sealed(
        &self,
        id: RecordId,
        index: usize,
        p: &crate::format::record::Part,
        sealed: &[u8],
        out: &mut dyn Write,
    ) -> Result<PartView> {
        if seal::sha256(sealed) != p.sha256 || sealed.len() as u64 != p.size {
            return Err(Error::damaged(id, words!("d-parts-identity-sha256")));
        }
        if !self.is_custodian() {
            return Err(Error::CannotOpen(words!("d-parts-identity-not-custodian")));
        }
        let plain = seal::open_bytes(&self.identities()?, sealed).map_err(|f| match f {
            OpenFailure::NotForUs => Error::CannotOpen(words!("d-parts-identity-key-absent")),
            other => {
                let why = format!("{other:?}");
                Error::damaged(id, words!("d-parts-identity-does-not-open", why = why))
            }
        })?;
        out.write_all(&plain)
            .map_err(|e| Error::output("output", e))?;
        Ok(PartView {
            of: None,
            index,
            kind: p.kind.as_str(),
            name: p.name.clone(),
            size: plain.len() as u64,
            sha256: hex::encode(seal::sha256(&plain)),
            stored: "sealed to the identity custodians",
            recognised: None,
        })
    }

    /// A reader of a part's plaintext, without verification: callers hash what they read
    /// and compare with the part's SHA-256.
    pub(crate) fn open_part<'a>(
        &'a self,
        rid: RecordId,
        part: &'a crate::format::record::Part,
    ) -> Result<Box<dyn io::Read + Send + 'a>> {
        match &part.storage {
            Storage::Inline(bytes) => Ok(Box::new(&bytes[..])),
            Storage::Sealed(_) => Err(Error::CannotOpen(words!("d-parts-identity-get-only"))),
            Storage::Object { id: oid, .. } => {
                let oid = crate::format::id::ObjectId(*oid);
                let name = || format!("{:?}", part.name);
                let f = self.store.open_object(&oid).map_err(|_| {
                    Error::damaged(rid, words!("d-parts-object-missing", part = name()))
                })?;
                let d = age::Decryptor::new_buffered(seal::buffered(f)).map_err(|_| {
                    Error::damaged(rid, words!("d-parts-damaged-header", part = name()))
                })?;
                let r = d.decrypt(self.identities()?.into_iter()).map_err(|_| {
                    Error::damaged(rid, words!("d-parts-does-not-open", part = name()))
                })?;
                Ok(Box::new(crate::crypto::pad::Unpadded::new(r, part.size)))
            }
        }
    }
}
