//! Padding of sealed plaintext to size classes (FORMAT.md, "Padding").
//!
//! A sealed value's length is its plaintext's length plus a fixed overhead, so without
//! padding anyone holding the vault's files and a partner's bundle could match a record's
//! metadata and attachments to the sealed values and objects of exactly the right sizes.
//! Every plaintext Amanat seals for its own storage is therefore padded to a Padmé length
//! (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
//! PURBs", PETS 2019): at most 12% larger, and a length of `L` bits of magnitude reveals only
//! `O(log log L)` bits. Values shorter than [`MIN_LEN`] are padded to it.
//!
//! ```text
//! padded = content ‖ 0x80 ‖ 0x00*      len(padded) = padded_len(len(content))
//! ```
//!
//! The marker makes the padding removable without knowing the content's length; a reader
//! checks the padded length is exactly the one the content's length gives, so there is one
//! padded form of every content.
use std::io::{self, Read, Write};

/// The shortest padded plaintext: smaller values all look alike.
pub const MIN_LEN: u64 = 512;

/// The marker byte that ends the content.
const MARKER: u8 = 0x80;

/// Padmé: `l` rounded up so that only its `floor(log2(floor(log2 l))) + 1` high bits vary.
pub fn padme(l: u64) -> u64 {
    if l < 2 {
        return l;
    }
    let e = 63 - u64::from(l.leading_zeros());
    let s = 64 - u64::from(e.leading_zeros());
    let mask = (1u64 << (e - s)) - 1;
    (l + mask) & !mask
}

/// The padded length of `content` bytes: room for the marker, at least [`MIN_LEN`], rounded
/// up by [`padme`].
pub fn padded_len(content: u64) -> u64 {
    padme((content + 1).max(MIN_LEN))
}

/// Appends the marker and the zeros.
pub fn pad(v: &mut Vec<u8>) {
    pad_after(v, 0);
}

/// Pads what follows `start` in `v` (a header before it, such as a salt or a version byte,
/// is not counted): appends the marker and the zeros.
pub fn pad_after(v: &mut Vec<u8>, start: usize) {
    let to = start + padded_len((v.len() - start) as u64) as usize;
    v.reserve_exact(to - v.len());
    v.push(MARKER);
    v.resize(to, 0);
}

