//! TIFF (classic, both byte orders): a new file is written, never the old one edited. It
//! holds the header, then for each IFD of the main chain (every page) that page's strips or
//! tiles copied byte for byte, a new IFD with only the tags needed to render them, and
//! those tags' values. Nothing else of the original (EXIF, GPS and SubIFDs, XMP, IPTC,
//! ICC, identifying text tags, private tags, unreferenced bytes) can reach the output.
use super::Removed;
use crate::error::Words;
use crate::words;

#[path = "tiff_checks.rs"]
mod checks;

/// More pages than any scan has; a longer chain is refused.
const MAX_PAGES: usize = 4096;
/// More entries than any page needs (a page has ~20 tags); a larger IFD is refused.
const MAX_ENTRIES: usize = 1024;

/// How many values a kept tag may hold.
#[derive(Clone, Copy)]
enum Count {
    One,
    Exactly(u64),
    /// 1 to SamplesPerPixel.
    PerSample,
    /// 6, or two per sample.
    BlackWhite,
    /// 3 × 2^BitsPerSample.
    ColorMap,
    /// One per strip or tile, checked with the layout.
    Regions,
    /// A JPEG tables stream, checked as JPEG.
    Tables,
}

const INT: &[u16] = &[3, 4];
const RAT: &[u16] = &[5];

/// The tags kept: those a reader needs to lay out, decode and colour the pixels (TIFF 6.0
/// baseline and the extensions for tiles, predictors, CCITT, new-style JPEG, YCbCr, CMYK
/// and colorimetry). Every other tag is dropped.
const KEEP: &[(u16, &[u16], Count)] = &[
    (254, INT, Count::One),        // NewSubfileType
    (255, INT, Count::One),        // SubfileType
    (256, INT, Count::One),        // ImageWidth
    (257, INT, Count::One),        // ImageLength
    (258, INT, Count::PerSample),  // BitsPerSample
    (259, INT, Count::One),        // Compression
    (262, INT, Count::One),        // PhotometricInterpretation
    (266, INT, Count::One),        // FillOrder
    (273, INT, Count::Regions),    // StripOffsets
    (274, INT, Count::One),        // Orientation
    (277, INT, Count::One),        // SamplesPerPixel
    (278, INT, Count::One),        // RowsPerStrip
    (279, INT, Count::Regions),    // StripByteCounts
    (282, RAT, Count::One),        // XResolution
    (283, RAT, Count::One),        // YResolution
    (284, INT, Count::One),        // PlanarConfiguration
    (292, INT, Count::One),        // T4Options
    (293, INT, Count::One),        // T6Options
    (296, INT, Count::One),        // ResolutionUnit
    (317, INT, Count::One),        // Predictor
    (318, RAT, Count::Exactly(2)), // WhitePoint
    (319, RAT, Count::Exactly(6)), // PrimaryChromaticities
    (320, INT, Count::ColorMap),   // ColorMap
    (322, INT, Count::One),        // TileWidth
    (323, INT, Count::One),        // TileLength
    (324, INT, Count::Regions),    // TileOffsets
    (325, INT, Count::Regions),    // TileByteCounts
    (332, INT, Count::One),        // InkSet
    (334, INT, Count::One),        // NumberOfInks
    (338, INT, Count::PerSample),  // ExtraSamples
    (339, INT, Count::PerSample),  // SampleFormat
    (347, &[7], Count::Tables),    // JPEGTables
    (529, RAT, Count::Exactly(3)), // YCbCrCoefficients
    (530, INT, Count::Exactly(2)), // YCbCrSubSampling
    (531, INT, Count::One),        // YCbCrPositioning
    (532, RAT, Count::BlackWhite), // ReferenceBlackWhite
];

/// Compressions whose data is only coded pixels: none, CCITT RLE/T.4/T.6, LZW, new-style
/// JPEG (each stream checked), Deflate, PackBits. Old-style JPEG (6) and every other
/// codec (JPEG 2000, JPEG XL, WebP, … whose streams are containers) are refused.
const CODECS: &[u32] = &[1, 2, 3, 4, 5, 7, 8, 32773, 32946];

