//! Export redaction (FORMAT.md 13.4) on a corpus generated here: images written by hand or
//! with the dev-dependencies, metadata added with the real `exiftool`, exported through the
//! CLI, opened with the real `age` and `tar` as a partner would, and each cleaned file
//! checked with `exiftool`, byte searches and a pixel decode.
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::*;

const SCAN: &[u8] = include_bytes!("../../src/cli/sample/detention-notice.jpg");

/// A sender vault and a partner with only an age key (made by `age-keygen`).
pub(crate) struct World {
    pub(crate) hq: Env,
    key: PathBuf,
}

pub(crate) struct Exported {
    pub(crate) report: Value,
    manifest: Value,
    dir: PathBuf,
}

impl World {
    pub(crate) fn new() -> World {
        let hq = Env::new();
        let keys = hq.root().join("partner-keys");
        let (recipient, _) = outside_keys(&keys);
        hq.ok(&["contact", "add", "Partner", "--recipient", &recipient]);
        World {
            hq,
            key: keys.join("key.txt"),
        }
    }

    pub(crate) fn add(&self, files: &[(&str, Vec<u8>)]) -> String {
        let mut args = vec!["--title".to_owned(), "corpus".to_owned()];
        for (name, bytes) in files {
            args.push(self.hq.input(name, bytes).to_str().unwrap().to_owned());
        }
        self.hq
            .add(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Adds one record holding `files` and exports it; the partner unpacks it with
    /// `age -d -i key.txt bundle | tar xz`.
    pub(crate) fn export(&self, files: &[(&str, Vec<u8>)]) -> Exported {
        let id = self.add(files);
        let out = self.hq.out(&format!("{}.amanat", &id[..8]));
        let report = self.hq.ok(&[
            "export",
            "--to",
            "Partner",
            &id,
            "--json",
            "-o",
            out.to_str().unwrap(),
        ]);
        let dir = self.hq.root().join(format!("opened-{}", &id[..8]));
        fs::create_dir(&dir).unwrap();
        let mut age = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&self.key)
            .arg(&out)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let tar = Command::new("tar")
            .arg("xz")
            .arg("-C")
            .arg(&dir)
            .stdin(age.stdout.take().unwrap())
            .status()
            .unwrap();
        assert!(age.wait().unwrap().success() && tar.success());
        let manifest =
            serde_json::from_slice(&fs::read(dir.join("MANIFEST.json")).unwrap()).unwrap();
        let manifest = with_records(manifest, |p| fs::read(dir.join(p)).unwrap());
        Exported {
            report: serde_json::from_str(&report).unwrap(),
            manifest,
            dir,
        }
    }
}

impl Exported {
    pub(crate) fn part(&self, name: &str) -> (PathBuf, Value) {
        let p = self.manifest["records"][0]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in the manifest"))
            .clone();
        (self.dir.join(p["path"].as_str().unwrap()), p)
    }

    pub(crate) fn cleaned(&self, name: &str) -> bool {
        self.report["cleaned"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c[1] == name)
    }