/// Writes the padding of `size` bytes of content, already written to `w`: for a stream.
pub fn write_padding(w: &mut dyn Write, size: u64) -> io::Result<()> {
    let mut left = padded_len(size) - size;
    w.write_all(&[MARKER])?;
    left -= 1;
    let zeros = [0u8; 8192];
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        w.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// The content of a padded plaintext, or `None` if it is not exactly one [`pad`] wrote.
pub fn unpad(b: &[u8]) -> Option<&[u8]> {
    let end = b.iter().rposition(|&x| x != 0)?;
    (b[end] == MARKER && b.len() as u64 == padded_len(end as u64)).then(|| &b[..end])
}

/// Reads the first `size` bytes of a padded stream and then checks that the rest is the
/// padding of `size` bytes of content (or that nothing follows, for an object written before
/// padding, FORMAT.md version 2). A stream shorter than `size` ends early; callers compare
/// what they read with the part's size and hash.
pub struct Unpadded<R> {
    inner: R,
    left: u64,
    size: u64,
    checked: bool,
}

impl<R: Read> Unpadded<R> {
    pub fn new(inner: R, size: u64) -> Self {
        Unpadded {
            inner,
            left: size,
            size,
            checked: false,
        }
    }

    fn check_tail(&mut self) -> io::Result<()> {
        let bad = || io::Error::new(io::ErrorKind::InvalidData, "the padding is not well formed");
        let mut buf = [0u8; 8192];
        let mut tail = 0u64;
        let expected = padded_len(self.size) - self.size;
        loop {
            let n = match self.inner.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            for (i, &x) in buf[..n].iter().enumerate() {
                let want = if tail + i as u64 == 0 { MARKER } else { 0 };
                if x != want {
                    return Err(bad());
                }
            }
            tail += n as u64;
            if tail > expected {
                return Err(bad());
            }
        }
        if tail != 0 && tail != expected {
            return Err(bad());
        }
        Ok(())
    }
}

impl<R: Read> Read for Unpadded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.left > 0 {
            let want = out
                .len()
                .min(usize::try_from(self.left).unwrap_or(usize::MAX));
            let n = self.inner.read(&mut out[..want])?;
            if n > 0 {
                self.left -= n as u64;
                return Ok(n);
            }
            // The stream ended early: the caller's size check reports it.
            self.checked = true;
            return Ok(0);
        }
        if !self.checked {
            self.check_tail()?;
            self.checked = true;
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padme_matches_the_paper() {
        // The paper's examples and the edges of the classes.
        assert_eq!(padme(100), 104);
        assert_eq!(padme(1000), 1024);
        assert_eq!(padme(1_000_000), 1_015_808);
        assert_eq!(padme(4096), 4096);
        assert_eq!(padme(4097), 4352);
        for l in 2..100_000u64 {
            let p = padme(l);
            assert!(p >= l && p - l <= l / 8 + 1, "{l} -> {p}");
            assert_eq!(padme(p), p, "a padded length is its own class");
        }
    }

    #[test]
    fn pad_round_trips_and_is_strict() {
        for n in [0usize, 1, 100, 511, 512, 513, 5000, 70_000] {
            let content: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let mut v = content.clone();
            pad(&mut v);
            assert_eq!(v.len() as u64, padded_len(n as u64));
            assert_eq!(unpad(&v), Some(&content[..]), "{n}");
            // One byte more or less of zeros, a missing marker: refused.
            let mut longer = v.clone();
            longer.push(0);
            assert_eq!(unpad(&longer), None);
            assert_eq!(unpad(&v[..v.len() - 1]), None);
            assert_eq!(unpad(&content), None, "unpadded content is refused");
        }
        let mut headed = vec![9u8; 16];
        headed.extend_from_slice(b"after a header");
        pad_after(&mut headed, 16);
        assert_eq!(unpad(&headed[16..]), Some(&b"after a header"[..]));
        let mut streamed = b"streamed".to_vec();
        write_padding(&mut streamed, 8).unwrap();
        assert_eq!(unpad(&streamed), Some(&b"streamed"[..]));
        assert_eq!(unpad(&[]), None);
        assert_eq!(unpad(&[0; 512]), None);
    }

    #[test]
    fn values_of_nearby_lengths_share_a_class() {
        assert_eq!(padded_len(0), 512);
        assert_eq!(padded_len(300), 512);
        assert_eq!(padded_len(120_000), padded_len(119_000));
    }

    fn read_all(r: &mut dyn Read) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        r.read_to_end(&mut v)?;
        Ok(v)
    }

    #[test]
    fn the_reader_stops_at_the_content_and_checks_the_rest() {
        let content = vec![7u8; 20_000];
        let mut padded = content.clone();
        pad(&mut padded);
        let got = read_all(&mut Unpadded::new(&padded[..], 20_000)).unwrap();
        assert_eq!(got, content);
        // Unpadded (an object of format 2) reads the same.
        let got = read_all(&mut Unpadded::new(&content[..], 20_000)).unwrap();
        assert_eq!(got, content);
        // A wrong tail is an error, not a quiet end.
        let mut bad = padded.clone();
        *bad.last_mut().unwrap() = 1;
        assert!(read_all(&mut Unpadded::new(&bad[..], 20_000)).is_err());
        let mut short = padded.clone();
        short.pop();
        assert!(read_all(&mut Unpadded::new(&short[..], 20_000)).is_err());
        let mut long = padded.clone();
        long.push(0);
        assert!(read_all(&mut Unpadded::new(&long[..], 20_000)).is_err());
        // A size that does not match the padding is an error too.
        assert!(read_all(&mut Unpadded::new(&padded[..], 19_999)).is_err());
        // A stream shorter than its size ends early, for the caller to notice.
        let got = read_all(&mut Unpadded::new(&content[..100], 20_000)).unwrap();
        assert_eq!(got.len(), 100);
    }
}
