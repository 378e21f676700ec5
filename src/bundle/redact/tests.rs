use super::*;

const SAMPLE: &[u8] = include_bytes!("../../cli/sample/detention-notice.jpg");

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

fn clean(kind: Image, b: &[u8]) -> Vec<u8> {
    strip(kind, b).unwrap().bytes
}

fn jpeg_px(b: &[u8]) -> Vec<u8> {
    jpeg_decoder::Decoder::new(b).decode().unwrap()
}

/// The sample's APP1 EXIF segment, and the sample without it.
fn sample_exif() -> (Vec<u8>, Vec<u8>) {
    let p = SAMPLE.windows(2).position(|w| w == [0xFF, 0xE1]).unwrap();
    let len = u16::from_be_bytes([SAMPLE[p + 2], SAMPLE[p + 3]]) as usize;
    let seg = SAMPLE[p..p + 2 + len].to_vec();
    let bare = [&SAMPLE[..p], &SAMPLE[p + 2 + len..]].concat();
    (seg, bare)
}

#[test]
fn jpeg_loses_exif_and_keeps_pixels() {
    assert_eq!(sniff_image(SAMPLE), Some(Image::Jpeg));
    assert!(contains(SAMPLE, b"SampleCam") && contains(SAMPLE, b"Exif\0\0"));
    let c = strip(Image::Jpeg, SAMPLE).unwrap();
    assert!(!contains(&c.bytes, b"SampleCam") && !contains(&c.bytes, b"Exif"));
    assert!(c.removed.contains("EXIF"), "{}", c.removed);
    // Everything from the first quantization table on is identical.
    let dqt = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
    assert_eq!(&c.bytes[dqt(&c.bytes)..], &SAMPLE[dqt(SAMPLE)..]);
}

#[test]
fn jpeg_segments_after_the_scan_are_removed() {
    let (exif, bare) = sample_exif();
    let mut late = bare[..bare.len() - 2].to_vec();
    late.extend(&exif);
    late.extend(b"\xFF\xFE\0\x09comment");
    late.extend([0xFF, 0xD9]);
    let c = clean(Image::Jpeg, &late);
    assert!(!contains(&c, b"SampleCam") && !contains(&c, b"comment"));
    assert_eq!(c, clean(Image::Jpeg, &bare));
    assert_eq!(jpeg_px(&c), jpeg_px(&late));
}

#[test]
fn jpeg_trailers_are_dropped_when_known_and_refused_when_not() {
    let (_, bare) = sample_exif();
    let base = clean(Image::Jpeg, &bare);
    let mp4 = [
        &b"\0\0\0\x10ftypisom\0\0\0\0"[..],
        b"\0\0\0\x10moovMARKERGP",
        b"\0\0\0\x08mdat",
    ]
    .concat();
    for tail in [
        SAMPLE.to_vec(),
        [SAMPLE, SAMPLE].concat(),
        vec![0; 100],
        mp4.clone(),
        [SAMPLE, &mp4[..]].concat(),
    ] {
        let c = strip(Image::Jpeg, &[&bare[..], &tail].concat()).unwrap();
        assert_eq!(c.bytes, base, "{}", c.removed);
        assert!(c.removed.contains("appended") || c.removed.contains("padding"));
    }
    for tail in [
        &b"SEFHjunk"[..],
        &[SAMPLE, b"junk"].concat(),
        &[&mp4[..], b"SEFT"].concat(),
        &SAMPLE[..200],
        &[0, 0, 0xFF, 0xD8, 0xFF][..],
    ] {
        let e = strip(Image::Jpeg, &[&bare[..], tail].concat())
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("after") || e.to_string().contains("appended"),
            "{e}"
        );
    }
}

#[test]
fn jfif_thumbnail_and_unknown_markers() {
    let (_, bare) = sample_exif();
    let app0 = u16::from_be_bytes([bare[4], bare[5]]) as usize;
    let mut thumb = bare[..2].to_vec();
    thumb.extend([0xFF, 0xE0, 0, 16 + 3]);
    thumb.extend(&bare[6..6 + 12]);
    thumb.extend([1, 1, 0xAB, 0xCD, 0xEF]);
    thumb.extend(&bare[4 + app0..]);
    let c = strip(Image::Jpeg, &thumb).unwrap();
    assert!(!contains(&c.bytes, &[0xAB, 0xCD, 0xEF]) && c.removed.contains("thumbnail"));
    assert_eq!(c.bytes, clean(Image::Jpeg, &bare));
    let mut odd = bare[..2].to_vec();
    odd.extend(b"\xFF\xF7\0\x04ab");
    odd.extend(&bare[2..]);
    assert!(strip(Image::Jpeg, &odd)
        .err()
        .unwrap()
        .to_string()
        .contains("0xF7"));
}

