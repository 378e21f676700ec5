//! Removing metadata from images without touching their pixels (FORMAT.md, "Redaction").
//!
//! JPEG: every APPn segment except APP0 `JFIF` and APP14 `Adobe` (which decoders need),
//! and every COM segment, are dropped; the entropy-coded data is copied as is.
//! PNG: critical chunks are kept, and of the ancillary ones only those that change how
//! pixels render (`tRNS gAMA cHRM sRGB sBIT pHYs bKGD hIST cICP`, and APNG's `acTL fcTL
//! fdAT`); text, `eXIf`, `iCCP`, `tIME` and unknown ancillary chunks are dropped.
//! WebP: `EXIF`, `XMP ` and `ICCP` chunks are dropped and their flags cleared in `VP8X`.
//! Anything malformed is an error, never a silent pass-through.

/// An image format that is cleaned on export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Image {
    Jpeg,
    Png,
    Webp,
}

/// Recognizes a cleanable image from its first bytes.
pub fn sniff_image(head: &[u8]) -> Option<Image> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Image::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Image::Png)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(Image::Webp)
    } else {
        None
    }
}

/// Names a format that can carry identifying metadata but is not cleaned.
pub fn sniff_uncleaned(head: &[u8]) -> Option<&'static str> {
    let at = |off: usize, sig: &[u8]| {
        head.len() >= off + sig.len() && &head[off..off + sig.len()] == sig
    };
    if at(0, b"%PDF") {
        Some("PDF")
    } else if at(0, b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        Some("MP3 audio")
    } else if at(4, b"ftyp") {
        Some("MP4/MOV/HEIC (ISO media)")
    } else if at(0, b"OggS") {
        Some("Ogg audio/video")
    } else if at(0, b"fLaC") {
        Some("FLAC audio")
    } else if at(0, b"RIFF") && (at(8, b"WAVE") || at(8, b"AVI ")) {
        Some("WAV/AVI")
    } else if at(0, b"PK\x03\x04") {
        Some("ZIP/office document")
    } else if at(0, b"\xD0\xCF\x11\xE0") {
        Some("legacy office document")
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Some("TIFF image")
    } else if at(0, b"GIF8") {
        Some("GIF image")
    } else if at(0, b"\x1aE\xdf\xa3") {
        Some("Matroska/WebM video")
    } else {
        None
    }
}

/// Returns the image without its metadata.
pub fn strip(kind: Image, bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    match kind {
        Image::Jpeg => strip_jpeg(bytes),
        Image::Png => strip_png(bytes),
        Image::Webp => strip_webp(bytes),
    }
}

fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        if b.get(pos) != Some(&0xFF) {
            return Err("JPEG segment does not start with a marker");
        }
        while b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *b.get(pos + 1).ok_or("JPEG ends inside a marker")?;
        match marker {
            0xD9 => {
                out.extend_from_slice(&b[pos..pos + 2]);
                return Ok(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&b[pos..pos + 2]);
                pos += 2;
                continue;
            }
            _ => {}
        }
        let len = u16::from_be_bytes([
            *b.get(pos + 2).ok_or("JPEG truncated")?,
            *b.get(pos + 3).ok_or("JPEG truncated")?,
        ]) as usize;
        if len < 2 || pos + 2 + len > b.len() {
            return Err("JPEG segment length out of range");
        }
        let seg = &b[pos..pos + 2 + len];
        let payload = &seg[4..];
        let keep = match marker {
            0xE0 => payload.starts_with(b"JFIF\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1..=0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(seg);
        }
        pos += 2 + len;
        if marker == 0xDA {
            // Start of scan: the rest is entropy-coded data and later markers of the
            // image itself; metadata segments do not follow in files we must accept.
            out.extend_from_slice(&b[pos..]);
            return Ok(out);
        }
    }
}

