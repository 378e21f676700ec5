//! Naming, from their content and never their file name, the formats that can carry
//! metadata and are not cleaned. JPEG, PNG, WebP and TIFF (also BigTIFF, which export
//! refuses) are images Amanat cleans ([`super::sniff_image`]) and are not named here. Export feeds every uncleaned part through a [`Sniffer`]
//! as it streams it, so formats recognised by their end or by a walk through the whole
//! file (an ID3v1 trailer, a ZIP's central directory, ISO media boxes in any order) cost no
//! extra read.
use std::io::{self, Read};

use zeroize::Zeroizing;

/// Bytes kept from the start and from the end of a part.
const HEAD: usize = 64 << 10;
const TAIL: usize = 64 << 10;

/// Watches a part's bytes go by and names its format at the end.
pub struct Sniffer {
    head: Zeroizing<Vec<u8>>,
    /// The last bytes seen; between TAIL and 2 * TAIL of them once that many have passed.
    tail: Zeroizing<Vec<u8>>,
    len: u64,
    iso: Iso,
}

impl Default for Sniffer {
    fn default() -> Self {
        Sniffer {
            head: Zeroizing::new(Vec::with_capacity(HEAD)),
            tail: Zeroizing::new(Vec::with_capacity(2 * TAIL)),
            len: 0,
            iso: Iso::default(),
        }
    }
}

impl Sniffer {
    pub fn update(&mut self, data: &[u8]) {
        if self.head.len() < HEAD {
            let n = (HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..n]);
        }
        if data.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&data[data.len() - TAIL..]);
        } else {
            if self.tail.len() + data.len() > 2 * TAIL {
                let from = self.tail.len() - TAIL;
                self.tail.copy_within(from.., 0);
                self.tail.truncate(TAIL);
            }
            self.tail.extend_from_slice(data);
        }
        self.iso.update(self.len, data);
        self.len += data.len() as u64;
    }

    /// The format of what was seen, if it is one that can carry metadata and is not
    /// cleaned.
    pub fn name(&self) -> Option<String> {
        let tail = &self.tail[self.tail.len().saturating_sub(TAIL)..];
        name(&self.head, tail, self.len, self.iso.brands(self.len)).map(str::to_owned)
    }
}

/// A reader that shows every byte it reads to a [`Sniffer`].
pub struct SniffingReader<'a, R> {
    pub inner: R,
    pub sniffer: &'a mut Sniffer,
}

impl<R: Read> Read for SniffingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sniffer.update(&buf[..n]);
        Ok(n)
    }
}

/// Names the format of a whole file held in memory (see [`Sniffer::name`]).
pub fn sniff_uncleaned(bytes: &[u8]) -> Option<String> {
    let mut s = Sniffer::default();
    s.update(bytes);
    s.name()
}

/// The length of `b` when all of it is a sequence of ISO media boxes.
pub(super) fn iso_extent(b: &[u8]) -> Option<usize> {
    let mut w = Iso::default();
    w.update(0, b);
    w.brands(b.len() as u64).map(|_| b.len())
}

fn find(h: &[u8], n: &[u8]) -> bool {
    memchr::memmem::find(h, n).is_some()
}

const ASF: [u8; 16] = [
    0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C,
];

fn name(head: &[u8], tail: &[u8], len: u64, iso: Option<Vec<u8>>) -> Option<&'static str> {
    let at = |off: usize, sig: &[u8]| head.get(off..off + sig.len()) == Some(sig);
    Some(if find(&head[..head.len().min(1024)], b"%PDF-") {
        "PDF"
    } else if at(0, b"\xFF\x0A") || at(0, b"\0\0\0\x0cJXL \r\n\x87\n") {
        "JPEG XL image"
    } else if at(0, b"\0\0\0\x0cjP  \r\n\x87\n") || at(0, b"\xFF\x4F\xFF\x51") {
        "JPEG 2000 image"
    } else if at(0, b"{\\rtf") {
        "RTF document"
    } else if at(0, &ASF) {
        "ASF media (WMA/WMV)"
    } else if at(0, b"OggS") {
        "Ogg audio/video"
    } else if at(0, b"fLaC") {
        "FLAC audio"
    } else if at(0, b"ID3") && head.len() >= 10 {
        let size = head[6..10]
            .iter()
            .fold(0usize, |s, &b| s << 7 | (b & 0x7F) as usize);
        let end = 10 + size + if head[5] & 0x10 != 0 { 10 } else { 0 };
        if at(end, b"fLaC") {
            "FLAC audio (with an ID3 tag)"
        } else {
            "MP3 audio (ID3 tag)"
        }
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        if riff_has_info(head) {
            "WAV audio (with LIST/INFO tags)"
        } else {
            "WAV audio"
        }
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        "AVI video"
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") {
        zip_name(head, tail)
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        "legacy Office document (DOC/XLS/PPT)"
    } else if at(0, b"GIF8") {
        "GIF image"
    } else if at(0, b"\x1A\x45\xDF\xA3") {
        "Matroska/WebM video"
    } else if let Some(brands) = iso {
        iso_name(&brands)
    } else if mpeg_audio(head, len) {
        "MP3 audio (MPEG frames)"
    } else if svg(head) {
        "SVG image"
    } else if len >= 128 && tail.len() >= 128 && tail[tail.len() - 128..].starts_with(b"TAG") {
        "MP3 audio (ID3v1 tag)"
    } else {
        return None;
    })
}

