//! TIFF export redaction (FORMAT.md 13.4): multi-page scans assembled here, tagged with the
//! real `exiftool` (EXIF, GPS, XMP, IPTC, ICC, the identifying baseline tags, on every page),
//! exported through the CLI, opened with the real `age` and `tar`, then checked with
//! `exiftool`, byte searches and an independent reading of every page's strips and tiles.
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::redact::{contains, exiftool_on, World};

fn put(be: bool, out: &mut Vec<u8>, size: usize, n: u32) {
    let b = if be { n.to_be_bytes() } else { n.to_le_bytes() };
    out.extend(if be { &b[4 - size..] } else { &b[..size] });
}

/// A tag, its type and its values.
type Tag = (u16, u16, Vec<u32>);

/// A two-page scan: an 8x6 grayscale page in three strips, then a 20x20 RGB page in four
/// 16x16 tiles; uncompressed.
fn scan(be: bool) -> Vec<u8> {
    let mut b: Vec<u8> = if be { b"MM\0*" } else { b"II*\0" }.to_vec();
    b.extend([0; 4]);
    let pages: [(Vec<Tag>, Vec<Vec<u8>>, bool); 2] = [
        (
            vec![
                (256, 3, vec![8]),
                (257, 3, vec![6]),
                (258, 3, vec![8]),
                (259, 3, vec![1]),
                (262, 3, vec![1]),
                (278, 3, vec![2]),
            ],
            (0..3u8)
                .map(|s| (0..16u8).map(|i| s * 80 + i * 5).collect())
                .collect(),
            false,
        ),
        (
            vec![
                (256, 3, vec![20]),
                (257, 3, vec![20]),
                (258, 3, vec![8, 8, 8]),
                (259, 3, vec![1]),
                (262, 3, vec![2]),
                (277, 3, vec![3]),
                (322, 3, vec![16]),
                (323, 3, vec![16]),
            ],
            (0..4u8)
                .map(|t| (0..768).map(|i| (i as u8).wrapping_mul(t + 7)).collect())
                .collect(),
            true,
        ),
    ];
    let mut link = 4;
    for (tags, data, tiled) in pages {
        let mut offs = Vec::new();
        for d in &data {
            offs.push(b.len() as u32);
            b.extend(d);
        }
        let mut tags = tags;
        let (o, c) = if tiled { (324, 325) } else { (273, 279) };
        tags.push((o, 4, offs));
        tags.push((c, 4, data.iter().map(|d| d.len() as u32).collect()));
        tags.sort_by_key(|t| t.0);
        let at = b.len() as u32;
        let mut w = Vec::new();
        put(be, &mut w, 4, at);
        b[link..link + 4].copy_from_slice(&w);
        put(be, &mut b, 2, tags.len() as u32);
        let mut vals = Vec::new();
        let vals_at = at as usize + 2 + 12 * tags.len() + 4;
        for (tag, ty, v) in &tags {
            put(be, &mut b, 2, *tag as u32);
            put(be, &mut b, 2, *ty as u32);
            put(be, &mut b, 4, v.len() as u32);
            let size = if *ty == 3 { 2 } else { 4 };
            let mut bytes = Vec::new();
            for &x in v {
                put(be, &mut bytes, size, x);
            }
            if bytes.len() <= 4 {
                bytes.resize(4, 0);
                b.extend(bytes);
            } else {
                put(be, &mut b, 4, (vals_at + vals.len()) as u32);
                vals.extend(bytes);
            }
        }
        link = b.len();
        b.extend([0; 4]);
        b.extend(vals);
    }
    b
}

/// Every page's strips or tiles, in order, read independently of Amanat.
fn pixels(b: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let be = &b[..2] == b"MM";
    let u = |p: usize, n: usize| {
        (0..n).fold(0usize, |a, i| {
            a | (b[p + i] as usize) << (8 * if be { n - 1 - i } else { i })
        })
    };
    let mut pages = Vec::new();
    let mut ifd = u(4, 4);
    while ifd != 0 {
        let n = u(ifd, 2);
        let (mut offs, mut counts) = (vec![], vec![]);
        for e in (0..n).map(|e| ifd + 2 + 12 * e) {
            let (tag, ty, count) = (u(e, 2), u(e + 2, 2), u(e + 4, 4));
            if ![273, 279, 324, 325].contains(&tag) {
                continue;
            }
            let size = if ty == 3 { 2 } else { 4 };
            let at = if size * count <= 4 {
                e + 8
            } else {
                u(e + 8, 4)
            };
            let vals: Vec<usize> = (0..count).map(|i| u(at + i * size, size)).collect();
            match tag {
                273 | 324 => offs = vals,
                279 | 325 => counts = vals,
                _ => {}
            }
        }
        pages.push(
            offs.iter()
                .zip(&counts)
                .map(|(&o, &c)| b[o..o + c].to_vec())
                .collect(),
        );
        ifd = u(ifd + 2 + 12 * n, 4);
    }
    pages
}

