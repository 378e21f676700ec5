//! The TIFF cleaner on hand-built files, in both byte orders, and on hostile ones.
use super::*;

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// A tag's values: numbers of a numeric type (a RATIONAL is two numbers), or raw bytes.
#[derive(Clone)]
enum V {
    N(u16, Vec<u32>),
    B(u16, Vec<u8>),
}

/// One page: its tags (273/324 and 279/325 are filled in from `data`), its strips or tiles.
#[derive(Clone)]
struct Page {
    tags: Vec<(u16, V)>,
    data: Vec<Vec<u8>>,
    tiled: bool,
}

fn put(be: bool, out: &mut Vec<u8>, ty: u16, n: u32) {
    match ty {
        1 | 2 | 6 | 7 => out.push(n as u8),
        3 | 8 => out.extend(if be {
            (n as u16).to_be_bytes()
        } else {
            (n as u16).to_le_bytes()
        }),
        _ => out.extend(if be { n.to_be_bytes() } else { n.to_le_bytes() }),
    }
}

/// Lays out a TIFF: header, then per page its pixel data, its IFD and the IFD's values; then
/// `tail`. The IFDs are chained in order.
fn build(be: bool, pages: &[Page], tail: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = if be { b"MM\0*" } else { b"II*\0" }.to_vec();
    b.extend([0; 4]);
    let mut link = 4;
    for p in pages {
        let mut offs = Vec::new();
        for d in &p.data {
            offs.push(b.len() as u32);
            b.extend(d);
        }
        b.resize((b.len() + 1) & !1, 0);
        let at = b.len() as u32;
        let mut w = Vec::new();
        put(be, &mut w, 4, at);
        b[link..link + 4].copy_from_slice(&w);
        let (o, c) = if p.tiled { (324, 325) } else { (273, 279) };
        let mut tags = p.tags.clone();
        tags.push((o, V::N(4, offs)));
        tags.push((c, V::N(4, p.data.iter().map(|d| d.len() as u32).collect())));
        tags.sort_by_key(|t| t.0);
        let n = tags.len();
        put(be, &mut b, 3, n as u32);
        let mut vals = Vec::new();
        let vals_at = at as usize + 2 + 12 * n + 4;
        for (tag, v) in &tags {
            let (ty, bytes, count) = match v {
                V::N(ty, ns) => {
                    let mut e = Vec::new();
                    for &x in ns {
                        put(be, &mut e, *ty, x);
                    }
                    let per = if matches!(ty, 5 | 10) { 2 } else { 1 };
                    (*ty, e, ns.len() / per)
                }
                V::B(ty, bs) => (*ty, bs.clone(), bs.len()),
            };
            put(be, &mut b, 3, *tag as u32);
            put(be, &mut b, 3, ty as u32);
            put(be, &mut b, 4, count as u32);
            if bytes.len() <= 4 {
                b.extend(&bytes);
                b.extend(vec![0; 4 - bytes.len()]);
            } else {
                put(be, &mut b, 4, (vals_at + vals.len()) as u32);
                vals.extend(bytes);
                vals.resize((vals.len() + 1) & !1, 0);
            }
        }
        link = b.len();
        b.extend([0; 4]);
        b.extend(vals);
    }
    b.extend(tail);
    b
}