/// Dropped tags worth naming in `removed`; any other is named by number.
fn dropped_name(tag: u16) -> String {
    match tag {
        34665 => "EXIF IFD (camera, time, serial numbers)",
        34853 => "GPS IFD (location)",
        40965 => "Interoperability IFD",
        330 => "SubIFDs (thumbnails, previews)",
        700 => "XMP",
        33723 => "IPTC",
        34675 => "ICC profile",
        34377 => "Photoshop resources (IPTC, thumbnails)",
        37724 => "Photoshop layers",
        513 | 514 => "JPEG thumbnail",
        315 => "Artist",
        33432 => "Copyright",
        271 => "Make",
        272 => "Model",
        305 => "Software",
        306 => "DateTime",
        270 => "ImageDescription",
        269 => "DocumentName",
        285 => "PageName",
        316 => "HostComputer",
        297 => "PageNumber",
        _ => return format!("tag {tag}"),
    }
    .into()
}

fn type_size(ty: u16) -> Option<u64> {
    Some(match ty {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => return None,
    })
}

struct File<'a> {
    b: &'a [u8],
    be: bool,
}

impl File<'_> {
    fn uint(&self, at: usize, n: usize) -> Result<u64, Words> {
        let s = self
            .b
            .get(at..at + n)
            .ok_or_else(|| words!("d-tiff-file-ends-inside-ifd", at = at))?;
        Ok(s.iter().enumerate().fold(0, |a, (i, &x)| {
            a | (x as u64) << (8 * if self.be { n - 1 - i } else { i })
        }))
    }
    fn put(&self, out: &mut Vec<u8>, n: u64, size: usize) {
        let b = n.to_be_bytes();
        let v = &b[8 - size..];
        if self.be {
            out.extend_from_slice(v);
        } else {
            out.extend(v.iter().rev());
        }
    }
}

/// One IFD entry: its tag, type, count and where its value is (None for an unknown type).
struct Entry {
    tag: u16,
    ty: u16,
    count: u64,
    value: Option<(usize, usize)>,
}

impl Entry {
    fn nums(&self, f: &File) -> Result<Vec<u64>, Words> {
        let (at, len) = self.value.expect("kept tags have known types");
        let size = type_size(self.ty).expect("known") as usize;
        (0..len / size)
            .map(|i| f.uint(at + i * size, size))
            .collect()
    }
}

/// Reads the IFD at `off`: its entries, the byte range of its table, the next IFD.
/// A byte range: its start and length.
type Range = (usize, usize);

fn ifd(f: &File, off: usize) -> Result<(Vec<Entry>, Range, usize), Words> {
    let n = f.uint(off, 2)? as usize;
    if n > MAX_ENTRIES {
        return Err(words!(
            "d-tiff-ifd-entries",
            off = off,
            n = n,
            max = MAX_ENTRIES
        ));
    }
    let table = 2 + 12 * n + 4;
    if off + table > f.b.len() {
        return Err(words!("d-tiff-ifd-byte-runs-past", off = off));
    }
    let mut entries = Vec::with_capacity(n);
    for e in (0..n).map(|i| off + 2 + 12 * i) {
        let (tag, ty, count) = (
            f.uint(e, 2)? as u16,
            f.uint(e + 2, 2)? as u16,
            f.uint(e + 4, 4)?,
        );
        let value = match type_size(ty) {
            None => None,
            Some(size) => {
                let len = count * size;
                let at = if len <= 4 {
                    e + 8
                } else {
                    f.uint(e + 8, 4)? as usize
                };
                if at as u64 + len > f.b.len() as u64 {
                    return Err(words!("d-tiff-value-tag-ifd-byte", tag = tag, off = off));
                }
                Some((at, len as usize))
            }
        };
        entries.push(Entry {
            tag,
            ty,
            count,
            value,
        });
    }
    let next = f.uint(off + table - 4, 4)? as usize;
    Ok((entries, (off, table), next))
}