fn riff_has_info(head: &[u8]) -> bool {
    let mut p = 12;
    while p + 12 <= head.len() {
        if &head[p..p + 4] == b"LIST" && &head[p + 8..p + 12] == b"INFO" {
            return true;
        }
        let size = u32::from_le_bytes(head[p + 4..p + 8].try_into().expect("4 bytes")) as usize;
        p = match p.checked_add(8 + size + (size & 1)) {
            Some(n) => n,
            None => return false,
        };
    }
    false
}

fn zip_name(head: &[u8], tail: &[u8]) -> &'static str {
    let has = |n: &[u8]| find(head, n) || find(tail, n);
    const ODF: &[u8] = b"application/vnd.oasis.opendocument.";
    if let Some(i) = memchr::memmem::find(head, ODF) {
        let kind = &head[i + ODF.len()..];
        if kind.starts_with(b"text") {
            "OpenDocument text (ODT)"
        } else if kind.starts_with(b"spreadsheet") {
            "OpenDocument spreadsheet (ODS)"
        } else if kind.starts_with(b"presentation") {
            "OpenDocument presentation (ODP)"
        } else {
            "OpenDocument file"
        }
    } else if has(b"word/document.xml") {
        "Word document (DOCX)"
    } else if has(b"xl/workbook.xml") {
        "Excel workbook (XLSX)"
    } else if has(b"ppt/presentation.xml") {
        "PowerPoint presentation (PPTX)"
    } else if has(b"[Content_Types].xml") {
        "Office Open XML document"
    } else {
        "ZIP archive"
    }
}

fn iso_name(brands: &[u8]) -> &'static str {
    let list: Vec<&[u8]> = brands
        .chunks_exact(4)
        .enumerate()
        .filter(|(i, _)| *i != 1) // the minor version
        .map(|(_, b)| b)
        .collect();
    let any = |set: &[&[u8; 4]]| list.iter().any(|b| set.iter().any(|s| &s[..] == *b));
    if list.is_empty() {
        "QuickTime/MP4 video (MOV, no ftyp)"
    } else if any(&[b"avif", b"avis"]) {
        "AVIF image"
    } else if any(&[
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
    ]) {
        "HEIC/HEIF image"
    } else if list[0] == b"qt  " {
        "QuickTime video (MOV)"
    } else {
        "MP4 media (ISO)"
    }
}