    pub(crate) fn not_cleaned(&self, name: &str) -> Option<String> {
        self.report["not_cleaned"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[1] == name)
            .map(|c| c[2].as_str().unwrap().to_owned())
    }
}

pub(crate) fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

fn count(h: &[u8], n: &[u8]) -> usize {
    h.windows(n.len()).filter(|w| *w == n).count()
}

/// Runs the real exiftool on `bytes`, written to a file in `dir`.
pub(crate) fn exiftool_on(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
    args: &[&str],
) -> Vec<u8> {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    let o = Command::new("exiftool")
        .args(["-q", "-q", "-overwrite_original"])
        .args(args)
        .arg(&p)
        .output()
        .expect("exiftool (apt-get install libimage-exiftool-perl)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::read(&p).unwrap()
}

const TAGS: &[&str] = &[
    "-GPSLatitude=43.825",
    "-GPSLatitudeRef=N",
    "-GPSLongitude=87.6",
    "-GPSLongitudeRef=E",
    "-Artist=MARKERARTIST",
    "-Comment=MARKERCOMMENT",
    "-XMP-dc:Creator=MARKERCREATOR",
];

/// What `exiftool -a -G1 -j` still finds that identifies a person, place or device, or
/// that it could not account for.
fn exif_leaks(path: &std::path::Path) -> Vec<String> {
    let o = Command::new("exiftool")
        .args(["-a", "-G1", "-j", "-u"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    const BAD: &[&str] = &[
        "gps",
        "artist",
        "creator",
        "author",
        "comment",
        "xmp",
        "copyright",
        "make",
        "model",
        "warning",
        "trailer",
        "mpf",
        "mpimage",
        "preview",
        "thumbnail",
        "exif",
        "icc",
        "iptc",
        "photoshop",
        "ifd",
    ];
    v[0].as_object()
        .unwrap()
        .iter()
        .filter(|(k, val)| {
            if k.as_str() == "ExifTool:ExifToolVersion" {
                return false;
            }
            let k = k.to_lowercase();
            BAD.iter().any(|b| k.contains(b)) || val.to_string().contains("MARKER")
        })
        .map(|(k, val)| format!("{k}={val}"))
        .collect()
}

/// Splits a JPEG into its segments before the first scan and the rest (from SOS on).
fn jpeg_head_segments(b: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut segs = Vec::new();
    let mut p = 2;
    while b[p + 1] != 0xDA {
        let len = u16::from_be_bytes([b[p + 2], b[p + 3]]) as usize;
        segs.push(b[p..p + 2 + len].to_vec());
        p += 2 + len;
    }
    (segs, b[p..].to_vec())
}

/// The APPn (but APP0) and COM segments exiftool wrote, and the file without them.
fn split_metadata(tagged: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (segs, rest) = jpeg_head_segments(tagged);
    let is_meta = |s: &Vec<u8>| matches!(s[1], 0xE1..=0xEF | 0xFE);
    let meta: Vec<u8> = segs
        .iter()
        .filter(|s| is_meta(s))
        .flatten()
        .copied()
        .collect();
    let mut bare = vec![0xFF, 0xD8];
    bare.extend(segs.iter().filter(|s| !is_meta(s)).flatten());
    bare.extend(rest);
    (meta, bare)
}

/// A hand-assembled 16x16 three-component JPEG with every block's DC set and no AC:
/// progressive (an interleaved DC scan, then one AC scan per component) or baseline with
/// one scan per component. `between` is inserted after the first scan.
fn multi_scan_jpeg(progressive: bool, between: &[u8]) -> Vec<u8> {
    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend(((payload.len() + 2) as u16).to_be_bytes());
        s.extend(payload);
        s
    }
    struct Bits(Vec<u8>, u32, u8);
    impl Bits {
        fn put(&mut self, v: u32, n: u8) {
            for i in (0..n).rev() {
                self.1 = self.1 << 1 | (v >> i) & 1;
                self.2 += 1;
                if self.2 == 8 {
                    self.0.push(self.1 as u8);
                    if self.1 == 0xFF {
                        self.0.push(0);
                    }
                    self.1 = 0;
                    self.2 = 0;
                }
            }
        }
        fn done(mut self) -> Vec<u8> {
            while self.2 != 0 {
                self.put(1, 1);
            }
            self.0
        }
    }
    // DC categories 0..11 all have 4-bit codes (their index); AC has only EOB, code "0".
    let dc = |bits: &mut Bits, diff: i32| {
        let cat = 32 - diff.unsigned_abs().leading_zeros();
        bits.put(cat, 4);
        let v = if diff < 0 {
            diff + (1 << cat) - 1
        } else {
            diff
        };
        bits.put(v as u32, cat as u8);
    };
    let value = |c: usize, k: usize| (((c * 37 + k * 173) % 200) as i32 - 100) * 8;
    let mut f = vec![0xFF, 0xD8];
    f.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    f.extend(seg(0xDB, &[[0u8].as_slice(), &[1u8; 64]].concat()));
    let sof = [8, 0, 16, 0, 16, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0];
    f.extend(seg(if progressive { 0xC2 } else { 0xC0 }, &sof));
    let mut dht = vec![0x00];
    dht.extend([0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    dht.extend(0..12u8);
    dht.extend([0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
    f.extend(seg(0xC4, &dht));
    let mut scans: Vec<Vec<u8>> = Vec::new();
    if progressive {
        let mut b = Bits(vec![], 0, 0);
        let mut pred = [0i32; 3];
        for k in 0..4 {
            for (c, p) in pred.iter_mut().enumerate() {
                dc(&mut b, value(c, k) - *p);
                *p = value(c, k);
            }
        }
        let mut s = seg(0xDA, &[3, 1, 0, 2, 0, 3, 0, 0, 0, 0]);
        s.extend(b.done());
        scans.push(s);
        for c in 1..=3u8 {
            let mut s = seg(0xDA, &[1, c, 0, 1, 63, 0]);
            let mut b = Bits(vec![], 0, 0);
            for _ in 0..4 {
                b.put(0, 1);
            }
            s.extend(b.done());
            scans.push(s);
        }
    } else {
        for c in 0..3 {
            let mut s = seg(0xDA, &[1, c as u8 + 1, 0, 0, 63, 0]);
            let mut b = Bits(vec![], 0, 0);
            let mut pred = 0;
            for k in 0..4 {
                dc(&mut b, value(c, k) - pred);
                pred = value(c, k);
                b.put(0, 1);
            }
            s.extend(b.done());
            scans.push(s);
        }
    }
    for (i, s) in scans.iter().enumerate() {
        f.extend(s);
        if i == 0 {
            f.extend(between);
        }
    }
    f.extend([0xFF, 0xD9]);
    f
}

/// An ISO media box.
fn bx(ty: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend(ty);
    b.extend(payload);
    b
}

/// A Motion Photo's video: ftyp, moov with a location and a marker, mdat.
fn motion_mp4() -> Vec<u8> {
    let mut v = bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    v.extend(bx(
        b"moov",
        &bx(
            b"udta",
            &bx(b"\xa9xyz", b"\0\x12\x15\xc7+43.8250+087.6000/MARKERVIDEO"),
        ),
    ));
    v.extend(bx(b"mdat", &[7u8; 64]));
    v
}

fn jpeg_pixels(b: &[u8]) -> Vec<u8> {
    jpeg_decoder::Decoder::new(b).decode().unwrap()
}

fn png_pixels(b: &[u8]) -> Vec<u8> {
    let mut r = png::Decoder::new(std::io::Cursor::new(b.to_vec()))
        .read_info()
        .unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    r.next_frame(&mut buf).unwrap();
    buf
}

/// Every marker a cleaned file must not hold, whatever the format.
fn assert_no_metadata(name: &str, path: &std::path::Path, bytes: &[u8]) {
    let leaks = exif_leaks(path);
    assert!(leaks.is_empty(), "{name}: exiftool still finds {leaks:?}");
    for m in [
        &b"MARKER"[..],
        b"Exif\0\0",
        b"http://ns.adobe.com",
        b"ftyp",
        b"ICC_PROFILE",
        b"MPF\0",
    ] {
        assert!(
            !contains(bytes, m),
            "{name} still holds {:?}",
            String::from_utf8_lossy(m)
        );
    }
}

#[test]
fn jpeg_metadata_after_the_scan_appended_or_in_other_pictures_is_removed_and_pixels_kept() {
    let w = World::new();
    let gen = w.hq.root().join("gen");
    fs::create_dir(&gen).unwrap();
    let tagged = exiftool_on(&gen, "tagged.jpg", SCAN, TAGS);
    assert!(
        !exif_leaks(&gen.join("tagged.jpg")).is_empty(),
        "exiftool wrote nothing"
    );
    let (meta, bare) = split_metadata(&tagged);
    // EXIF, XMP and the comment between the scan data and the end of the image.
    let mut late = bare[..bare.len() - 2].to_vec();
    late.extend(&meta);
    late.extend([0xFF, 0xD9]);
    // A second, fully tagged JPEG after the end of the first (a thumbnail, an MPF image).
    let mut appended = bare.clone();
    appended.extend(&tagged);
    // Ultra HDR: MPF index and hdrgm XMP in the primary, the gain map appended.
    let (segs, rest) = jpeg_head_segments(&bare);
    let mut ultra = vec![0xFF, 0xD8];
    ultra.extend(&segs[0]);
    let mpf = b"MPF\0MM\0*\0\0\0\x08\0\x01\xb0\0\0\x07\0\0\0\x040100\0\0\0\0";
    ultra.extend([0xFF, 0xE2, 0, mpf.len() as u8 + 2]);
    ultra.extend(mpf);
    let gain = exiftool_on(
        &gen,
        "gain.jpg",
        SCAN,
        &["-XMP-hdrgm:Version=1.0", "-Artist=MARKERGAIN"],
    );
    ultra.extend(segs[1..].iter().flatten());
    ultra.extend(rest);
    ultra.extend(&gain);
    // Motion Photo: the tagged still, then an MP4 with its own location.
    let mut motion = tagged.clone();
    motion.extend(motion_mp4());
    // Progressive and multi-scan files with the metadata between scans.
    let mut corpus = vec![
        ("header.jpg", tagged.clone()),
        ("late.jpg", late),
        ("appended.jpg", appended),
        ("ultrahdr.jpg", ultra),
        ("motion.jpg", motion),
    ];
    for (name, progressive) in [("progressive.jpg", true), ("multiscan.jpg", false)] {
        let plain = multi_scan_jpeg(progressive, &[]);
        let px = jpeg_pixels(&plain);
        assert!(px.iter().any(|&p| p < 100) && px.iter().any(|&p| p > 150));
        let t = exiftool_on(&gen, name, &plain, TAGS);
        let (meta, _) = split_metadata(&t);
        corpus.push((name, multi_scan_jpeg(progressive, &meta)));
    }
    for (name, b) in &corpus {
        assert!(contains(b, b"MARKER"), "{name} carries no marker");
    }
    let e = w.export(&corpus);
    for (name, orig) in &corpus {
        let (path, part) = e.part(name);
        let clean = fs::read(&path).unwrap();
        assert!(e.cleaned(name), "{name} not reported cleaned: {}", e.report);
        assert_eq!(part["original_sha256"], sha256_hex(orig));
        assert_eq!(part["sha256"], sha256_hex(&clean));
        assert_no_metadata(name, &path, &clean);
        // One image, ending at its end-of-image marker: nothing appended.
        assert_eq!(
            count(&clean, &[0xFF, 0xD8, 0xFF]),
            1,
            "{name}: a second image"
        );
        assert_eq!(
            count(&clean, &[0xFF, 0xD9]),
            1,
            "{name}: data after the image"
        );
        assert!(clean.ends_with(&[0xFF, 0xD9]), "{name}: trailing data");
        assert_eq!(
            jpeg_pixels(&clean),
            jpeg_pixels(orig),
            "{name}: pixels changed"
        );
    }
    let removed = |n: &str| e.part(n).1["removed"].as_str().unwrap().to_owned();
    assert!(
        removed("motion.jpg").contains("video"),
        "{}",
        removed("motion.jpg")
    );
    assert!(
        removed("appended.jpg").contains("JPEG"),
        "{}",
        removed("appended.jpg")
    );
}

#[test]
fn jpeg_with_data_after_its_end_that_cannot_be_classified_is_refused_not_half_cleaned() {
    let w = World::new();
    let mut odd = SCAN.to_vec();
    odd.extend(b"SEFHMotionPhoto_Data GPS 43.8250,87.6000 MARKER");
    let id = w.add(&[("odd.jpg", odd)]);
    let before = w.hq.state();
    let out = w.hq.out("odd.amanat");
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
        err.contains("odd.jpg") && err.contains("after") && err.contains("--keep-metadata"),
        "{err}"
    );
    assert!(!out.exists(), "a bundle was written");
    assert_eq!(w.hq.state(), before);
    assert!(w.hq.tmp_is_empty());
    // Sending it as it is remains the user's choice.
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

/// A PNG chunk.
fn chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(ty);
    c.extend(data);
    let mut crc = !0u32;
    for &b in ty.iter().chain(data) {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                crc >> 1 ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    c.extend((!crc).to_be_bytes());
    c
}

#[test]
fn png_text_xmp_and_exif_after_the_image_data_are_removed_and_pixels_kept() {
    let w = World::new();
    let gen = w.hq.root().join("gen");
    fs::create_dir(&gen).unwrap();
    let mut plain = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut plain, 8, 6);
        enc.set_color(png::ColorType::Rgb);
        let mut wr = enc.write_header().unwrap();
        let px: Vec<u8> = (0..8 * 6 * 3).map(|i| (i * 37 % 251) as u8).collect();
        wr.write_image_data(&px).unwrap();
    }
    let tagged = exiftool_on(&gen, "t.png", &plain, TAGS);
    // Move every chunk exiftool wrote to after IDAT, and add text and an iTXt there too.
    let mut chunks = Vec::new();
    let mut p = 8;
    while p < tagged.len() {
        let len = u32::from_be_bytes(tagged[p..p + 4].try_into().unwrap()) as usize;
        chunks.push(tagged[p..p + 12 + len].to_vec());
        p += 12 + len;
    }
    let critical = |c: &Vec<u8>| c[4].is_ascii_uppercase();
    let mut late = tagged[..8].to_vec();
    for c in chunks.iter().filter(|c| critical(c) && &c[4..8] != b"IEND") {
        late.extend(c);
    }
    for c in chunks.iter().filter(|c| !critical(c)) {
        late.extend(c);
    }
    late.extend(chunk(b"tEXt", b"Author\0MARKERAUTHOR"));
    late.extend(chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>MARKERXMP</x:xmpmeta>",
    ));
    late.extend(chunk(b"IEND", b""));
    let idat = late.windows(4).position(|x| x == b"IDAT").unwrap();
    let exif = late
        .windows(4)
        .position(|x| x == b"eXIf")
        .expect("exiftool wrote eXIf");
    assert!(exif > idat && contains(&late, b"MARKERCREATOR"));
    let e = w.export(&[("late.png", late.clone())]);
    let (path, _) = e.part("late.png");
    let clean = fs::read(&path).unwrap();
    assert!(e.cleaned("late.png"));
    assert_no_metadata("late.png", &path, &clean);
    assert!(clean.ends_with(&chunk(b"IEND", b"")));
    assert_eq!(png_pixels(&clean), png_pixels(&late));
}

/// A 1x1 lossless WebP, assembled by hand.
const WEBP_1X1: &[u8] =
    b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";

#[test]
fn webp_exif_xmp_icc_and_unknown_chunks_are_removed_and_flags_cleared() {
    let w = World::new();
    let gen = w.hq.root().join("gen");
    fs::create_dir(&gen).unwrap();
    let tagged = exiftool_on(
        &gen,
        "t.webp",
        WEBP_1X1,
        &[
            "-GPSLatitude=43.825",
            "-Artist=MARKERARTIST",
            "-XMP-dc:Creator=MARKERCREATOR",
        ],
    );
    assert!(contains(&tagged, b"VP8X") && contains(&tagged, b"EXIF"));
    let mut webp = tagged.clone();
    for (ty, data) in [(b"ICCP", &b"MARKERICC"[..]), (b"ZZZZ", b"MARKERUNKNOWN")] {
        webp.extend(ty);
        webp.extend((data.len() as u32).to_le_bytes());
        webp.extend(data);
        if data.len() % 2 == 1 {
            webp.push(0);
        }
    }
    webp[20] |= 0x20; // ICC flag
    let size = (webp.len() - 8) as u32;
    webp[4..8].copy_from_slice(&size.to_le_bytes());
    let e = w.export(&[("photo.webp", webp)]);
    let (path, _) = e.part("photo.webp");
    let clean = fs::read(&path).unwrap();
    assert!(e.cleaned("photo.webp"));
    assert_no_metadata("photo.webp", &path, &clean);
    assert!(!contains(&clean, b"ZZZZ") && !contains(&clean, b"ICCP"));
    assert_eq!(&clean[12..16], b"VP8X");
    assert_eq!(clean[20], 0, "VP8X still announces metadata");
    assert_eq!(
        u32::from_le_bytes(clean[4..8].try_into().unwrap()) as usize,
        clean.len() - 8
    );
    assert!(contains(&clean, &WEBP_1X1[12..]), "the image chunk changed");
}

/// A ZIP archive of stored entries.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let off = z.len() as u32;
        let mut h = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
        h.extend(0u32.to_le_bytes()); // crc, not checked by the sniffer
        h.extend((data.len() as u32).to_le_bytes());
        h.extend((data.len() as u32).to_le_bytes());
        h.extend((name.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        z.extend(&h);
        z.extend(name.as_bytes());
        z.extend(*data);
        let mut c = b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0".to_vec();
        c.extend(&h[14..26]);
        c.extend((name.len() as u16).to_le_bytes());
        c.extend([0u8; 12]);
        c.extend(off.to_le_bytes());
        c.extend(name.as_bytes());
        central.extend(c);
    }
    let cd = z.len() as u32;
    z.extend(&central);
    z.extend(b"PK\x05\x06\0\0\0\0");
    z.extend((entries.len() as u16).to_le_bytes());
    z.extend((entries.len() as u16).to_le_bytes());
    z.extend((central.len() as u32).to_le_bytes());
    z.extend(cd.to_le_bytes());
    z.extend(0u16.to_le_bytes());
    z
}

fn riff(form: &[u8; 4], chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut body = form.to_vec();
    for (ty, data) in chunks {
        body.extend(*ty);
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(*data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut r = b"RIFF".to_vec();
    r.extend((body.len() as u32).to_le_bytes());
    r.extend(body);
    r
}

#[test]
fn formats_that_are_not_cleaned_are_named_by_their_content_not_their_name() {
    let w = World::new();
    let mpeg_frame = |n: usize| {
        // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames.
        let mut f = vec![0xFF, 0xFB, 0x90, 0x00];
        f.resize(417, 0x11);
        f.repeat(n)
    };
    let mut id3v2 = b"ID3\x03\0\0\0\0\0\x1aTPE1\0\0\0\x10\0\0\0MARKERARTIST\0\0\0".to_vec();
    id3v2.extend(mpeg_frame(2));
    let mut id3v1 = vec![0x55; 1000];
    id3v1.extend(b"TAGMARKER TITLE");
    id3v1.resize(1128, 0);
    let mut moov_first = bx(b"wide", b"");
    moov_first.extend(bx(b"mdat", &[9u8; 40]));
    moov_first.extend(bx(b"moov", &bx(b"mvhd", &[0u8; 100])));
    let mut ftyp_late = bx(b"moov", &bx(b"udta", &bx(b"\xa9xyz", b"+43.8+087.6/")));
    ftyp_late.extend(bx(b"ftyp", b"mp42\0\0\0\0mp42isom"));
    ftyp_late.extend(bx(b"mdat", &[3u8; 30]));
    let mut heic = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    heic.extend(bx(b"meta", &[0u8; 30]));
    heic.extend(bx(b"mdat", &[1u8; 30]));
    let mut avif = bx(b"ftyp", b"avif\0\0\0\0avifmif1miaf");
    avif.extend(bx(b"meta", &[0u8; 30]));
    let mut jxl_box = b"\0\0\0\x0cJXL \x0d\x0a\x87\x0a".to_vec();
    jxl_box.extend(bx(b"ftyp", b"jxl \0\0\0\0jxl "));
    jxl_box.extend(bx(b"jxlc", b"\xff\x0a\0\0"));
    let mut jp2 = b"\0\0\0\x0cjP  \x0d\x0a\x87\x0a".to_vec();
    jp2.extend(bx(b"ftyp", b"jp2 \0\0\0\0jp2 "));
    let svg = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- drawn by MARKER -->\n\
               <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n\
               <svg xmlns=\"http://www.w3.org/2000/svg\"><metadata>MARKER</metadata></svg>\n";
    let docx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("docProps/core.xml", b"<dc:creator>MARKER</dc:creator>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    let odt = zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        (
            "meta.xml",
            b"<meta:initial-creator>MARKER</meta:initial-creator>",
        ),
    ]);
    let plain_zip = zip(&[("a.txt", b"hello")]);
    let mut flac = b"fLaC\x80\0\0\x22".to_vec();
    flac.extend([0u8; 34]);
    let wav = riff(
        b"WAVE",
        &[
            (
                b"fmt ",
                &[1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0],
            ),
            (b"LIST", b"INFOIART\x07\0\0\0MARKER\0"),
            (b"data", &[0u8; 32]),
        ],
    );
    let mut asf = vec![
        0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE,
        0x6C,
    ];
    asf.extend([0u8; 30]);
    let corpus: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.txt",
            b"%PDF-1.7\n1 0 obj << /Author (MARKER) >>\nendobj\n".to_vec(),
            "PDF",
        ),
        ("old-movie.txt", moov_first, "MOV"),
        ("movie.dat", ftyp_late, "MP4"),
        ("photo.jpg", heic, "HEIC"),
        ("picture.png", avif, "AVIF"),
        (
            "a.bin",
            b"\xff\x0a\xfa\x7f\x01\x02\x03\x04".to_vec(),
            "JPEG XL",
        ),
        ("b.bin", jxl_box, "JPEG XL"),
        ("c.bin", jp2, "JPEG 2000"),
        ("d.bin", b"\xff\x4f\xff\x51\0\x29\0\0".to_vec(), "JPEG 2000"),
        ("drawing.txt", svg.as_bytes().to_vec(), "SVG"),
        (
            "letter.txt",
            br"{\rtf1\ansi{\info{\author MARKER}}Hello}".to_vec(),
            "RTF",
        ),
        ("report.zip", docx, "DOCX"),
        ("minutes.zip", odt, "ODT"),
        ("archive.dat", plain_zip, "ZIP"),
        ("song.txt", id3v2, "MP3"),
        ("tail.dat", id3v1, "MP3"),
        ("frames.dat", mpeg_frame(3), "MP3"),
        (
            "voice.txt",
            b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\x02\x03\x04".to_vec(),
            "Ogg",
        ),
        ("music.txt", flac, "FLAC"),
        ("memo.txt", wav, "WAV"),
        ("call.txt", asf, "ASF"),
    ];
    let files: Vec<(&str, Vec<u8>)> = corpus.iter().map(|(n, b, _)| (*n, b.clone())).collect();
    let mut with_plain = files.clone();
    with_plain.push((
        "scan.pdf",
        b"Dear colleagues, the hearing is on Monday.\n".to_vec(),
    ));
    let e = w.export(&with_plain);
    for (name, _, fmt) in &corpus {
        let named = e
            .not_cleaned(name)
            .unwrap_or_else(|| panic!("{name} ({fmt}) not named: {}", e.report));
        assert!(named.contains(fmt), "{name}: {named:?} does not say {fmt}");
        assert!(!e.cleaned(name));
    }
    assert_eq!(e.not_cleaned("scan.pdf"), None, "named by its extension");
}