fn strip_png(b: &[u8]) -> Result<Vec<u8>, &'static str> {
    const KEEP: &[&[u8; 4]] = &[
        b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs", b"bKGD", b"hIST", b"cICP", b"acTL",
        b"fcTL", b"fdAT",
    ];
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut pos = 8;
    while pos < b.len() {
        if pos + 12 > b.len() {
            return Err("PNG chunk truncated");
        }
        let len = u32::from_be_bytes(b[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let end = pos
            .checked_add(12 + len)
            .ok_or("PNG chunk length out of range")?;
        if end > b.len() {
            return Err("PNG chunk length out of range");
        }
        let ty: &[u8; 4] = b[pos + 4..pos + 8].try_into().expect("4 bytes");
        let critical = ty[0].is_ascii_uppercase();
        if critical || KEEP.contains(&ty) {
            out.extend_from_slice(&b[pos..end]);
        }
        pos = end;
        if ty == b"IEND" {
            return Ok(out);
        }
    }
    Err("PNG has no IEND chunk")
}

fn strip_webp(b: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos < b.len() {
        if pos + 8 > b.len() {
            return Err("WebP chunk truncated");
        }
        let fourcc: [u8; 4] = b[pos..pos + 4].try_into().expect("4 bytes");
        let size = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().expect("4 bytes")) as usize;
        let padded = size + (size & 1);
        let end = pos
            .checked_add(8 + padded)
            .ok_or("WebP chunk size out of range")?;
        if end > b.len() {
            return Err("WebP chunk size out of range");
        }
        match &fourcc {
            b"EXIF" | b"XMP " | b"ICCP" => {}
            b"VP8X" => {
                let mut c = b[pos..end].to_vec();
                if c.len() < 9 {
                    return Err("WebP VP8X chunk too short");
                }
                c[8] &= !(0x20 | 0x08 | 0x04);
                chunks.push(c);
            }
            _ => chunks.push(b[pos..end].to_vec()),
        }
        pos = end;
    }
    let body: usize = chunks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(12 + body);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + body) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for c in chunks {
        out.extend_from_slice(&c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../cli/sample/detention-notice.jpg");

    fn contains(h: &[u8], n: &[u8]) -> bool {
        h.windows(n.len()).any(|w| w == n)
    }

    #[test]
    fn jpeg_loses_exif_and_keeps_pixels() {
        assert_eq!(sniff_image(SAMPLE), Some(Image::Jpeg));
        assert!(contains(SAMPLE, b"SampleCam") && contains(SAMPLE, b"Exif\0\0"));
        let clean = strip(Image::Jpeg, SAMPLE).unwrap();
        assert!(!contains(&clean, b"SampleCam") && !contains(&clean, b"Exif"));
        assert!(clean.len() < SAMPLE.len());
        // Everything from the first quantization table on is identical.
        let dqt = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        assert_eq!(&clean[dqt(&clean)..], &SAMPLE[dqt(SAMPLE)..]);
    }

    #[test]
    fn png_loses_text_exif_and_time_and_keeps_pixels() {
        let mut png_bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png_bytes, 4, 3);
            enc.set_color(png::ColorType::Rgb);
            enc.add_text_chunk("Author".into(), "MARKERAUTHOR".into())
                .unwrap();
            let mut w = enc.write_header().unwrap();
            w.write_chunk(png::chunk::ChunkType(*b"eXIf"), b"MM\0*MARKERGPS")
                .unwrap();
            w.write_chunk(png::chunk::ChunkType(*b"tIME"), &[7, 230, 1, 2, 3, 4, 5])
                .unwrap();
            let pixels: Vec<u8> = (0..36).map(|i| (i * 7) as u8).collect();
            w.write_image_data(&pixels).unwrap();
        }
        assert_eq!(sniff_image(&png_bytes), Some(Image::Png));
        assert!(contains(&png_bytes, b"MARKERAUTHOR") && contains(&png_bytes, b"MARKERGPS"));
        let clean = strip(Image::Png, &png_bytes).unwrap();
        assert!(
            !contains(&clean, b"MARKERAUTHOR")
                && !contains(&clean, b"MARKERGPS")
                && !contains(&clean, b"tIME")
        );
        let decode = |b: &[u8]| {
            let mut r = png::Decoder::new(std::io::Cursor::new(b.to_vec()))
                .read_info()
                .unwrap();
            let mut buf = vec![0; r.output_buffer_size().unwrap()];
            r.next_frame(&mut buf).unwrap();
            buf
        };
        assert_eq!(decode(&clean), decode(&png_bytes));
    }

    #[test]
    fn webp_loses_exif_xmp_iccp_and_their_flags() {
        fn chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
            let mut c = fourcc.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        }
        let mut body = b"WEBP".to_vec();
        body.extend(chunk(
            b"VP8X",
            &[0x20 | 0x08 | 0x04 | 0x10, 0, 0, 0, 3, 0, 0, 2, 0, 0],
        ));
        body.extend(chunk(b"ICCP", b"MARKERICC"));
        body.extend(chunk(b"VP8L", b"\x2f\x03\x00\x02pixels"));
        body.extend(chunk(b"EXIF", b"MARKEREXIF"));
        body.extend(chunk(b"XMP ", b"MARKERXMP!"));
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
        webp.extend(body);
        assert_eq!(sniff_image(&webp), Some(Image::Webp));
        let clean = strip(Image::Webp, &webp).unwrap();
        for m in [&b"MARKERICC"[..], b"MARKEREXIF", b"MARKERXMP"] {
            assert!(!contains(&clean, m));
        }
        assert_eq!(
            u32::from_le_bytes(clean[4..8].try_into().unwrap()) as usize,
            clean.len() - 8
        );
        assert_eq!(clean[20], 0x10, "only the alpha flag stays");
        assert!(contains(&clean, b"VP8Lpixels") || contains(&clean, b"pixels"));
    }

    #[test]
    fn malformed_images_are_errors() {
        assert!(strip(Image::Jpeg, &SAMPLE[..40]).is_err());
        assert!(strip(Image::Png, b"\x89PNG\r\n\x1a\n\0\0\0\x05IHDR").is_err());
        assert!(strip(Image::Webp, b"RIFF\0\0\0\0WEBPVP8X\xff\xff\xff\xff").is_err());
    }

    #[test]
    fn other_formats_are_named() {
        assert_eq!(sniff_uncleaned(b"%PDF-1.7"), Some("PDF"));
        assert_eq!(
            sniff_uncleaned(b"\0\0\0\x18ftypmp42"),
            Some("MP4/MOV/HEIC (ISO media)")
        );
        assert_eq!(sniff_uncleaned(b"plain text"), None);
    }
}
