//! Checks of the TIFF cleaner that look inside a page: whether it is a thumbnail, and
//! whether a PackBits strip holds exactly its pixels.
use super::{ifd, Entry, File, Holds, INT, MAX_PAGES};
use crate::error::Words;

/// Whether an IFD is a reduced-resolution version of another (NewSubfileType bit 0, or
/// SubfileType 2).
pub(super) fn is_reduced(f: &File, entries: &[Entry]) -> Result<bool, Words> {
    for e in entries {
        let first = || -> Result<u64, Words> { Ok(e.nums(f)?.first().copied().unwrap_or(0)) };
        match e.tag {
            254 if INT.contains(&e.ty) && first()? & 1 == 1 => return Ok(true),
            255 if INT.contains(&e.ty) && first()? == 2 => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

/// Whether `data` decodes as PackBits to exactly `want` bytes and ends there (no bytes after
/// the last run, where anything could hide).
pub(super) fn packbits_exact(data: &[u8], want: u128) -> bool {
    let (mut i, mut out) = (0usize, 0u128);
    while i < data.len() && out < want {
        let n = data[i] as i8;
        i += 1;
        match n {
            0..=127 => {
                let len = n as usize + 1;
                i += len;
                out += len as u128;
            }
            -127..=-1 => {
                i += 1;
                out += (1 - n as i128) as u128;
            }
            // -128 is a no-op.
            _ => {}
        }
    }
    i == data.len() && out == want
}

/// Adds to `structure` the tables of the sub-IFDs at `offs` (EXIF, GPS, Interop, SubIFDs)
/// and every value their entries hold, following the sub-IFDs they point to and the chain
/// after each, so that no strip and no kept value can cover any of it.
pub(super) fn sub_ifds(
    f: &File,
    mut queue: Vec<usize>,
    structure: &mut Vec<(usize, usize, Holds)>,
) -> Result<(), Words> {
    let mut seen = std::collections::HashSet::new();
    while let Some(off) = queue.pop() {
        if off == 0 || !seen.insert(off) || seen.len() > MAX_PAGES {
            continue;
        }
        let Ok((sub, table, next)) = ifd(f, off) else {
            // A sub-IFD that does not parse is dropped whole; its table's first bytes still
            // may not be covered.
            if let Ok(n) = f.uint(off, 2) {
                let t = (2 + 12 * n as usize + 4).min(f.b.len().saturating_sub(off));
                structure.push((off, t, Holds::Other));
            }
            continue;
        };
        structure.push((table.0, table.1, Holds::Other));
        queue.push(next);
        for e in &sub {
            structure.extend(
                e.value
                    .filter(|v| v.1 > 4)
                    .map(|(a, n)| (a, n, Holds::Other)),
            );
            if matches!(e.tag, 330 | 34665 | 34853 | 40965) && e.value.is_some() {
                queue.extend(e.nums(f)?.into_iter().map(|o| o as usize));
            }
        }
    }
    Ok(())
}

/// Whether a JPEG stream is exactly what the JPEG cleaner would keep of it.
pub(super) fn bare_jpeg(s: &[u8]) -> bool {
    let mut r = super::Removed::default();
    super::super::jpeg::strip(s, &mut r).is_ok_and(|c| c == s && r.0.is_empty())
}