/// The length of the MPEG audio frame whose header starts `h`: `None` if it is not one,
/// `Some(0)` if it is but its length is not computed (layers I and II).
fn mpeg_frame(h: &[u8]) -> Option<usize> {
    if h.len() < 4 || h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let (ver, layer) = ((h[1] >> 3) & 3, (h[1] >> 1) & 3);
    let (br, sr, pad) = (
        (h[2] >> 4) as usize,
        ((h[2] >> 2) & 3) as usize,
        (h[2] >> 1) & 1,
    );
    if ver == 1 || layer == 0 || br == 0 || br == 15 || sr == 3 {
        return None;
    }
    if layer != 1 {
        return Some(0);
    }
    const V1: [usize; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const V2: [usize; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    const RATE: [[usize; 3]; 4] = [
        [11025, 12000, 8000],
        [0, 0, 0],
        [22050, 24000, 16000],
        [44100, 48000, 32000],
    ];
    let rate = RATE[ver as usize][sr];
    let n = if ver == 3 {
        144_000 * V1[br] / rate
    } else {
        72_000 * V2[br] / rate
    };
    Some(n + pad as usize)
}

/// A bare MPEG audio stream: a frame header, and another where the first frame ends.
fn mpeg_audio(head: &[u8], len: u64) -> bool {
    match mpeg_frame(head) {
        None => false,
        Some(0) => true,
        Some(n) => n as u64 >= len || head.len() <= n || mpeg_frame(&head[n..]).is_some(),
    }
}

/// XML whose root element is `svg`, after any BOM, declaration, comments and DOCTYPE.
fn svg(head: &[u8]) -> bool {
    let text: Vec<u8> = if head.starts_with(b"\xFF\xFE") {
        head[2..].chunks_exact(2).map(|c| c[0]).collect()
    } else if head.starts_with(b"\xFE\xFF") {
        head[2..].chunks_exact(2).map(|c| c[1]).collect()
    } else {
        head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).to_vec()
    };
    let after = |s: &[u8], end: &[u8]| memchr::memmem::find(s, end).map(|i| i + end.len());
    let mut s = &text[..];
    loop {
        s = s.trim_ascii_start();
        let skip = if s.starts_with(b"<?") {
            after(s, b"?>")
        } else if s.starts_with(b"<!--") {
            after(s, b"-->")
        } else if s.len() >= 9 && s[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            match (memchr::memchr(b'[', s), memchr::memchr(b'>', s)) {
                (Some(open), Some(close)) if open < close => after(&s[open..], b"]")
                    .and_then(|j| after(&s[open + j..], b">").map(|k| open + j + k)),
                (_, close) => close.map(|c| c + 1),
            }
        } else {
            break;
        };
        match skip {
            Some(n) => s = &s[n..],
            None => return false,
        }
    }
    let Some(rest) = s.strip_prefix(b"<") else {
        return false;
    };
    let end = rest
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
    local == b"svg" && end < rest.len()
}

/// Walks top-level ISO media boxes (MP4, MOV, HEIC, AVIF) across a stream, in whatever
/// order they come: the file is ISO media when its boxes, the first a known top-level
/// type, exactly cover it.
#[derive(Default)]
struct Iso {
    /// Offset of the box header being read.
    next: u64,
    hdr: [u8; 16],
    got: usize,
    boxes: u32,
    dead: bool,
    /// A box of size 0 runs to the end of the file.
    to_eof: bool,
    /// Where the `ftyp` payload is and how much of it to keep.
    ftyp: Option<(u64, u64)>,
    brands: Vec<u8>,
}

const TOP: &[&[u8; 4]] = &[
    b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid", b"moof", b"styp",
    b"sidx", b"pdin", b"meta",
];

impl Iso {
    fn update(&mut self, off: u64, data: &[u8]) {
        let end = off + data.len() as u64;
        loop {
            if let Some((start, want)) = self.ftyp {
                let have = self.brands.len() as u64;
                let (from, to) = ((start + have).max(off), (start + want).min(end));
                if have < want && from < to {
                    self.brands
                        .extend_from_slice(&data[(from - off) as usize..(to - off) as usize]);
                }
            }
            if self.dead || self.to_eof {
                return;
            }
            let long = self.got >= 8 && self.hdr[..4] == [0, 0, 0, 1];
            let need = if long { 16 } else { 8 };
            let at = self.next + self.got as u64;
            if at >= end || at < off {
                return;
            }
            let i = (at - off) as usize;
            let take = (need - self.got).min(data.len() - i);
            self.hdr[self.got..self.got + take].copy_from_slice(&data[i..i + take]);
            self.got += take;
            if self.got < 8 {
                return;
            }
            let ty: [u8; 4] = self.hdr[4..8].try_into().expect("4 bytes");
            let printable = ty.iter().all(|&c| (0x20..0x7F).contains(&c) || c == 0xA9);
            if !printable || (self.boxes == 0 && !TOP.contains(&&ty)) {
                self.dead = true;
                return;
            }
            let size32 = u32::from_be_bytes(self.hdr[..4].try_into().expect("4 bytes"));
            if size32 == 1 && self.got < 16 {
                continue;
            }
            let (size, hl) = match size32 {
                0 => {
                    self.to_eof = true;
                    self.boxes += 1;
                    return;
                }
                1 => (
                    u64::from_be_bytes(self.hdr[8..16].try_into().expect("8")),
                    16,
                ),
                n => (n as u64, 8),
            };
            if size < hl {
                self.dead = true;
                return;
            }
            if &ty == b"ftyp" && self.ftyp.is_none() {
                self.ftyp = Some((self.next + hl, (size - hl).min(64)));
            }
            self.next += size;
            self.got = 0;
            self.boxes += 1;
        }
    }

    /// The `ftyp` brands (empty without one) if the boxes exactly covered `len` bytes.
    fn brands(&self, len: u64) -> Option<Vec<u8>> {
        let whole = self.to_eof || (self.got == 0 && self.next == len);
        (!self.dead && self.boxes > 0 && whole).then(|| self.brands.clone())
    }
}