/// An independent reader: each page's tags and its strips or tiles, in order.
fn read(b: &[u8]) -> Vec<(Vec<u16>, Vec<Vec<u8>>)> {
    let be = &b[..2] == b"MM";
    let u = |p: usize, n: usize| -> u32 {
        let s = &b[p..p + n];
        s.iter().enumerate().fold(0, |a, (i, &x)| {
            a | (x as u32) << (8 * if be { n - 1 - i } else { i })
        })
    };
    let mut pages = Vec::new();
    let mut ifd = u(4, 4) as usize;
    while ifd != 0 {
        let n = u(ifd, 2) as usize;
        let mut tags = Vec::new();
        let (mut offs, mut counts) = (vec![], vec![]);
        for e in 0..n {
            let p = ifd + 2 + 12 * e;
            let (tag, ty, count) = (u(p, 2) as u16, u(p + 2, 2), u(p + 4, 4) as usize);
            tags.push(tag);
            if ![273, 279, 324, 325].contains(&tag) {
                continue;
            }
            let size = if ty == 3 { 2 } else { 4 };
            let at = if size * count <= 4 {
                p + 8
            } else {
                u(p + 8, 4) as usize
            };
            let vals: Vec<u32> = (0..count).map(|i| u(at + i * size, size)).collect();
            match tag {
                273 | 324 => offs = vals,
                279 | 325 => counts = vals,
                _ => {}
            }
        }
        let data = offs
            .iter()
            .zip(&counts)
            .map(|(&o, &c)| b[o as usize..(o + c) as usize].to_vec())
            .collect();
        pages.push((tags, data));
        ifd = u(ifd + 2 + 12 * n, 4) as usize;
    }
    pages
}

fn ascii(s: &str) -> V {
    V::B(2, [s.as_bytes(), b"\0"].concat())
}

/// A 4x6 8-bit grayscale page in three strips of two rows, with identifying tags.
fn gray_page(seed: u8) -> Page {
    Page {
        tags: vec![
            (254, V::N(4, vec![0])),
            (256, V::N(3, vec![4])),
            (257, V::N(3, vec![6])),
            (258, V::N(3, vec![8])),
            (259, V::N(3, vec![1])),
            (262, V::N(3, vec![1])),
            (270, ascii("MARKERDESCRIPTION")),
            (271, ascii("MARKERMAKE")),
            (272, ascii("MARKERMODEL")),
            (278, V::N(3, vec![2])),
            (282, V::N(5, vec![300, 1])),
            (283, V::N(5, vec![300, 1])),
            (296, V::N(3, vec![2])),
            (305, ascii("MARKERSOFTWARE")),
            (306, ascii("2024:01:02 03:04:05")),
            (315, ascii("MARKERARTIST")),
            (700, V::B(1, b"<x:xmpmeta>MARKERXMP</x:xmpmeta>".to_vec())),
            (33432, ascii("MARKERCOPYRIGHT")),
            (33723, V::B(7, b"\x1c\x02\x50\0\x0cMARKERBYLINE".to_vec())),
            (
                34675,
                V::B(7, b"\0\0\0\x20MARKERICCPROFILE_______".to_vec()),
            ),
            (65000, V::B(7, b"MARKERPRIVATE".to_vec())),
        ],
        data: (0..3)
            .map(|s| (0..8).map(|i| seed ^ (s * 8 + i)).collect())
            .collect(),
        tiled: false,
    }
}

/// A 20x20 RGB page in four 16x16 tiles, uncompressed.
fn tiled_page() -> Page {
    Page {
        tags: vec![
            (256, V::N(4, vec![20])),
            (257, V::N(4, vec![20])),
            (258, V::N(3, vec![8, 8, 8])),
            (259, V::N(3, vec![1])),
            (262, V::N(3, vec![2])),
            (277, V::N(3, vec![3])),
            (284, V::N(3, vec![1])),
            (285, ascii("MARKERPAGENAME")),
            (316, ascii("MARKERHOST")),
            (322, V::N(3, vec![16])),
            (323, V::N(3, vec![16])),
        ],
        data: (0..4u8)
            .map(|t| {
                (0..16 * 16 * 3)
                    .map(|i| (i as u8).wrapping_mul(t + 3))
                    .collect()
            })
            .collect(),
        tiled: true,
    }
}

fn without_markers(b: &[u8]) {
    assert!(!contains(b, b"MARKER"), "{:?}", String::from_utf8_lossy(b));
    assert!(!contains(b, b"2024:01:02"));
}