/// A minimal ICC profile whose copyright tag says MARKERICC.
fn icc() -> Vec<u8> {
    let data = b"text\0\0\0\0MARKERICC\0";
    let mut p = (128 + 4 + 12 + data.len() as u32).to_be_bytes().to_vec();
    p.extend(b"none");
    p.extend(0x0210_0000u32.to_be_bytes());
    p.extend(b"mntrGRAYXYZ ");
    p.extend([0; 12]);
    p.extend(b"acsp");
    p.resize(128, 0);
    p.extend(1u32.to_be_bytes());
    p.extend(b"cprt");
    p.extend(144u32.to_be_bytes());
    p.extend((data.len() as u32).to_be_bytes());
    p.extend(data);
    p
}

/// The tags a cleaned page may still show, as `exiftool -G1` names them.
const KEPT: &[&str] = &[
    "SubfileType",
    "ImageWidth",
    "ImageHeight",
    "BitsPerSample",
    "Compression",
    "PhotometricInterpretation",
    "StripOffsets",
    "SamplesPerPixel",
    "RowsPerStrip",
    "StripByteCounts",
    "PlanarConfiguration",
    "TileWidth",
    "TileLength",
    "TileOffsets",
    "TileByteCounts",
    // Kept too when a file has them (libtiff writes some): they say how to render pixels.
    "Orientation",
    "Predictor",
    "FillOrder",
    "XResolution",
    "YResolution",
    "ResolutionUnit",
    "ExtraSamples",
    "SampleFormat",
];

