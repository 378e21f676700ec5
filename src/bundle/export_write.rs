//! Pass two of an export (FORMAT.md 13.1): each record's `record.json` and files into the
//! compressed tar, every part checked against the SHA-256 pass one put in the manifest.
use std::io::{self, Read, Write};
use std::path::Path;

use zeroize::Zeroizing;

use super::export::PlannedRecord;
use super::gzip::{GzipWriter, STORED, TEXT};
use super::redact;
use super::tar_entries::{append, header};
use crate::error::{Error, Result};
use crate::format::record::{PartKind, RecordBody, Storage};
use crate::vault::Vault;
use crate::words;
use crate::RecordId;

impl Vault {
    /// The bundle's tar into `w`, compressed (FORMAT.md 13.1): the files of `head`
    /// (manifest, signature, sums, CSV), then each planned record's; returns `w` once the
    /// gzip stream has ended.
    pub(super) fn write_tar<W: Write>(
        &self,
        w: W,
        head: &[(&str, &[u8])],
        planned: &[PlannedRecord],
        mtime: u64,
        out: &Path,
        not_cleaned: &mut Vec<(String, String, String)>,
    ) -> Result<W> {
        let werr = |e: io::Error| Error::output(out, e);
        let mut tar = tar::Builder::new(GzipWriter::new(w, TEXT).map_err(werr)?);
        for (path, bytes) in head {
            append(&mut tar, path, bytes, mtime).map_err(werr)?;
        }
        for chunk in planned.chunks(super::export::BODIES_AT_ONCE) {
            let ids: Vec<RecordId> = (chunk.iter().filter(|r| r.body.is_none()))
                .map(|r| r.id)
                .collect();
            let mut opened = self.open_bodies(&ids).into_iter();
            for rec in chunk {
                let body = match &rec.body {
                    Some(b) => b,
                    None => &opened.next().expect("one body a record not kept")?,
                };
                self.write_record(&mut tar, rec, body, mtime, out, not_cleaned)?;
            }
        }
        tar.into_inner().and_then(|gz| gz.finish()).map_err(werr)
    }

    /// Pass two for one record: its `record.json` and every planned part into the tar
    /// stream, each checked against the SHA-256 the manifest states; formats that are not
    /// cleaned but carry metadata are named in `not_cleaned`.
    pub(super) fn write_record<W: Write>(
        &self,
        tar: &mut tar::Builder<GzipWriter<W>>,
        rec: &PlannedRecord,
        body: &RecordBody,
        mtime: u64,
        out: &Path,
        not_cleaned: &mut Vec<(String, String, String)>,
    ) -> Result<()> {
        let werr = |e: io::Error| Error::output(out, e);
        tar.get_mut().set_level(TEXT).map_err(werr)?;
        append(
            tar,
            &format!("records/{}/record.json", rec.bundle_id.to_hex()),
            &rec.json,
            mtime,
        )
        .map_err(werr)?;
        for pp in &rec.parts {
            let p = &body.parts[pp.index];
            // Texts are compressed; a recording or a scan does not compress, and is stored.
            let text = matches!(p.kind, PartKind::Testimony | PartKind::Recognised)
                || body.links.iter().any(|l| l.part as usize == pp.index);
            let level = [STORED, TEXT][usize::from(text)];
            tar.get_mut().set_level(level).map_err(werr)?;
            let damaged = || {
                Error::damaged(
                    rec.id,
                    words!("d-part-sha-differs", part = format!("{:?}", p.name)),
                )
            };
            if p.kind == PartKind::Identity {
                let plain = super::partner_view::identity_plaintext(self, rec.id, body, pp.index)?;
                if crate::crypto::seal::sha256(&plain) != pp.sha256 {
                    return Err(damaged());
                }
                append(tar, &pp.path, &plain, mtime).map_err(werr)?;
            } else if let Some(kind) = pp.clean {
                let orig = super::partner_view::read_verified(self, rec.id, body, pp.index)?;
                let clean =
                    Zeroizing::new(redact::strip(kind, &orig).map_err(|_| damaged())?.bytes);
                if crate::crypto::seal::sha256(&clean) != pp.sha256 {
                    return Err(damaged());
                }
                append(tar, &pp.path, &clean, mtime).map_err(werr)?;
            } else if let Storage::Inline(bytes) = &p.storage {
                // In the body already opened: checked, then written, with no thread.
                if bytes.len() as u64 != pp.size || crate::crypto::seal::sha256(bytes) != pp.sha256
                {
                    return Err(damaged());
                }
                let mut sniffer = redact::Sniffer::default();
                let sniffing = redact::SniffingReader {
                    inner: &bytes[..],
                    sniffer: &mut sniffer,
                };
                tar.append_data(&mut header(pp.size, mtime), &pp.path, sniffing)
                    .map_err(werr)?;
                if let Some(fmt) = sniffer.name() {
                    not_cleaned.push((rec.bundle_id.to_hex(), p.name.clone(), fmt));
                }
            } else {
                // Decrypt and hash on a helper thread while this one encrypts.
                let source = self.open_part(rec.id, p)?;
                // and name its format from its content as it goes by.
                let mut sniffer = redact::Sniffer::default();
                let digest = std::thread::scope(|scope| {
                    let (mut pipe, hasher) =
                        crate::crypto::seal::spawn_hashing_reader(scope, source);
                    let mut h = header(pp.size, mtime);
                    let sniffing = redact::SniffingReader {
                        inner: (&mut pipe).take(pp.size),
                        sniffer: &mut sniffer,
                    };
                    let written = tar.append_data(&mut h, &pp.path, sniffing);
                    drop(pipe);
                    let digest = hasher.join().expect("the reader thread does not panic");
                    match (written, digest) {
                        (Ok(()), Ok(d)) => Ok(d),
                        (_, Err(e)) if e.kind() == io::ErrorKind::InvalidData => Err(damaged()),
                        (Err(e), _) => Err(werr(e)),
                        (Ok(()), Err(e)) => Err(Error::io(words!("d-reading-part"), e)),
                    }
                })?;
                if digest.size != pp.size || digest.sha256 != pp.sha256 {
                    return Err(damaged());
                }
                if let Some(fmt) = sniffer.name() {
                    not_cleaned.push((rec.bundle_id.to_hex(), p.name.clone(), fmt));
                }
            }
        }
        Ok(())
    }
}