/// A page to write: its kept entries and its strips or tiles.
struct Page<'a> {
    kept: Vec<&'a Entry>,
    regions: Vec<(usize, usize)>,
    /// The tag whose values are the regions' offsets (273 or 324).
    offsets: u16,
}

pub(super) fn strip(b: &[u8], removed: &mut Removed) -> Result<Vec<u8>, Words> {
    let be = match b.get(..4) {
        Some(b"II*\0") => false,
        Some(b"MM\0*") => true,
        Some(b"II+\0") | Some(b"MM\0+") => return Err(words!("d-tiff-bigtiff-64-bit-offsets")),
        _ => return Err(words!("d-tiff-tiff-header")),
    };
    let f = File { b, be };
    if b.len() < 8 {
        return Err(words!("d-tiff-tiff-header-truncated"));
    }
    // The main chain, bounded and without loops.
    let mut ifds = Vec::new();
    let mut next = f.uint(4, 4)? as usize;
    if next == 0 {
        return Err(words!("d-tiff-tiff-holds-image-ifd"));
    }
    while next != 0 {
        if ifds.iter().any(|(_, (at, _), _)| *at == next) {
            return Err(words!("d-tiff-ifd-chain-has-loop", next = next));
        }
        if ifds.len() == MAX_PAGES {
            return Err(words!("d-tiff-pages", max = MAX_PAGES));
        }
        let (entries, table, n) = ifd(&f, next)?;
        ifds.push((entries, table, next));
        next = n;
    }
    // Everything the original's structure and values occupy; pixels may share none of it.
    let mut structure = vec![(0usize, 8usize, Holds::Other)];
    let mut pages = Vec::with_capacity(ifds.len());
    for (i, (entries, table, _)) in ifds.iter().enumerate() {
        structure.push((table.0, table.1, Holds::Other));
        for e in entries {
            let holds = if KEEP.iter().any(|k| k.0 == e.tag) {
                Holds::Kept(i, e.tag)
            } else {
                Holds::Other
            };
            structure.extend(e.value.filter(|v| v.1 > 4).map(|(a, n)| (a, n, holds)));
            if matches!(e.tag, 330 | 34665 | 34853 | 40965) && e.value.is_some() {
                let offs = e.nums(&f)?.into_iter().map(|o| o as usize).collect();
                checks::sub_ifds(&f, offs, &mut structure)?;
            }
            if !KEEP.iter().any(|k| k.0 == e.tag) {
                removed.add(dropped_name(e.tag));
            }
        }
        if checks::is_reduced(&f, entries)? {
            // A thumbnail or a lower resolution copy of another page: it may show what the
            // full page's redaction hides (a thumbnail made before cropping), and it is not
            // a page of the document. Dropped; its strips stay "other data", which nothing
            // kept may cover.
            removed.add("reduced-resolution page (thumbnail)");
            if let Ok(p) = page(&f, entries) {
                structure.extend(p.regions.iter().map(|&(a, n)| (a, n, Holds::Other)));
            }
            continue;
        }
        let page = page(&f, entries)
            .map_err(|why| words!("d-tiff-page", page = i + 1, at = table.0, why = why))?;
        pages.push(page);
    }
    if pages.is_empty() {
        return Err(words!("d-tiff-holds-only-reduced-resolution"));
    }
    no_overlap(&pages, structure)?;
    let out = write(&f, &pages);
    // Pages may share a value (a ColorMap, JPEGTables); each gets its own copy, within
    // reason.
    if out.len() as u64 > (2 * b.len() as u64 + (1 << 20)).min(u32::MAX as u64) {
        return Err(words!("d-tiff-pages-share-values-would"));
    }
    Ok(out)
}

