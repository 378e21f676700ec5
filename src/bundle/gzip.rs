//! The gzip stream of a version 6 bundle (FORMAT.md 13.1): one member (RFC 1952) whose header
//! names no file and no time, compressed at a level chosen per tar entry, so that texts are
//! compressed and a recording or a scan, which does not compress, is only copied into stored
//! blocks (deflate's level 0) instead of being searched for matches at a gigabyte a few
//! seconds.
use std::io::{self, BufRead, Read, Write};

use flate2::{Compress, Compression, FlushCompress, Status};

/// The header: magic, deflate, no flags, no time, no extra flags, operating system unknown.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// The level for what compresses (texts, JSON): deflate's fastest, since a bundle is
/// written while the user waits (docs/BENCHMARKS.md, session 21).
pub(super) const TEXT: u32 = 1;
/// The level for what does not: stored blocks.
pub(super) const STORED: u32 = 0;

pub(super) struct GzipWriter<W: Write> {
    inner: W,
    z: Compress,
    /// CRC-32 of the input, with crc32fast's instructions for it (flate2's zlib-rs one is
    /// a tenth of an export of a gigabyte).
    crc: crc32fast::Hasher,
    len: u32,
    level: u32,
    out: Vec<u8>,
}

impl<W: Write> GzipWriter<W> {
    pub(super) fn new(mut inner: W, level: u32) -> io::Result<GzipWriter<W>> {
        inner.write_all(&HEADER)?;
        Ok(GzipWriter {
            inner,
            z: Compress::new(Compression::new(level), false),
            crc: crc32fast::Hasher::new(),
            len: 0,
            level,
            out: Vec::with_capacity(128 << 10),
        })
    }

    /// Compresses what follows at `level`. What came before is flushed to a byte boundary
    /// at the end of a block that is not the last, and a new compressor goes on from there:
    /// raw deflate has no header, so its blocks simply follow (as pigz joins its chunks),
    /// and none of them refers back past its own start.
    pub(super) fn set_level(&mut self, level: u32) -> io::Result<()> {
        if level == self.level {
            return Ok(());
        }
        self.deflate(&[], FlushCompress::Sync)?;
        self.z = Compress::new(Compression::new(level), false);
        self.level = level;
        Ok(())
    }

    /// Ends the deflate stream and writes the trailer (CRC-32 and length of the input).
    pub(super) fn finish(mut self) -> io::Result<W> {
        self.deflate(&[], FlushCompress::Finish)?;
        let crc = std::mem::take(&mut self.crc);
        self.inner.write_all(&crc.finalize().to_le_bytes())?;
        self.inner.write_all(&self.len.to_le_bytes())?;
        Ok(self.inner)
    }

    /// Feeds `input` to deflate, writing out what it makes, until it has taken all of it
    /// (and, when flushing, until it has nothing more to give).
    fn deflate(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            self.out.clear();
            let before = self.z.total_in();
            let status = self
                .z
                .compress_vec(input, &mut self.out, flush)
                .map_err(io::Error::other)?;
            input = &input[(self.z.total_in() - before) as usize..];
            self.inner.write_all(&self.out)?;
            let full = self.out.len() == self.out.capacity();
            match (status, flush) {
                (Status::StreamEnd, _) => return Ok(()),
                (_, FlushCompress::None) if input.is_empty() => return Ok(()),
                (_, FlushCompress::Sync) if input.is_empty() && !full => return Ok(()),
                _ => {}
            }
        }
    }
}

impl<W: Write> Write for GzipWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.crc.update(buf);
        self.len = self.len.wrapping_add(buf.len() as u32);
        self.deflate(buf, FlushCompress::None)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads the gzip member of a version 6 bundle: the header as [`GzipWriter`] writes it (no
/// flags, so no optional fields), the deflate stream, and the trailer, whose CRC-32 and length
/// must be those of what was read (checked when the stream ends). What follows the member is
/// left in the reader ([`GzipReader::into_inner`]).
pub(crate) struct GzipReader<R: BufRead> {
    inner: flate2::bufread::DeflateDecoder<R>,
    crc: crc32fast::Hasher,
    len: u32,
    ended: bool,
}

impl<R: BufRead> GzipReader<R> {
    pub(crate) fn new(mut r: R) -> io::Result<GzipReader<R>> {
        let mut head = [0u8; 10];
        r.read_exact(&mut head)?;
        if head[..4] != HEADER[..4] {
            return Err(invalid("a gzip header with flags or another method"));
        }
        Ok(GzipReader {
            inner: flate2::bufread::DeflateDecoder::new(r),
            crc: crc32fast::Hasher::new(),
            len: 0,
            ended: false,
        })
    }

    /// The reader after the member (the deflate decoder takes no byte past its stream).
    pub(crate) fn into_inner(self) -> R {
        self.inner.into_inner()
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

impl<R: BufRead> Read for GzipReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.len = self.len.wrapping_add(n as u32);
        if n == 0 && !buf.is_empty() {
            let mut trailer = [0u8; 8];
            self.inner.get_mut().read_exact(&mut trailer)?;
            let crc = std::mem::take(&mut self.crc).finalize();
            if trailer[..4] != crc.to_le_bytes() || trailer[4..] != self.len.to_le_bytes() {
                return Err(invalid("the gzip trailer does not match what it holds"));
            }
            self.ended = true;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn what_is_written_at_changing_levels_reads_back_with_a_stock_decoder() {
        let text = "They took my father at night. ".repeat(5000);
        let noise: Vec<u8> = (0..300_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut w = GzipWriter::new(Vec::new(), TEXT).unwrap();
        w.write_all(text.as_bytes()).unwrap();
        w.set_level(STORED).unwrap();
        w.write_all(&noise).unwrap();
        w.set_level(TEXT).unwrap();
        w.write_all(text.as_bytes()).unwrap();
        let gz = w.finish().unwrap();
        assert_eq!(&gz[..10], &HEADER);
        // The texts compress; the noise is stored, a few bytes a block over its size.
        assert!(gz.len() < noise.len() + 20_000, "{}", gz.len());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        let mut want = text.as_bytes().to_vec();
        want.extend_from_slice(&noise);
        want.extend_from_slice(text.as_bytes());
        assert!(back == want);
        // Our reader takes it, leaves what follows, and refuses a changed trailer.
        let with_tail = [&gz[..], b"tail"].concat();
        let mut r = GzipReader::new(&with_tail[..]).unwrap();
        let mut ours = Vec::new();
        r.read_to_end(&mut ours).unwrap();
        assert!(ours == want);
        assert_eq!(r.into_inner(), b"tail");
        let mut bad = gz.clone();
        let n = bad.len();
        bad[n - 5] ^= 1;
        let err = GzipReader::new(&bad[..])
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