#[test]
fn tiff_pages_keep_their_pixels_and_lose_every_other_tag_in_both_byte_orders() {
    for be in [false, true] {
        let pages = [gray_page(0x11), tiled_page(), gray_page(0x77)];
        let t = build(be, &pages, b"MARKERTRAILER");
        assert_eq!(sniff_image(&t[..16]), Some(Image::Tiff));
        assert_eq!(sniff_uncleaned(&t), None, "TIFF is cleaned, not named");
        let c = strip(Image::Tiff, &t).unwrap();
        without_markers(&c.bytes);
        assert_eq!(&c.bytes[..4], &t[..4], "the byte order is kept");
        for what in [
            "Artist",
            "XMP",
            "IPTC",
            "ICC",
            "Make",
            "Model",
            "Software",
            "tag 65000",
        ] {
            assert!(c.removed.contains(what), "{what}: {}", c.removed);
        }
        assert!(c.removed.starts_with("TIFF: "), "{}", c.removed);
        let (orig, clean) = (read(&t), read(&c.bytes));
        assert_eq!(clean.len(), 3, "every page stays");
        for ((_, od), (tags, cd)) in orig.iter().zip(&clean) {
            assert_eq!(od, cd, "pixel data changed");
            assert!(tags.windows(2).all(|w| w[0] < w[1]), "{tags:?}");
        }
        assert_eq!(
            clean[0].0,
            [254, 256, 257, 258, 259, 262, 273, 278, 279, 282, 283, 296]
        );
        assert_eq!(
            clean[1].0,
            [256, 257, 258, 259, 262, 277, 284, 322, 323, 324, 325]
        );
        // A pure function of the original, and cleaning again changes nothing.
        assert_eq!(strip(Image::Tiff, &t).unwrap().bytes, c.bytes);
        let again = strip(Image::Tiff, &c.bytes).unwrap();
        assert_eq!(again.bytes, c.bytes);
        assert_eq!(again.removed, "TIFF: no metadata found");
    }
}

/// An EXIF IFD holding a GPS IFD pointer, and a SubIFD thumbnail, all at the end.
#[test]
fn tiff_exif_gps_and_sub_ifds_are_dropped_with_all_their_bytes() {
    let mut p = gray_page(3);
    // Offsets into the tail, fixed below once the tail's position is known.
    p.tags.push((330, V::N(13, vec![0])));
    p.tags.push((34665, V::N(4, vec![0])));
    p.tags.push((34853, V::N(4, vec![0])));
    let base = build(false, &[p.clone()], b"");
    let at = base.len() as u32;
    // EXIF IFD: one ASCII entry out of line (BodySerialNumber), no next.
    let mut tail = Vec::new();
    tail.extend(1u16.to_le_bytes());
    tail.extend(42033u16.to_le_bytes());
    tail.extend(2u16.to_le_bytes());
    tail.extend(16u32.to_le_bytes());
    tail.extend((at + 18).to_le_bytes());
    tail.extend(0u32.to_le_bytes());
    tail.extend(b"MARKERSERIAL0123");
    let sub = at + tail.len() as u32;
    tail.extend(0u16.to_le_bytes());
    tail.extend(0u32.to_le_bytes());
    tail.extend(b"MARKERTHUMBPIXELS");
    for (tag, v) in [(330, sub), (34665, at), (34853, at)] {
        let i = p.tags.iter().position(|t| t.0 == tag).unwrap();
        p.tags[i].1 = V::N(if tag == 330 { 13 } else { 4 }, vec![v]);
    }
    let t = build(false, &[p], &tail);
    assert_eq!(t.len(), base.len() + tail.len());
    let c = strip(Image::Tiff, &t).unwrap();
    without_markers(&c.bytes);
    for what in ["EXIF", "GPS", "SubIFDs"] {
        assert!(c.removed.contains(what), "{what}: {}", c.removed);
    }
    assert_eq!(read(&c.bytes)[0].1, read(&t)[0].1);
}