/// Checks one page's kept tags and finds its strips or tiles.
// This function is long because it is one pass over a page's tags in file order, where each
// tag's check needs the page's layout read so far.
fn page<'a>(f: &File, entries: &'a [Entry]) -> Result<Page<'a>, Words> {
    let mut kept: Vec<&Entry> = Vec::new();
    for e in entries.iter().filter(|e| KEEP.iter().any(|k| k.0 == e.tag)) {
        if kept.iter().any(|k| k.tag == e.tag) {
            return Err(words!("d-tiff-tag-twice", tag = e.tag));
        }
        kept.push(e);
    }
    kept.sort_by_key(|e| e.tag);
    let get = |tag: u16| kept.iter().find(|e| e.tag == tag).copied();
    let one = |tag: u16, default: Option<u64>| -> Result<u64, Words> {
        match get(tag) {
            Some(e) if e.count == 1 && INT.contains(&e.ty) => Ok(e.nums(f)?[0]),
            Some(_) => Err(words!("d-tiff-tag-single-integer", tag = tag)),
            None => default.ok_or_else(|| words!("d-tiff-tag-2", tag = tag)),
        }
    };
    let (width, length) = (one(256, None)?, one(257, None)?);
    let spp = one(277, Some(1))?;
    let planar = one(284, Some(1))?;
    let compression = one(259, Some(1))?;
    if !CODECS.contains(&(compression as u32)) {
        return Err(words!(
            "d-tiff-compression-known-hold-only",
            compression = compression
        ));
    }
    // Real images have a few samples per pixel; a huge count would only cost time.
    if width == 0 || length == 0 || !(1..=64).contains(&spp) || !(1..=2).contains(&planar) {
        return Err(words!("d-tiff-size-samples-planar-configuration"));
    }
    let bits = match get(258) {
        Some(e) if e.count <= spp && INT.contains(&e.ty) => e.nums(f)?,
        Some(_) => return Err(words!("d-tiff-bitspersample-does-match-samplesperpixel")),
        None => vec![1],
    };
    let bit = |s: u64| bits.get(s as usize).or(bits.first()).copied().unwrap_or(1);
    if (0..spp).any(|s| !(1..=64).contains(&bit(s))) {
        return Err(words!("d-tiff-bitspersample-out-range"));
    }
    for e in &kept {
        let (_, types, count) = KEEP.iter().find(|k| k.0 == e.tag).expect("kept");
        let ok = types.contains(&e.ty)
            && match count {
                Count::One => e.count == 1,
                Count::Exactly(n) => e.count == *n,
                Count::PerSample => (1..=spp).contains(&e.count),
                Count::BlackWhite => e.count == 6 || e.count == 2 * spp,
                Count::ColorMap => bit(0) <= 16 && e.count == 3 << bit(0),
                Count::Regions | Count::Tables => true,
            };
        if !ok {
            return Err(words!("d-tiff-tag-type", tag = e.tag));
        }
    }
    // A ColorMap renders only a palette image (PhotometricInterpretation 3); on any other it
    // is up to 384 KiB of bytes no reader shows.
    let photometric = get(262)
        .map(|e| e.nums(f))
        .transpose()?
        .and_then(|v| v.first().copied());
    if get(320).is_some() && photometric != Some(3) {
        return Err(words!("d-tiff-has-colormap-but-palette"));
    }
    // The layout: how many strips or tiles, and at most how many bytes each holds when
    // uncompressed.
    let tiled = get(322).is_some();
    let (offsets, counts, names) = if tiled {
        (324, 325, ("TileOffsets/TileByteCounts", "tile"))
    } else {
        (273, 279, ("StripOffsets/StripByteCounts", "strip"))
    };
    let planes = if planar == 2 { spp } else { 1 };
    let px_bits = |s: u64| {
        if planar == 2 {
            bit(s)
        } else {
            (0..spp).map(bit).sum()
        }
    };
    // Strips per plane, and the tile size or the rows per strip.
    let (per_plane, tile, rps) = if tiled {
        if get(273).is_some() || get(279).is_some() {
            return Err(words!("d-tiff-has-both-strips-tiles"));
        }
        let (tw, tl) = (one(322, None)?, one(323, None)?);
        if tw == 0 || tl == 0 {
            return Err(words!("d-tiff-tile-size-zero"));
        }
        let n = width.div_ceil(tw).saturating_mul(length.div_ceil(tl));
        (n, Some((tw, tl)), 0)
    } else {
        if get(323).is_some() || get(324).is_some() || get(325).is_some() {
            return Err(words!("d-tiff-has-both-strips-tiles"));
        }
        let rps = one(278, Some(u32::MAX as u64))?.clamp(1, length);
        let n = length.div_ceil(rps);
        (n, None, rps)
    };
    // The width and rows of strip or tile `i`.
    let rows_of = |i: u64| match tile {
        Some(t) => t,
        None => (width, rps.min(length - (i % per_plane) * rps)),
    };
    let n = per_plane.saturating_mul(planes);
    let (Some(o), Some(c)) = (get(offsets), get(counts)) else {
        return Err(words!("d-tiff-no-regions", tag = names.0));
    };
    if o.count != n || c.count != n {
        return Err(words!(
            "d-tiff-region-count",
            tags = names.0,
            offsets = o.count,
            counts = c.count,
            kind = names.1,
            n = n
        ));
    }
    let ycc = if get(262).map(|e| e.nums(f)).transpose()?.map(|v| v[0]) == Some(6) {
        match get(530) {
            Some(e) => Some(e.nums(f)?),
            None => Some(vec![2, 2]),
        }
    } else {
        None
    };
    let mut regions = Vec::with_capacity(n as usize);
    for (i, (off, len)) in o.nums(f)?.into_iter().zip(c.nums(f)?).enumerate() {
        let what = format!("{} {i}", names.1);
        if off + len > f.b.len() as u64 {
            return Err(words!("d-tiff-runs-past-end-file", what = what));
        }
        let data = &f.b[off as usize..(off + len) as usize];
        if compression == 1 {
            let (w, rows) = rows_of(i as u64);
            // In u128: width, rows and bits multiply past u64.
            let (w, rows) = (w as u128, rows as u128);
            let max = match (&ycc, planar) {
                (Some(s), 1) if s[0] > 0 && s[1] > 0 => {
                    let (h, v) = (s[0] as u128, s[1] as u128);
                    rows.div_ceil(v) * (w.div_ceil(h) * (h * v + 2) * bit(0) as u128).div_ceil(8)
                }
                // Each row starts on a byte.
                _ => rows * (w * px_bits(i as u64 / per_plane) as u128).div_ceil(8),
            };
            if len as u128 > max {
                return Err(words!(
                    "d-tiff-holds-bytes-more-bytes",
                    what = what,
                    len = len,
                    max = max.to_string()
                ));
            }
        }
        if compression == 32773 {
            let (w, rows) = rows_of(i as u64);
            let row = (w as u128 * px_bits(i as u64 / per_plane) as u128).div_ceil(8);
            if !checks::packbits_exact(data, rows as u128 * row) {
                return Err(words!("d-tiff-exactly-packbits-data-for", what = what));
            }
        }
        if compression == 7 && !data.is_empty() && !checks::bare_jpeg(data) {
            return Err(words!("d-tiff-jpeg-stream-without-metadata", what = what));
        }
        regions.push((off as usize, len as usize));
    }
    if let Some(t) = get(347) {
        let (at, len) = t.value.expect("known type");
        if compression != 7 || !checks::bare_jpeg(&f.b[at..at + len]) {
            return Err(words!("d-tiff-jpegtables-jpeg-tables-stream"));
        }
    }
    Ok(Page {
        kept,
        regions,
        offsets,
    })
}

