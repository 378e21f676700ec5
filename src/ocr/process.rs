//! One run of a recognition program: bytes in on standard input, bytes out on standard
//! output, both in memory, bounded in size and time.
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::words;

/// Runs `program args` with `input` on its standard input and returns its standard output,
/// refusing more than `max_out` bytes of it. The child runs in `/` (no relative file it
/// might write lands beside the user's files) with one thread (the callers run one child
/// per core), and is killed after `timeout`. Its standard error is kept only for the error
/// message: its last line, cut short.
pub(crate) fn run(
    program: &str,
    args: &[&str],
    input: &[u8],
    max_out: usize,
    timeout: Duration,
) -> Result<Zeroizing<Vec<u8>>> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir("/")
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::Recognition(words!(
                "d-ocr-start",
                program = program,
                why = e.to_string()
            ))
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let started = Instant::now();
    let (out, err, status) = std::thread::scope(|s| {
        // A child that exits early closes the pipe: the write then fails, which its
        // status explains.
        s.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let out = s.spawn(move || {
            let mut buf = Zeroizing::new(Vec::new());
            let read = (&mut stdout).take(max_out as u64 + 1).read_to_end(&mut buf);
            // Drain the rest so the child is not left blocked on a full pipe.
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
            read.map(|_| buf)
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stderr).take(64 << 10).read_to_end(&mut buf);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            buf
        });
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Ok(st),
                Ok(None) if started.elapsed() > timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(Error::Recognition(words!(
                        "d-ocr-timeout",
                        program = program,
                        seconds = timeout.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => break Err(Error::io(words!("d-ocr-waiting", program = program), e)),
            }
        };
        (
            out.join().expect("reader does not panic"),
            err.join().expect("reader does not panic"),
            status,
        )
    });
    let status = status?;
    if !status.success() {
        let text = String::from_utf8_lossy(&err);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let last: String = last.chars().take(160).collect();
        return Err(Error::Recognition(match last.is_empty() {
            true => words!(
                "d-ocr-failed",
                program = program,
                status = status.to_string()
            ),
            false => words!(
                "d-ocr-failed-said",
                program = program,
                status = status.to_string(),
                said = last
            ),
        }));
    }
    let out = out.map_err(|e| Error::io(words!("d-ocr-reading", program = program), e))?;
    if out.len() > max_out {
        return Err(Error::Recognition(words!(
            "d-ocr-too-much",
            program = program,
            mib = max_out >> 20
        )));
    }
    Ok(out)
}