fn png_chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(ty);
    c.extend(data);
    c.extend([0; 4]); // the CRC is copied, not checked
    c
}

#[test]
fn png_loses_text_exif_and_time_before_and_after_the_data_and_keeps_pixels() {
    let mut png_bytes = Vec::new();
    {
        let mut enc = ::png::Encoder::new(&mut png_bytes, 4, 3);
        enc.set_color(::png::ColorType::Rgb);
        enc.add_text_chunk("Author".into(), "MARKERAUTHOR".into())
            .unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_chunk(::png::chunk::ChunkType(*b"tIME"), &[7, 230, 1, 2, 3, 4, 5])
            .unwrap();
        let pixels: Vec<u8> = (0..36).map(|i| (i * 7) as u8).collect();
        w.write_image_data(&pixels).unwrap();
    }
    let iend = png_bytes.len() - 12;
    let mut late = png_bytes[..iend].to_vec();
    late.extend(png_chunk(b"eXIf", b"MM\0*MARKERGPS"));
    late.extend(png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0MARKERXMP"));
    late.extend(&png_bytes[iend..]);
    assert_eq!(sniff_image(&late), Some(Image::Png));
    let c = strip(Image::Png, &late).unwrap();
    for m in [&b"MARKER"[..], b"tIME", b"eXIf", b"iTXt", b"tEXt"] {
        assert!(!contains(&c.bytes, m));
    }
    assert!(c.removed.contains("eXIf"), "{}", c.removed);
    let decode = |b: &[u8]| {
        let mut r = ::png::Decoder::new(std::io::Cursor::new(b.to_vec()))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut buf).unwrap();
        buf
    };
    assert_eq!(decode(&c.bytes), decode(&png_bytes));
    // After IEND: padding goes, anything unknown is refused; unknown critical chunks too.
    let padded = [&late[..], &[0u8; 8][..]].concat();
    assert_eq!(clean(Image::Png, &padded), c.bytes);
    let trailing = [&late[..], b"MARKER"].concat();
    assert!(strip(Image::Png, &trailing)
        .err()
        .unwrap()
        .to_string()
        .contains("after"));
    let mut crit = png_bytes[..iend].to_vec();
    crit.extend(png_chunk(b"CgBI", b"x"));
    crit.extend(&png_bytes[iend..]);
    assert!(strip(Image::Png, &crit)
        .err()
        .unwrap()
        .to_string()
        .contains("CgBI"));
    let mut fat = png_bytes[..iend].to_vec();
    fat.extend(png_chunk(b"gAMA", b"\0\0\xb1\x8fMARKER"));
    fat.extend(&png_bytes[iend..]);
    assert!(strip(Image::Png, &fat)
        .err()
        .unwrap()
        .to_string()
        .contains("gAMA"));
}

fn riff_chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = fourcc.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = [b"WEBP".to_vec(), chunks.concat()].concat();
    [
        b"RIFF".to_vec(),
        (body.len() as u32).to_le_bytes().to_vec(),
        body,
    ]
    .concat()
}