/// What a byte range of the original holds, for the overlap check.
#[derive(Clone, Copy)]
enum Holds {
    /// The header, an IFD table, a dropped tag's value, a sub-IFD's table.
    Other,
    /// A kept tag's value (page, tag).
    Kept(usize, u16),
    /// A strip or tile (page, index).
    Pixels(usize, usize),
}

impl Holds {
    fn class(self) -> usize {
        match self {
            Holds::Other => 0,
            Holds::Kept(..) => 1,
            Holds::Pixels(..) => 2,
        }
    }
    fn name(self, pages: &[Page]) -> Words {
        match self {
            Holds::Other => words!("d-tiff-other-data"),
            Holds::Kept(p, tag) => words!("d-tiff-value-of-tag", tag = tag, page = p + 1),
            Holds::Pixels(p, i) if pages[p].offsets == 324 => {
                words!("d-tiff-tile", tile = i, page = p + 1)
            }
            Holds::Pixels(p, i) => words!("d-tiff-strip", strip = i, page = p + 1),
        }
    }
}

/// Refuses pixels that share a byte with anything else, and kept values that share a byte
/// with anything but other kept values, so nothing dropped is copied as something kept.
fn no_overlap(pages: &[Page], mut all: Vec<(usize, usize, Holds)>) -> Result<(), Words> {
    for (p, page) in pages.iter().enumerate() {
        for (i, &(a, n)) in page.regions.iter().enumerate() {
            all.push((a, n, Holds::Pixels(p, i)));
        }
    }
    all.retain(|r| r.1 > 0);
    all.sort_unstable_by_key(|r| (r.0, r.1));
    // Per class, the furthest end seen so far and what reaches it.
    let mut ends = [(0usize, Holds::Other); 3];
    const CLASH: [[bool; 3]; 3] = [[false, true, true], [true, false, true], [true, true, true]];
    for (a, n, what) in all {
        let c = what.class();
        for (d, &(end, other)) in ends.iter().enumerate() {
            if CLASH[c][d] && a < end {
                return Err(words!(
                    "d-tiff-overlaps",
                    what = what.name(pages),
                    other = other.name(pages),
                    at = a
                ));
            }
        }
        if a + n > ends[c].0 {
            ends[c] = (a + n, what);
        }
    }
    Ok(())
}

