//! WebP: every chunk of the RIFF container (and of animation frames), then whatever follows
//! the container.
use super::Removed;
use crate::error::Words;
use crate::words;

/// VP8X flags kept: alpha and animation. ICC, EXIF, XMP and reserved bits are cleared.
const VP8X_KEEP: u8 = 0x10 | 0x02;

pub(super) fn strip(b: &[u8], removed: &mut Removed) -> Result<Vec<u8>, Words> {
    if b.len() < 12 {
        return Err(words!("d-webp-riff-header-truncated"));
    }
    let size = u32::from_le_bytes(b[4..8].try_into().expect("4 bytes")) as usize;
    let end = 8usize
        .checked_add(size)
        .filter(|&e| e <= b.len() && e >= 12)
        .ok_or_else(|| words!("d-webp-riff-size"))?;
    let mut body = Vec::with_capacity(end);
    let mut first = true;
    for (at, fourcc, data) in chunks(b, 12, end)? {
        if first && !matches!(&fourcc, b"VP8 " | b"VP8L" | b"VP8X") {
            return Err(words!("d-webp-first-chunk-byte-vp8", at = at));
        }
        first = false;
        match &fourcc {
            b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" => push(&mut body, &fourcc, data),
            b"VP8X" => {
                if data.len() < 10 {
                    return Err(words!("d-webp-vp8x-chunk-byte-too", at = at));
                }
                let mut x = data[..10].to_vec();
                x[0] &= VP8X_KEEP;
                x[1..4].fill(0);
                if data.len() > 10 {
                    removed.add("extra bytes in VP8X");
                }
                push(&mut body, &fourcc, &x);
            }
            b"ANMF" => {
                if data.len() < 16 {
                    return Err(words!("d-webp-anmf-chunk-byte-too", at = at));
                }
                let mut frame = data[..16].to_vec();
                let inner = chunks(data, 16, data.len())
                    .map_err(|e| words!("d-webp-animation-frame-byte", at = at, e = e))?;
                for (_, sub, sd) in inner {
                    match &sub {
                        b"VP8 " | b"VP8L" | b"ALPH" => push(&mut frame, &sub, sd),
                        _ => removed.add(format!(
                            "{} chunks in animation frames",
                            String::from_utf8_lossy(&sub)
                        )),
                    }
                }
                push(&mut body, &fourcc, &frame);
            }
            b"EXIF" => removed.add("EXIF (camera, time, GPS)"),
            b"XMP " => removed.add("XMP"),
            b"ICCP" => removed.add("ICC profile"),
            other => removed.add(format!("unknown chunk {}", String::from_utf8_lossy(other))),
        }
    }
    super::trailer(&b[end..], end, removed, "WebP")?;
    let mut out = Vec::with_capacity(12 + body.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Ok(out)
}

/// A chunk: its offset, fourcc and data without padding.
type Chunk<'a> = (usize, [u8; 4], &'a [u8]);

/// The chunks of `b[start..end]`.
fn chunks(b: &[u8], start: usize, end: usize) -> Result<Vec<Chunk<'_>>, Words> {
    let mut v = Vec::new();
    let mut pos = start;
    while pos < end {
        if pos + 8 > end {
            return Err(words!("d-webp-chunk-byte-truncated", pos = pos));
        }
        let fourcc: [u8; 4] = b[pos..pos + 4].try_into().expect("4 bytes");
        if !fourcc.iter().all(|c| (0x20..0x7F).contains(c)) {
            return Err(words!("d-webp-chunk-byte-has-valid", pos = pos));
        }
        let size = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().expect("4 bytes")) as usize;
        let next = (pos + 8)
            .checked_add(size + (size & 1))
            .filter(|&n| n <= end)
            .ok_or_else(|| words!("d-webp-chunk-byte-runs-past", pos = pos))?;
        v.push((pos, fourcc, &b[pos + 8..pos + 8 + size]));
        pos = next;
    }
    Ok(v)
}

/// Appends a chunk, padded with a zero byte to an even size.
fn push(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}
