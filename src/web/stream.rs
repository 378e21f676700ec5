//! Plaintext between the browser and sealing, in memory only: a part read out of the vault
//! goes to the response through [`Outgoing`], an upload goes into sealing through
//! [`Incoming`], a few chunks at a time, so a 2 GiB file never is in memory whole nor on
//! disk unsealed.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::mpsc::error::{TryRecvError, TrySendError};
use tokio::sync::mpsc::{Receiver, Sender};

use super::session::App;

/// How often a transfer waiting on the browser looks whether the vault is being locked.
const POLL: Duration = Duration::from_millis(3);

fn locked() -> io::Error {
    io::Error::other("the vault was locked during the transfer")
}

/// Chunks of a part on their way out.
const CHUNK: usize = 256 * 1024;

/// A writer (for [`crate::vault::Vault::get_for`], on a blocking thread) whose bytes become
/// the response body. Fails once the browser has gone, or when the vault is being locked;
/// each chunk that goes counts as activity for the idle lock.
pub(crate) struct Outgoing {
    tx: Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
    app: Arc<App>,
}

impl Outgoing {
    pub fn new(tx: Sender<io::Result<Bytes>>, app: Arc<App>) -> Outgoing {
        Outgoing {
            tx,
            buf: Vec::with_capacity(CHUNK),
            app,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut chunk = Ok(Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK),
        )));
        loop {
            match self.tx.try_send(chunk) {
                Ok(()) => {
                    self.app.touch();
                    return Ok(());
                }
                Err(TrySendError::Full(c)) => {
                    if self.app.locking() {
                        return Err(locked());
                    }
                    chunk = c;
                    std::thread::sleep(POLL);
                }
                Err(TrySendError::Closed(_)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "the browser went away",
                    ))
                }
            }
        }
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
/// lied about its files) fails the read, and with it the whole record; so does locking the
/// vault while it waits. Each chunk that arrives counts as activity for the idle lock.
pub(crate) struct Incoming {
    rx: Receiver<io::Result<Bytes>>,
    buf: Bytes,
    app: Arc<App>,
}

impl Incoming {
    pub fn new(rx: Receiver<io::Result<Bytes>>, app: Arc<App>) -> Incoming {
        Incoming {
            rx,
            buf: Bytes::new(),
            app,
        }
    }
}

impl Read for Incoming {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.buf.is_empty() {
            match self.rx.try_recv() {
                Ok(Ok(b)) => {
                    self.app.touch();
                    self.buf = b;
                }
                Ok(Err(e)) => return Err(e),
                Err(TryRecvError::Disconnected) => return Ok(0),
                Err(TryRecvError::Empty) => {
                    if self.app.locking() {
                        return Err(locked());
                    }
                    std::thread::sleep(POLL);
                }
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

/// Runs `write` on a blocking thread, holding `permit` (a transfer's place), with an
/// [`Outgoing`] whose chunks come out of the receiver returned. A failure is sent after
/// the bytes already written, so the response ends broken, never short and whole.
pub(crate) fn produce(
    app: Arc<App>,
    permit: tokio::sync::OwnedSemaphorePermit,
    write: impl FnOnce(&mut Outgoing) -> Result<(), String> + Send + 'static,
) -> Receiver<io::Result<Bytes>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut out = Outgoing::new(tx.clone(), app);
        if let Err(why) = write(&mut out).and_then(|()| out.flush().map_err(|e| e.to_string())) {
            let _ = tx.blocking_send(Err(io::Error::other(why)));
        }
    });
    rx
}

/// A response body of what a blocking thread sends through `rx`.
pub(crate) fn body(
    rx: Receiver<io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
