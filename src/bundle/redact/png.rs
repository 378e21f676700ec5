//! PNG: every chunk up to `IEND`, wherever it stands, then whatever follows it.
use super::Removed;
use crate::error::Words;
use crate::words;

/// Ancillary chunks that change how pixels render, kept.
const KEEP: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs", b"bKGD", b"hIST", b"cICP", b"acTL",
    b"fcTL", b"fdAT",
];

/// Critical chunks this cleaner knows.
const CRITICAL: &[&[u8; 4]] = &[b"IHDR", b"PLTE", b"IDAT", b"IEND"];

pub(super) fn strip(b: &[u8], removed: &mut Removed) -> Result<Vec<u8>, Words> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut pos = 8;
    while pos < b.len() {
        if pos + 12 > b.len() {
            return Err(words!("d-png-truncated", at = pos));
        }
        let len = u32::from_be_bytes(b[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let end = pos
            .checked_add(12 + len)
            .filter(|&e| e <= b.len())
            .ok_or_else(|| words!("d-png-past-end", at = pos))?;
        let ty: &[u8; 4] = b[pos + 4..pos + 8].try_into().expect("4 bytes");
        if !ty.iter().all(u8::is_ascii_alphabetic) {
            return Err(words!("d-png-type", at = pos));
        }
        let name = String::from_utf8_lossy(ty);
        if ty[0].is_ascii_uppercase() {
            if !CRITICAL.contains(&ty) {
                return Err(words!(
                    "d-png-unknown-critical",
                    name = name.to_string(),
                    at = pos
                ));
            }
            out.extend_from_slice(&b[pos..end]);
        } else if KEEP.contains(&ty) {
            if !fits(ty, len) {
                return Err(words!(
                    "d-png-chunk-size",
                    name = name.to_string(),
                    at = pos,
                    size = len
                ));
            }
            out.extend_from_slice(&b[pos..end]);
        } else {
            removed.add(format!("{name} chunks"));
        }
        pos = end;
        if ty == b"IEND" {
            super::trailer(&b[end..], end, removed, "PNG")?;
            return Ok(out);
        }
    }
    Err(words!("d-png-no-iend"))
}

/// Whether a kept ancillary chunk's length fits its fields, so no bytes can hide after them.
fn fits(ty: &[u8; 4], len: usize) -> bool {
    match ty {
        b"gAMA" | b"cICP" => len == 4,
        b"cHRM" => len == 32,
        b"sRGB" => len == 1,
        b"pHYs" => len == 9,
        b"acTL" => len == 8,
        b"fcTL" => len == 26,
        b"sBIT" => (1..=4).contains(&len),
        b"bKGD" => matches!(len, 1 | 2 | 6),
        b"tRNS" => len <= 256,
        b"hIST" => len <= 512 && len % 2 == 0,
        _ => true,
    }
}