fn err(t: &[u8]) -> String {
    match strip(Image::Tiff, t) {
        Ok(c) => panic!("cleaned: {}", c.removed),
        Err(e) => e.to_string(),
    }
}

/// Overwrites the first value of `tag` in the first IFD of a little-endian file.
fn poke(t: &mut [u8], tag: u16, mut f: impl FnMut(&mut [u8])) {
    let ifd = u32::from_le_bytes(t[4..8].try_into().unwrap()) as usize;
    let n = u16::from_le_bytes([t[ifd], t[ifd + 1]]) as usize;
    let e = (0..n)
        .map(|i| ifd + 2 + 12 * i)
        .find(|&e| u16::from_le_bytes([t[e], t[e + 1]]) == tag)
        .unwrap();
    f(&mut t[e..e + 12]);
}

fn set_value(t: &mut [u8], tag: u16, v: u32) {
    poke(t, tag, |e| e[8..12].copy_from_slice(&v.to_le_bytes()));
}

#[test]
fn tiff_hostile_files_are_refused_naming_the_part() {
    let one = |p: Page| build(false, &[p], b"");
    let good = one(gray_page(1));
    strip(Image::Tiff, &good).unwrap();
    let ifd = u32::from_le_bytes(good[4..8].try_into().unwrap());
    // A loop in the IFD chain (to itself, and page 2 back to page 1).
    let mut t = good.clone();
    let n = u16::from_le_bytes([t[ifd as usize], t[ifd as usize + 1]]) as usize;
    let next = ifd as usize + 2 + 12 * n;
    t[next..next + 4].copy_from_slice(&ifd.to_le_bytes());
    assert!(err(&t).contains("loop"), "{}", err(&t));
    let mut two = build(false, &[gray_page(1), gray_page(2)], b"");
    assert_eq!(read(&two).len(), 2);
    let second = u32::from_le_bytes(two[next..next + 4].try_into().unwrap()) as usize;
    let m = u16::from_le_bytes([two[second], two[second + 1]]) as usize;
    let last = second + 2 + 12 * m;
    two[last..last + 4].copy_from_slice(&ifd.to_le_bytes());
    assert!(err(&two).contains("loop back to byte"), "{}", err(&two));
    // A strip or an IFD out of range; a count that overflows.
    let mut t = good.clone();
    poke(&mut t, 279, |e| {
        e[4..8].copy_from_slice(&1u32.to_le_bytes())
    });
    assert!(err(&t).contains("StripByteCounts"), "{}", err(&t));
    let mut t = one(Page {
        data: vec![vec![1; 24]],
        tags: vec![
            (256, V::N(3, vec![4])),
            (257, V::N(3, vec![6])),
            (258, V::N(3, vec![8])),
            (259, V::N(3, vec![1])),
            (262, V::N(3, vec![1])),
        ],
        tiled: false,
    });
    strip(Image::Tiff, &t).unwrap();
    set_value(&mut t, 273, 0xFFFF_FFF0);
    assert!(err(&t).contains("past the end"), "{}", err(&t));
    set_value(&mut t, 273, 4);
    assert!(err(&t).contains("overlap"), "{}", err(&t));
    let mut t = good.clone();
    t[4..8].copy_from_slice(&(good.len() as u32 - 3).to_le_bytes());
    assert!(err(&t).contains("IFD"), "{}", err(&t));
    let mut t = good.clone();
    poke(&mut t, 315, |e| {
        e[4..8].copy_from_slice(&u32::MAX.to_le_bytes())
    });
    assert!(err(&t).contains("past the end"), "{}", err(&t));
    let mut t = good.clone();
    t[ifd as usize..ifd as usize + 2].copy_from_slice(&u16::MAX.to_le_bytes());
    assert!(err(&t).contains("entries"), "{}", err(&t));
    // Two strips at the same bytes; a strip over the IFD.
    let mut p = gray_page(1);
    p.data = vec![vec![9; 8]; 3];
    let mut t2 = one(p);
    let first = 8u32;
    let strips_at = {
        let ifd = u32::from_le_bytes(t2[4..8].try_into().unwrap()) as usize;
        let n = u16::from_le_bytes([t2[ifd], t2[ifd + 1]]) as usize;
        (0..n)
            .map(|i| ifd + 2 + 12 * i)
            .find(|&e| u16::from_le_bytes([t2[e], t2[e + 1]]) == 273)
            .map(|e| u32::from_le_bytes(t2[e + 8..e + 12].try_into().unwrap()) as usize)
            .unwrap()
    };
    t2[strips_at + 4..strips_at + 8].copy_from_slice(&first.to_le_bytes());
    assert!(err(&t2).contains("overlap"), "{}", err(&t2));
    t2[strips_at + 4..strips_at + 8].copy_from_slice(&(ifd - 4).to_le_bytes());
    assert!(err(&t2).contains("overlap"), "{}", err(&t2));
    // A kept value (XResolution) pointed into a dropped one (the Artist text).
    let mut t = good.clone();
    let mut artist = 0;
    poke(&mut t, 315, |e| {
        artist = u32::from_le_bytes(e[8..12].try_into().unwrap())
    });
    poke(&mut t, 282, |e| {
        e[8..12].copy_from_slice(&artist.to_le_bytes())
    });
    let e = err(&t);
    assert!(
        e.to_string().contains("tag 282 of page 1") && e.to_string().contains("overlaps"),
        "{e}"
    );
    // Uncompressed strips longer than their rows; the wrong number of strips.
    let mut t = good.clone();
    poke(&mut t, 278, |e| {
        e[8..10].copy_from_slice(&1u16.to_le_bytes())
    });
    assert!(err(&t).contains("StripOffsets"), "{}", err(&t));
    let mut p = gray_page(1);
    p.data[2].extend(b"MARKERHIDDEN");
    assert!(err(&one(p)).contains("strip 2"));
    // Compression whose data can carry metadata: old-style JPEG, JPEG with an APP1.
    let mut t = good.clone();
    set_value(&mut t, 259, 6);
    assert!(err(&t).contains("compression 6"), "{}", err(&t));
    let mut p = gray_page(1);
    p.tags[4].1 = V::N(3, vec![7]);
    p.tags.retain(|t| t.0 != 278);
    p.data = vec![b"\xFF\xD8\xFF\xE1\0\x0eExif\0\0MARKER\xFF\xD9".to_vec()];
    assert!(err(&one(p)).contains("JPEG"));
    // BigTIFF, and a chain of more IFDs than any scan.
    assert!(err(b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0").contains("BigTIFF"));
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    for i in 0..5000u32 {
        t.extend(0u16.to_le_bytes());
        t.extend(if i == 4999 { 0 } else { 8 + 6 * (i + 1) }.to_le_bytes());
    }
    assert!(err(&t).contains("IFDs"), "{}", err(&t));
    assert!(err(b"II*\0\0\0\0\0").contains("no image"));
    assert!(err(b"MM\0*\0\0").contains("header"));
}

/// The sample JPEG without its APP1 EXIF segment.
fn bare_jpeg() -> Vec<u8> {
    let s = include_bytes!("../../cli/sample/detention-notice.jpg");
    let p = s.windows(2).position(|w| w == [0xFF, 0xE1]).unwrap();
    let len = u16::from_be_bytes([s[p + 2], s[p + 3]]) as usize;
    [&s[..p], &s[p + 2 + len..]].concat()
}

#[test]
fn tiff_jpeg_compression_is_kept_when_its_streams_carry_nothing_else() {
    let tables = b"\xFF\xD8\xFF\xDB\0\x43\0".to_vec();
    let mut tables = [&tables[..], &[1u8; 64], b"\xFF\xD9"].concat();
    let scan = bare_jpeg();
    let mut p = gray_page(1);
    p.tags[4].1 = V::N(3, vec![7]);
    p.tags.retain(|t| t.0 != 278);
    p.tags.push((347, V::B(7, tables.clone())));
    p.data = vec![scan.clone()];
    let c = strip(Image::Tiff, &build(true, &[p.clone()], b"")).unwrap();
    without_markers(&c.bytes);
    assert_eq!(read(&c.bytes)[0].1, vec![scan]);
    assert!(contains(&c.bytes, &tables));
    tables.splice(2..2, b"\xFF\xFE\0\x08MARKER".iter().copied());
    p.tags.last_mut().unwrap().1 = V::B(7, tables);
    assert!(err(&build(true, &[p], b"")).contains("JPEGTables"));
}

#[test]
fn tiff_rows_of_bits_start_on_a_byte() {
    // 5x3 bilevel: each row is one byte, so the strip is 3 bytes, not ceil(15 / 8).
    let page = |data: Vec<u8>| Page {
        tags: vec![
            (256, V::N(3, vec![5])),
            (257, V::N(3, vec![3])),
            (259, V::N(3, vec![1])),
            (262, V::N(3, vec![0])),
        ],
        data: vec![data],
        tiled: false,
    };
    let t = build(false, &[page(vec![0xF8, 0x50, 0xA8])], b"");
    assert_eq!(
        read(&strip(Image::Tiff, &t).unwrap().bytes)[0].1,
        read(&t)[0].1
    );
    assert!(err(&build(false, &[page(vec![0xF8, 0x50, 0xA8, 0x4D])], b"")).contains("3 bytes"));
}

#[test]
fn tiff_any_single_byte_change_is_refused_or_still_cleaned() {
    for be in [false, true] {
        let t = build(be, &[gray_page(5), tiled_page()], b"MARKERTRAILER");
        for i in 0..t.len() {
            for v in [0, 1, 0xFF, t[i] ^ 0x80] {
                let mut m = t.clone();
                m[i] = v;
                if let Ok(c) = strip(Image::Tiff, &m) {
                    assert!(!contains(&c.bytes, b"MARKER"), "byte {i} set to {v}");
                }
            }
        }
    }
}

/// Files an independent review built to get data past the cleaner (kept under
/// tests/fixtures/tiff-hostile/): each must be refused, or cleaned of what it hides.
#[test]
fn review_cases_are_refused_or_lose_what_they_hide() {
    macro_rules! case {
        ($name:literal) => {
            (
                $name,
                &include_bytes!(concat!("../../../tests/fixtures/tiff-hostile/", $name))[..],
            )
        };
    }
    for (name, file) in [
        // A strip that is the GPS IFD's text; a ColorMap pointing into the EXIF MakerNote.
        case!("strip_is_gps_value.tif"),
        case!("exif_makernote_as_colormap.tif"),
        // A ColorMap on a 16-bit RGB image, carrying text no reader shows.
        case!("colormap_on_rgb16.tif"),
        // Text after the last PackBits run of a strip.
        case!("after_packbits.tif"),
        // SamplesPerPixel 2^32-1: refused at once instead of looping.
        case!("spp_huge.tif"),
    ] {
        let start = std::time::Instant::now();
        let r = strip(Image::Tiff, file);
        assert!(r.is_err(), "{name} was not refused");
        assert!(
            start.elapsed().as_secs() < 5,
            "{name} took {:?}",
            start.elapsed()
        );
    }
    // A thumbnail of the unredacted image as page 2 (NewSubfileType 1): dropped.
    let file = &include_bytes!("../../../tests/fixtures/tiff-hostile/thumbnail_page.tif")[..];
    let c = strip(Image::Tiff, file).unwrap();
    let pages = read(&c.bytes).len();
    assert_eq!(pages, 1, "the thumbnail page was kept");
    assert!(c.removed.contains("thumbnail"), "{}", c.removed);
}
