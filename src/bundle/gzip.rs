//! The gzip stream of a version 6 bundle (FORMAT.md 13.1): one member (RFC 1952) whose header
//! names no file and no time, compressed at a level chosen per tar entry, so that texts are
//! compressed and a recording or a scan, which does not compress, is only copied into stored
//! blocks (deflate's level 0) instead of being searched for matches at a gigabyte a few
//! seconds.
use std::io::{self, Write};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

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
    crc: Crc,
    level: u32,
    out: Vec<u8>,
}

impl<W: Write> GzipWriter<W> {
    pub(super) fn new(mut inner: W, level: u32) -> io::Result<GzipWriter<W>> {
        inner.write_all(&HEADER)?;
        Ok(GzipWriter {
            inner,
            z: Compress::new(Compression::new(level), false),
            crc: Crc::new(),
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
        self.inner.write_all(&self.crc.sum().to_le_bytes())?;
        self.inner.write_all(&self.crc.amount().to_le_bytes())?;
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
        self.deflate(buf, FlushCompress::None)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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
    }
}