#[test]
fn webp_loses_exif_xmp_iccp_unknown_chunks_and_their_flags() {
    let img = webp(&[
        riff_chunk(b"VP8X", &[0xFF, 1, 2, 3, 3, 0, 0, 2, 0, 0]),
        riff_chunk(b"ICCP", b"MARKERICC"),
        riff_chunk(b"ANIM", &[0; 6]),
        riff_chunk(
            b"ANMF",
            &[
                vec![0u8; 16],
                riff_chunk(b"VP8L", b"\x2f\x03\x00\x02pixels"),
                riff_chunk(b"ZZZZ", b"MARKERFRAME"),
            ]
            .concat(),
        ),
        riff_chunk(b"EXIF", b"MARKEREXIF"),
        riff_chunk(b"XMP ", b"MARKERXMP!"),
        riff_chunk(b"ZZZZ", b"MARKERUNKNOWN"),
    ]);
    assert_eq!(sniff_image(&img), Some(Image::Webp));
    let c = strip(Image::Webp, &img).unwrap();
    assert!(!contains(&c.bytes, b"MARKER") && !contains(&c.bytes, b"ZZZZ"));
    assert_eq!(
        u32::from_le_bytes(c.bytes[4..8].try_into().unwrap()) as usize,
        c.bytes.len() - 8
    );
    assert_eq!(c.bytes[20], 0x12, "only the alpha and animation flags stay");
    assert_eq!(&c.bytes[21..24], &[0, 0, 0]);
    assert!(contains(&c.bytes, b"VP8L\x0a\0\0\0\x2f\x03\x00\x02pixels"));
    // Data after the RIFF container is accounted for like any trailer.
    assert!(strip(Image::Webp, &[&img[..], b"MARKER"].concat())
        .err()
        .unwrap()
        .to_string()
        .contains("after"));
    assert_eq!(clean(Image::Webp, &[&img[..], &[0; 3]].concat()), c.bytes);
}

#[test]
fn malformed_images_are_errors() {
    assert!(strip(Image::Jpeg, &SAMPLE[..40]).is_err());
    assert!(strip(Image::Jpeg, &SAMPLE[..SAMPLE.len() - 2]).is_err());
    assert!(strip(Image::Png, b"\x89PNG\r\n\x1a\n\0\0\0\x05IHDR").is_err());
    assert!(strip(Image::Webp, b"RIFF\0\0\0\0WEBPVP8X\xff\xff\xff\xff").is_err());
    assert!(strip(Image::Webp, &webp(&[riff_chunk(b"EXIF", b"x")])).is_err());
}

/// Boxes of ISO media.
fn bx(ty: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend(ty);
    b.extend(payload);
    b
}

#[test]
fn other_formats_are_named_by_content_whole_or_streamed() {
    let mov = [
        bx(b"wide", b""),
        bx(b"mdat", &[0; 300]),
        bx(b"moov", &[1; 50]),
    ]
    .concat();
    let late_ftyp = [bx(b"mdat", &[0; 300]), bx(b"ftyp", b"heic\0\0\0\0mif1")].concat();
    let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
        (b"%PDF-1.7".to_vec(), Some("PDF")),
        (b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec(), Some("MP4")),
        (mov.clone(), Some("MOV")),
        (late_ftyp, Some("HEIC")),
        (mov[..mov.len() - 1].to_vec(), None),
        (b"plain text".to_vec(), None),
        (
            b"\xEF\xBB\xBF<!-- x --><svg:svg xmlns:svg='x'/>".to_vec(),
            Some("SVG"),
        ),
        (b"<?xml version='1.0'?><html/>".to_vec(), None),
        (b"<svgfoo/>".to_vec(), None),
        (SAMPLE.to_vec(), None),
    ];
    for (bytes, want) in cases {
        let got = sniff_uncleaned(&bytes);
        assert_eq!(
            got.as_deref().map(|g| want.is_some_and(|w| g.contains(w))),
            want.map(|_| true),
            "{got:?} for {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
        );
        // Fed a byte at a time, the sniffer names it the same.
        let mut s = Sniffer::default();
        for b in bytes.chunks(1) {
            s.update(b);
        }
        assert_eq!(s.name(), got);
    }
}

#[test]
fn jpeg_kept_segments_hold_nothing_but_their_tables() {
    // Bytes hidden at the end of a quantization, Huffman or frame segment are refused.
    for marker in [0xDB, 0xC4, 0xC0, 0xDA] {
        let p = SAMPLE.windows(2).position(|w| w == [0xFF, marker]).unwrap();
        let len = u16::from_be_bytes([SAMPLE[p + 2], SAMPLE[p + 3]]) as usize;
        let mut b = SAMPLE[..p + 2].to_vec();
        b.extend(((len + 6) as u16).to_be_bytes());
        b.extend(&SAMPLE[p + 4..p + 2 + len]);
        b.extend(b"MARKER");
        b.extend(&SAMPLE[p + 2 + len..]);
        let e = strip(Image::Jpeg, &b)
            .err()
            .unwrap_or_else(|| panic!("0x{marker:02X} kept"));
        assert!(e.to_string().contains("does not account for"), "{e}");
    }
}
