//! Plaintext between the browser and sealing, in memory only: a part read out of the vault
//! goes to the response through [`Outgoing`], an upload goes into sealing through
//! [`Incoming`], a few chunks at a time, so a 2 GiB file never is in memory whole nor on
//! disk unsealed.

use std::io::{self, Read, Write};

use axum::body::Bytes;
use tokio::sync::mpsc::{Receiver, Sender};

/// Chunks of a part on their way out.
const CHUNK: usize = 256 * 1024;

/// A writer (for [`crate::vault::Vault::get_for`], on a blocking thread) whose bytes become
/// the response body. Fails once the browser has gone.
pub(crate) struct Outgoing {
    tx: Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Outgoing {
    pub fn new(tx: Sender<io::Result<Bytes>>) -> Outgoing {
        Outgoing {
            tx,
            buf: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the browser went away"))
    }
}

impl Write for Outgoing {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = b.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&b[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A reader (for sealing, on a blocking thread) of one uploaded file, fed by the request
/// handler as the browser sends it. An error sent by the handler (the upload broke off, or
/// lied about its files) fails the read, and with it the whole record.
pub(crate) struct Incoming {
    rx: Receiver<io::Result<Bytes>>,
    buf: Bytes,
}

impl Incoming {
    pub fn new(rx: Receiver<io::Result<Bytes>>) -> Incoming {
        Incoming {
            rx,
            buf: Bytes::new(),
        }
    }
}

impl Read for Incoming {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.buf.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(b)) => self.buf = b,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        self.buf = self.buf.slice(n..);
        Ok(n)
    }
}

/// Typed text as a part, wiped when sealing drops it.
pub(crate) struct Typed {
    text: zeroize::Zeroizing<Vec<u8>>,
    at: usize,
}

impl Typed {
    pub fn new(text: zeroize::Zeroizing<Vec<u8>>) -> Typed {
        Typed { text, at: 0 }
    }
}

impl Read for Typed {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = out.len().min(self.text.len() - self.at);
        out[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A response body of what a blocking thread sends through `rx`.
pub(crate) fn body(
    rx: Receiver<io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
