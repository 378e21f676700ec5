//! Removing metadata from images without touching their pixels (FORMAT.md 13.4), and naming
//! the formats that are not cleaned.
//!
//! Every cleaner walks the whole file, not just its header: JPEG segments between and after
//! scans, PNG chunks after the image data, every WebP chunk, and whatever follows the end of
//! the image. It keeps only what it knows to be image data and drops the rest; anything it
//! cannot account for is an error, so a file is either fully cleaned or not exported as
//! cleaned. The cleaned copy is a pure function of the original (export computes it twice).
//!
//! - JPEG (`jpeg`): the structural segments (frame, tables, scans, restart intervals) and
//!   the entropy-coded data are copied; APP0 `JFIF` is kept without its thumbnail and APP14
//!   `Adobe` without extra bytes; every other APPn (EXIF, XMP, ICC, MPF, IPTC, …) and COM is
//!   dropped wherever it stands. An unknown marker, or a kept segment longer than its
//!   fields, is an error.
//! - PNG (`png`): `IHDR PLTE IDAT IEND`, and of the ancillary chunks only those that change
//!   how pixels render (`tRNS gAMA cHRM sRGB sBIT pHYs bKGD hIST cICP`, APNG's `acTL fcTL
//!   fdAT`); every other chunk, wherever it stands, is dropped. An unknown critical chunk, or
//!   a kept ancillary chunk longer than its fields, is an error.
//! - WebP (`webp`): `VP8 VP8L ALPH ANIM ANMF` (and in animation frames `VP8 VP8L ALPH`) are
//!   kept; `EXIF`, `XMP `, `ICCP` and unknown chunks are dropped; `VP8X` keeps only its
//!   alpha and animation flags.
//! - After the image (`trailer`): padding, appended JPEG images (EXIF thumbnails, MPF
//!   pictures, Ultra HDR gain maps) and an appended ISO media file (a Motion Photo's video)
//!   are dropped; any other trailing data is an error.
//!
//! - TIFF (`tiff`): rewritten as a new file holding each page's strips or tiles byte for
//!   byte and new IFDs with only the tags that render them; every other tag (EXIF, GPS,
//!   SubIFDs, XMP, IPTC, ICC, identifying text, private tags) and every unreferenced byte
//!   is left behind. BigTIFF, old-style JPEG and layouts it cannot account for are errors.
//!
//! Every other format is not cleaned; `detect` names them from their content.

mod detect;
mod jpeg;
mod png;
#[cfg(test)]
mod tests;
mod tiff;
#[cfg(test)]
mod tiff_tests;
mod webp;

use crate::error::Words;
use crate::words;

pub use detect::{sniff_uncleaned, Sniffer, SniffingReader};

pub use crate::format::media::{sniff_image, Image};

/// A cleaned image and what cleaning removed from it.
pub struct Cleaned {
    pub bytes: Vec<u8>,
    /// For the manifest's `removed`: the format and each kind of thing removed.
    pub removed: String,
}

/// Returns the image without its metadata, or why it cannot be cleaned safely (naming the
/// part of the file).
pub fn strip(kind: Image, bytes: &[u8]) -> Result<Cleaned, Words> {
    let mut removed = Removed::default();
    let (bytes, name) = match kind {
        Image::Jpeg => (jpeg::strip(bytes, &mut removed)?, "JPEG"),
        Image::Png => (png::strip(bytes, &mut removed)?, "PNG"),
        Image::Webp => (webp::strip(bytes, &mut removed)?, "WebP"),
        Image::Tiff => (tiff::strip(bytes, &mut removed)?, "TIFF"),
    };
    let removed = if removed.0.is_empty() {
        format!("{name}: no metadata found")
    } else {
        format!("{name}: {}", removed.0.join(", "))
    };
    Ok(Cleaned { bytes, removed })
}

/// What a cleaner dropped, each kind once, in the order first found.
#[derive(Default)]
pub(crate) struct Removed(Vec<String>);

impl Removed {
    fn add(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.0.contains(&what) {
            self.0.push(what);
        }
    }
}

/// Accounts for the bytes after an image's end (`rest`, starting at file offset `at`): each
/// piece must be padding, an appended JPEG or an appended ISO media file, all dropped.
fn trailer(rest: &[u8], at: usize, removed: &mut Removed, image: &str) -> Result<(), Words> {
    let mut p = 0;
    while p < rest.len() {
        let r = &rest[p..];
        if r.iter().all(|&c| c == 0 || c == 0xFF) {
            removed.add("padding after the image");
            return Ok(());
        }
        if r.starts_with(&[0xFF, 0xD8, 0xFF]) {
            let n = jpeg::extent(r)
                .map_err(|why| words!("d-image-appended-jpeg", at = at + p, why = why))?;
            removed.add(
                "appended JPEG images (thumbnail, MPF picture or gain map) and their metadata",
            );
            p += n;
            continue;
        }
        if let Some(n) = detect::iso_extent(r) {
            removed.add("an appended video (Motion Photo) and its metadata");
            p += n;
            continue;
        }
        return Err(words!(
            "d-image-trailing",
            size = r.len(),
            image = image,
            at = at + p
        ));
    }
    Ok(())
}
