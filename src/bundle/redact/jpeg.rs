//! JPEG: every segment from the start of the image to its end, including those between and
//! after scans, then whatever follows the end-of-image marker.
use super::Removed;
use crate::error::Words;
use crate::words;

/// The image without metadata; then [`super::trailer`] accounts for what follows it.
pub(super) fn strip(b: &[u8], removed: &mut Removed) -> Result<Vec<u8>, Words> {
    let mut out = Vec::with_capacity(b.len());
    let end = walk(b, Some((&mut out, removed)))?;
    super::trailer(&b[end..], end, removed, "JPEG")?;
    Ok(out)
}

/// The length of the JPEG at the start of `b`, through its end-of-image marker.
pub(super) fn extent(b: &[u8]) -> Result<usize, Words> {
    walk(b, None)
}

/// Walks one JPEG from SOI to EOI, writing what is kept to `out` when given; returns the
/// offset just after EOI.
fn walk(b: &[u8], mut out: Option<(&mut Vec<u8>, &mut Removed)>) -> Result<usize, Words> {
    let emit = |out: &mut Option<(&mut Vec<u8>, &mut Removed)>, bytes: &[u8]| {
        if let Some((o, _)) = out {
            o.extend_from_slice(bytes);
        }
    };
    let note = |out: &mut Option<(&mut Vec<u8>, &mut Removed)>, what: String| {
        if let Some((_, r)) = out {
            r.add(what);
        }
    };
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(words!("d-jpeg-no-soi"));
    }
    emit(&mut out, &b[..2]);
    let mut pos = 2;
    let mut in_scan = false;
    loop {
        if in_scan {
            // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00, a
            // restart marker or a fill byte.
            let start = pos;
            loop {
                let i = memchr::memchr(0xFF, &b[pos..]).ok_or_else(|| words!("d-jpeg-no-eoi"))?;
                let q = pos + i;
                match b.get(q + 1) {
                    None => return Err(words!("d-jpeg-no-eoi")),
                    Some(0x00) | Some(0xD0..=0xD7) => pos = q + 2,
                    Some(0xFF) => pos = q + 1,
                    Some(_) => {
                        emit(&mut out, &b[start..q]);
                        pos = q;
                        break;
                    }
                }
            }
            in_scan = false;
        }
        if b.get(pos) != Some(&0xFF) {
            return Err(words!("d-jpeg-no-marker", at = pos));
        }
        // Fill bytes 0xFF may precede a marker.
        while b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *b
            .get(pos + 1)
            .ok_or_else(|| words!("d-jpeg-ends-in-marker"))?;
        match marker {
            0xD9 => {
                emit(&mut out, &b[pos..pos + 2]);
                return Ok(pos + 2);
            }
            0x01 => {
                emit(&mut out, &b[pos..pos + 2]);
                pos += 2;
                continue;
            }
            _ => {}
        }
        let len = match (b.get(pos + 2), b.get(pos + 3)) {
            (Some(&h), Some(&l)) => u16::from_be_bytes([h, l]) as usize,
            _ => return Err(words!("d-jpeg-ends-inside", at = pos)),
        };
        if len < 2 || pos + 2 + len > b.len() {
            return Err(words!("d-jpeg-segment-past-end", at = pos));
        }
        let seg = &b[pos..pos + 2 + len];
        let payload = &seg[4..];
        if let Some(n) = structure(marker, payload) {
            if n != payload.len() {
                return Err(words!(
                    "d-jpeg-segment-size",
                    marker = format!("0x{marker:02X}"),
                    at = pos,
                    size = payload.len()
                ));
            }
        }
        match marker {
            // Frames (SOF0-15 but DHT, JPG, DAC), tables, restart interval, DNL, DHP, EXP.
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => emit(&mut out, seg),
            0xC4 | 0xCC | 0xDB | 0xDC | 0xDD | 0xDE | 0xDF => emit(&mut out, seg),
            0xDA => {
                emit(&mut out, seg);
                in_scan = true;
            }
            0xE0 if payload.starts_with(b"JFIF\0") && payload.len() >= 14 => {
                // Version, units and density; no thumbnail (it can show the uncropped
                // original).
                emit(&mut out, &[0xFF, 0xE0, 0, 16]);
                emit(&mut out, &payload[..12]);
                emit(&mut out, &[0, 0]);
                if payload.len() > 14 || payload[12] != 0 || payload[13] != 0 {
                    note(&mut out, "JFIF thumbnail".into());
                }
            }
            0xEE if payload.starts_with(b"Adobe") && payload.len() >= 12 => {
                emit(&mut out, &[0xFF, 0xEE, 0, 14]);
                emit(&mut out, &payload[..12]);
                if payload.len() > 12 {
                    note(&mut out, "extra bytes in APP14 Adobe".into());
                }
            }
            0xE0..=0xEF => note(&mut out, app_name(marker, payload)),
            0xFE => note(&mut out, "COM comments".into()),
            _ => {
                return Err(words!(
                    "d-jpeg-unknown-marker",
                    marker = format!("0x{marker:02X}"),
                    at = pos
                ))
            }
        }
        pos += 2 + len;
    }
}

/// The payload length a kept segment's own fields give, so no bytes can hide after them.
fn structure(marker: u8, p: &[u8]) -> Option<usize> {
    let walk = |unit: &dyn Fn(&[u8]) -> usize| {
        let mut i = 0;
        while i < p.len() {
            i += unit(&p[i..]);
        }
        i
    };
    Some(match marker {
        // A segment too short to hold its count is a mismatch too.
        0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDE => {
            p.get(5).map_or(usize::MAX, |&n| 6 + 3 * n as usize)
        }
        0xDA => p.first().map_or(usize::MAX, |&n| 4 + 2 * n as usize),
        0xDB => walk(&|t| 1 + 64 * (1 + (t[0] >> 4) as usize)),
        0xC4 => walk(&|t| {
            17 + t
                .get(1..17)
                .map_or(p.len(), |c| c.iter().map(|&n| n as usize).sum())
        }),
        0xDD | 0xDC => 2,
        0xDF => 1,
        0xCC => p.len() & !1,
        _ => return None,
    })
}

/// What an APPn segment holds, for the report.
fn app_name(marker: u8, payload: &[u8]) -> String {
    let n = marker - 0xE0;
    let what = if payload.starts_with(b"Exif\0") {
        "EXIF (camera, time, GPS, thumbnail)"
    } else if payload.starts_with(b"http://ns.adobe.com/xap/1.0/") {
        "XMP"
    } else if payload.starts_with(b"http://ns.adobe.com/xmp/extension/") {
        "extended XMP"
    } else if payload.starts_with(b"ICC_PROFILE\0") {
        "ICC profile"
    } else if payload.starts_with(b"MPF\0") {
        "MPF picture index"
    } else if payload.starts_with(b"Photoshop 3.0\0") {
        "Photoshop/IPTC"
    } else {
        return format!("APP{n}");
    };
    format!("APP{n} {what}")
}