/// Writes the new file: header, then per page its pixels, its IFD and its values.
fn write(f: &File, pages: &[Page]) -> Vec<u8> {
    let mut out = f.b[..4].to_vec();
    out.extend([0; 4]);
    let mut link = 4;
    for page in pages {
        let mut offs = Vec::with_capacity(page.regions.len());
        for &(a, n) in &page.regions {
            offs.push(out.len() as u64);
            out.extend_from_slice(&f.b[a..a + n]);
        }
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let at = out.len();
        let mut w = Vec::new();
        f.put(&mut w, at as u64, 4);
        out[link..link + 4].copy_from_slice(&w);
        let n = page.kept.len();
        f.put(&mut out, n as u64, 2);
        let mut vals = Vec::new();
        let vals_at = at + 2 + 12 * n + 4;
        for e in &page.kept {
            let (ty, bytes) = if e.tag == page.offsets {
                let mut v = Vec::with_capacity(4 * offs.len());
                for &o in &offs {
                    f.put(&mut v, o, 4);
                }
                (4, v)
            } else {
                let (a, len) = e.value.expect("kept tags have known types");
                (e.ty, f.b[a..a + len].to_vec())
            };
            f.put(&mut out, e.tag as u64, 2);
            f.put(&mut out, ty as u64, 2);
            f.put(&mut out, e.count, 4);
            if bytes.len() <= 4 {
                out.extend_from_slice(&bytes);
                out.extend(std::iter::repeat_n(0, 4 - bytes.len()));
            } else {
                f.put(&mut out, (vals_at + vals.len()) as u64, 4);
                vals.extend_from_slice(&bytes);
                if vals.len() % 2 == 1 {
                    vals.push(0);
                }
            }
        }
        link = out.len();
        out.extend([0; 4]);
        out.extend(vals);
    }
    out
}