/// What `exiftool -a -G1 -u -j` finds beyond the pixel structure of each page.
fn leaks(path: &Path) -> Vec<String> {
    let o = Command::new("exiftool")
        .args(["-a", "-G1", "-j", "-u"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v[0].as_object()
        .unwrap()
        .iter()
        .filter(|(k, val)| {
            let (group, tag) = k.split_once(':').unwrap_or(("", k));
            let fine = match group {
                "" => *k == "SourceFile",
                "ExifTool" => tag == "ExifToolVersion",
                "System" => true,
                "File" => {
                    ["FileType", "FileTypeExtension", "MIMEType", "ExifByteOrder"].contains(&tag)
                }
                "Composite" => ["ImageSize", "Megapixels"].contains(&tag),
                g if g.starts_with("IFD") => KEPT.contains(&tag),
                _ => false,
            };
            !fine || val.to_string().contains("MARKER")
        })
        .map(|(k, val)| format!("{k}={val}"))
        .collect()
}

#[test]
fn tiff_scans_lose_exif_gps_xmp_iptc_icc_and_identifying_tags_on_every_page_and_keep_pixels() {
    let w = World::new();
    let gen = w.hq.root().join("gen");
    fs::create_dir(&gen).unwrap();
    fs::write(gen.join("p.icc"), icc()).unwrap();
    let icc_arg = format!("-ICC_Profile<={}", gen.join("p.icc").display());
    for be in [false, true] {
        let orig = scan(be);
        let tagged = exiftool_on(
            &gen,
            "scan.tif",
            &orig,
            &[
                "-GPSLatitude=43.825",
                "-GPSLatitudeRef=N",
                "-GPSLongitude=87.6",
                "-GPSLongitudeRef=E",
                "-Artist=MARKERARTIST",
                "-XMP-dc:Creator=MARKERCREATOR",
                "-IPTC:By-line=MARKERBYLINE",
                "-ImageDescription=MARKERDESCRIPTION",
                "-Make=MARKERMAKE",
                "-Model=MARKERMODEL",
                "-Software=MARKERSOFTWARE",
                "-Copyright=MARKERCOPYRIGHT",
                "-DateTimeOriginal=2021:02:03 04:05:06",
                "-SerialNumber=MARKERSERIAL",
                "-IFD1:ImageDescription=MARKERPAGE2",
                "-IFD1:Artist=MARKERARTIST2",
                &icc_arg,
            ],
        );
        let before = leaks(&gen.join("scan.tif"));
        for want in [
            "GPS",
            "XMP",
            "IPTC",
            "ICC",
            "IFD1:Artist",
            "Make",
            "ExifIFD",
        ] {
            assert!(
                before.iter().any(|l| l.contains(want)),
                "exiftool wrote no {want}: {before:?}"
            );
        }
        assert_eq!(pixels(&tagged), pixels(&orig), "exiftool moved the pixels");
        let e = w.export(&[("scan.tif", tagged)]);
        assert!(e.cleaned("scan.tif"), "{}", e.report);
        assert_eq!(e.not_cleaned("scan.tif"), None);
        let (path, part) = e.part("scan.tif");
        let clean = fs::read(&path).unwrap();
        let found = leaks(&path);
        assert!(found.is_empty(), "exiftool still finds {found:?}");
        for m in [
            &b"MARKER"[..],
            b"2021:02:03",
            b"http://ns.adobe.com",
            b"acsp",
            b"ExifTool",
        ] {
            assert!(
                !contains(&clean, m),
                "still holds {:?}",
                String::from_utf8_lossy(m)
            );
        }
        assert_eq!(pixels(&clean), pixels(&orig), "the pixels changed");
        assert_eq!(&clean[..4], &orig[..4]);
        let removed = part["removed"].as_str().unwrap();
        for what in [
            "EXIF", "GPS", "XMP", "IPTC", "ICC", "Artist", "Make", "Model",
        ] {
            assert!(removed.contains(what), "{what}: {removed}");
        }
        assert!(part["original_sha256"].is_string());
    }
}

#[test]
fn bigtiff_is_refused_with_a_way_out_and_nothing_is_written() {
    let w = World::new();
    // A BigTIFF header (version 43, 8-byte offsets) with one empty IFD.
    let mut big = b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0".to_vec();
    big.extend([0; 16]);
    let id = w.add(&[("scan.tif", big)]);
    let before = w.hq.state();
    let out = w.hq.out("big.amanat");
    let err = w.hq.fails(
        &[
            "export",
            "--to",
            "Partner",
            &id,
            "-o",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("BigTIFF") && err.contains("--keep-metadata"),
        "{err}"
    );
    assert!(!out.exists(), "a bundle was written");
    assert_eq!(w.hq.state(), before);
    assert!(w.hq.tmp_is_empty());
    w.hq.ok(&[
        "export",
        "--to",
        "Partner",
        &id,
        "--keep-metadata",
        "-o",
        out.to_str().unwrap(),
    ]);
}

#[test]
fn tiffs_written_by_libtiff_in_every_common_layout_are_cleaned_and_keep_their_pixels() {
    // The scan above, re-encoded by the real libtiff (`tiffcp`) as a scanner or ImageMagick
    // would write it: compressed, tiled, big-endian; then tagged by the real exiftool.
    let w = World::new();
    let gen = w.hq.root().join("gen-libtiff");
    fs::create_dir(&gen).unwrap();
    fs::write(gen.join("src.tif"), scan(false)).unwrap();
    let layouts: &[(&str, &[&str])] = &[
        ("lzw.tif", &["-c", "lzw"]),
        ("zip.tif", &["-c", "zip"]),
        ("packbits.tif", &["-c", "packbits"]),
        ("tiled.tif", &["-c", "lzw", "-t", "-w", "16", "-l", "16"]),
        ("big-endian.tif", &["-B", "-c", "none"]),
        ("strips.tif", &["-c", "none", "-r", "1"]),
    ];
    let mut tagged = Vec::new();
    for (name, args) in layouts {
        let o = Command::new("tiffcp")
            .args(*args)
            .arg(gen.join("src.tif"))
            .arg(gen.join(name))
            .output()
            .expect("tiffcp (apt-get install libtiff-tools)");
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let plain = fs::read(gen.join(name)).unwrap();
        let t = exiftool_on(
            &gen,
            name,
            &plain,
            &[
                "-GPSLatitude=43.825",
                "-GPSLatitudeRef=N",
                "-Artist=MARKERARTIST",
                "-XMP-dc:Creator=MARKERCREATOR",
                "-ImageDescription=MARKERDESCRIPTION",
            ],
        );
        assert_eq!(
            pixels(&t),
            pixels(&plain),
            "{name}: exiftool moved the pixels"
        );
        tagged.push((name.to_string(), t));
    }
    let parts: Vec<(&str, Vec<u8>)> = tagged
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let e = w.export(&parts);
    for (name, t) in &tagged {
        assert!(e.cleaned(name), "{name} was not cleaned: {}", e.report);
        let (path, _) = e.part(name);
        let clean = fs::read(&path).unwrap();
        let found = leaks(&path);
        assert!(found.is_empty(), "{name}: exiftool still finds {found:?}");
        assert!(!contains(&clean, b"MARKER"), "{name} still holds a marker");
        assert_eq!(pixels(&clean), pixels(t), "{name}: the pixels changed");
    }
}
