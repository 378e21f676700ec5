//! A small synchronous client of S3-compatible object storage (Garage, MinIO, AWS): each
//! request is signed by `rusty-s3` (AWS Signature V4, as a presigned URL valid for a few
//! minutes) and sent by `ureq`. No request signing is written here.
//!
//! Every failure becomes a [`RemoteError`] that says which of the user's settings to look
//! at: the credentials, the bucket, the endpoint, or the server itself. Transient failures
//! (a node restarting, a dropped connection, a 5xx) are tried again a few times before
//! they are reported; a refusal (403, 404) never is.
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusty_s3::actions::{ListObjectsV2, S3Action};
use rusty_s3::{Bucket, Credentials, UrlStyle};
use zeroize::Zeroizing;

use crate::error::Words;
use crate::words;

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(600);
/// Attempts of a request whose failure may pass (connection, timeout, 5xx).
const ATTEMPTS: u32 = 4;
/// The most objects a listing may name: ten times what an archive of 100,000 records with
/// an attachment each and a push a day for years holds.
const MAX_LISTED: usize = 10_000_000;
/// The most an answer that is read into memory may hold (a listing page, an error).
const MAX_SMALL: u64 = 16 << 20;

/// Where a replica is and how to reach it.
pub struct Endpoint<'a> {
    /// `http://` or `https://` URL of the S3 API.
    pub url: &'a str,
    pub bucket: &'a str,
    pub region: &'a str,
    pub access_key_id: &'a str,
    pub secret: &'a str,
    /// Seconds to wait for a connection, and for each read or write on it.
    pub timeout: u64,
}

/// What went wrong talking to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteError {
    /// The server refused these credentials, or they lack the permission asked for.
    Denied(Words),
    /// The bucket does not exist (or these credentials may not see it).
    NoBucket(String),
    /// The endpoint could not be reached, or did not answer in time.
    Unreachable(Words),
    /// The server is out of space.
    Full(Words),
    /// Any other answer of the server.
    Server(Words),
    /// A local file could not be read or written.
    Local(Words),
    /// An object is not what the caller knows it must be (longer than its size).
    Damaged(Words),
}

impl RemoteError {
    /// What went wrong, in words.
    pub fn words(&self) -> Words {
        match self {
            RemoteError::Denied(s) => words!("d-s3-denied", why = s.clone()),
            RemoteError::NoBucket(b) => words!("d-s3-no-bucket", bucket = format!("{b:?}")),
            RemoteError::Unreachable(s) => words!("d-s3-unreachable", why = s.clone()),
            RemoteError::Full(s) => words!("d-s3-full", why = s.clone()),
            RemoteError::Server(s) => words!("d-s3-server", why = s.clone()),
            RemoteError::Local(s) | RemoteError::Damaged(s) => s.clone(),
        }
    }
}

impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.words())
    }
}

type R<T> = std::result::Result<T, RemoteError>;

/// One bucket, with the credentials to use it.
pub struct Client {
    bucket: Bucket,
    credentials: Credentials,
    agent: ureq::Agent,
    name: String,
    /// Kept for the error text only.
    endpoint: String,
    _secret: Zeroizing<String>,
}

/// One object of a listing.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    pub size: u64,
}

impl Client {
    /// A client of `e`. Fails only on a malformed URL.
    pub fn new(e: &Endpoint) -> R<Client> {
        let url: url::Url = e.url.parse().map_err(|_| {
            RemoteError::Local(words!("d-s3-not-url", url = format!("{:?}", e.url)))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(RemoteError::Local(words!(
                "d-s3-not-http",
                url = format!("{:?}", e.url)
            )));
        }
        let bucket = Bucket::new(
            url,
            UrlStyle::Path,
            e.bucket.to_owned(),
            e.region.to_owned(),
        )
        .map_err(|err| {
            RemoteError::Local(words!(
                "d-s3-bucket",
                bucket = format!("{:?}", e.bucket),
                why = err.to_string()
            ))
        })?;
        let t = Some(Duration::from_secs(e.timeout.max(1)));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(t)
            .timeout_per_read(t)
            .timeout_per_write(t)
            .timeout_recv_response(t)
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Ok(Client {
            bucket,
            credentials: Credentials::new(e.access_key_id.to_owned(), e.secret.to_owned()),
            agent,
            name: e.bucket.to_owned(),
            endpoint: e.url.to_owned(),
            _secret: Zeroizing::new(e.secret.to_owned()),
        })
    }

    /// Stores `bytes` as `name`.
    pub fn put(&self, name: &str, bytes: &[u8]) -> R<()> {
        self.retry(|| {
            let url = self
                .bucket
                .put_object(Some(&self.credentials), name)
                .sign(SIGNED_FOR);
            let resp = self
                .agent
                .put(url.as_str())
                .header("Content-Type", "application/octet-stream")
                .header("Expect", "100-continue")
                .send(bytes);
            self.done(resp, name)
        })
    }

    /// Stores the file at `path` as `name`, streamed.
    pub fn put_file(&self, name: &str, path: &Path) -> R<()> {
        self.retry(|| {
            let local = |e: std::io::Error| {
                RemoteError::Local(words!(
                    "d-s3-local",
                    what = words!("d-reading", path = path),
                    why = e.to_string()
                ))
            };
            let file = File::open(path).map_err(local)?;
            let len = file.metadata().map_err(local)?.len();
            let url = self
                .bucket
                .put_object(Some(&self.credentials), name)
                .sign(SIGNED_FOR);
            let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
            let resp = self
                .agent
                .put(url.as_str())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", len.to_string())
                // The server refuses (a missing bucket, a denied key, a quota) before the
                // body is sent, instead of closing the connection in the middle of it.
                .header("Expect", "100-continue")
                .send(ureq::SendBody::from_reader(&mut reader));
            self.done(resp, name)
        })
    }

    /// The object `name`, at most `limit` bytes (more is [`RemoteError::Damaged`]); `None`
    /// if there is none.
    pub fn get(&self, name: &str, limit: u64) -> R<Option<Vec<u8>>> {
        let buf = std::cell::RefCell::new(Vec::new());
        let found = self.get_with(
            name,
            limit,
            &mut || {
                buf.borrow_mut().clear();
                Ok(())
            },
            &mut |b| {
                buf.borrow_mut().extend_from_slice(b);
                Ok(())
            },
        )?;
        Ok(found.then(|| buf.into_inner()))
    }

    /// Streams the object `name` into `out`; false if there is none. A failed attempt may
    /// have written part of it: `out` is rewound and cut before each attempt.
    pub fn get_to(&self, name: &str, out: &mut File, limit: u64) -> R<bool> {
        use std::io::{Seek, Write};
        let local = |e: std::io::Error| {
            RemoteError::Local(words!(
                "d-s3-local",
                what = words!("d-writing", path = name),
                why = e.to_string()
            ))
        };
        let out = std::cell::RefCell::new(out);
        self.get_with(
            name,
            limit,
            &mut || {
                let mut f = out.borrow_mut();
                f.set_len(0).and_then(|()| f.rewind()).map_err(local)
            },
            &mut |b| out.borrow_mut().write_all(b).map_err(local),
        )
    }

    /// Streams the object `name` to `write`, calling `reset` before each attempt; false if
    /// there is none. More than `limit` bytes is [`RemoteError::Damaged`].
    pub fn get_with(
        &self,
        name: &str,
        limit: u64,
        reset: &mut dyn FnMut() -> R<()>,
        write: &mut dyn FnMut(&[u8]) -> R<()>,
    ) -> R<bool> {
        self.retry(|| {
            reset()?;
            let url = self
                .bucket
                .get_object(Some(&self.credentials), name)
                .sign(SIGNED_FOR);
            let resp = self.agent.get(url.as_str()).call();
            let mut resp = match self.answer(resp, name)? {
                Some(r) => r,
                None => return Ok(false),
            };
            let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader();
            let mut buf = vec![0u8; 1 << 20];
            let mut got = 0u64;
            loop {
                let n = reader.read(&mut buf).map_err(|e| {
                    RemoteError::Unreachable(words!(
                        "d-s3-reading-from",
                        name = name,
                        endpoint = &self.endpoint,
                        why = e.to_string()
                    ))
                })?;
                if n == 0 {
                    return Ok(true);
                }
                got += n as u64;
                if got > limit {
                    return Err(RemoteError::Damaged(words!(
                        "d-s3-too-long",
                        name = name,
                        limit = limit
                    )));
                }
                write(&buf[..n])?;
            }
        })
    }

    /// The size of the object `name`, if there is one.
    pub fn head(&self, name: &str) -> R<Option<u64>> {
        self.retry(|| {
            let url = self
                .bucket
                .head_object(Some(&self.credentials), name)
                .sign(SIGNED_FOR);
            let resp = self.agent.head(url.as_str()).call();
            Ok(self.answer(resp, name)?.map(|r| {
                r.headers()
                    .get("content-length")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            }))
        })
    }

    /// Removes the object `name` (for tests and the sweep's own checks; Amanat never asks
    /// a replica to delete).
    pub fn delete(&self, name: &str) -> R<()> {
        self.retry(|| {
            let url = self
                .bucket
                .delete_object(Some(&self.credentials), name)
                .sign(SIGNED_FOR);
            let resp = self.agent.delete(url.as_str()).call();
            self.done(resp, name)
        })
    }

    /// Every object whose name starts with `prefix`.
    pub fn list(&self, prefix: &str) -> R<Vec<Listed>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.retry(|| {
                let mut action = ListObjectsV2::new(&self.bucket, Some(&self.credentials));
                if !prefix.is_empty() {
                    action.with_prefix(prefix);
                }
                if let Some(t) = &token {
                    action.with_continuation_token(t.as_str());
                }
                let url = action.sign(SIGNED_FOR);
                let resp = self.agent.get(url.as_str()).call();
                let mut resp = self
                    .answer(resp, "")?
                    .ok_or_else(|| RemoteError::NoBucket(self.name.clone()))?;
                let text = resp
                    .body_mut()
                    .with_config()
                    .limit(MAX_SMALL)
                    .read_to_vec()
                    .map_err(|e| self.transport(e))?;
                ListObjectsV2::parse_response(&text).map_err(|e| {
                    RemoteError::Server(words!("d-s3-listing-parse", why = e.to_string()))
                })
            })?;
            for c in page.contents {
                // rusty-s3 asks for URL-encoded names (encoding-type=url).
                let name = percent_encoding::percent_decode_str(&c.key)
                    .decode_utf8()
                    .map_err(|_| {
                        RemoteError::Server(words!(
                            "d-s3-listing-utf8",
                            name = format!("{:?}", c.key)
                        ))
                    })?
                    .into_owned();
                out.push(Listed { name, size: c.size });
            }
            match page.next_continuation_token {
                Some(t) if !t.is_empty() && token.as_deref() != Some(&t) => token = Some(t),
                Some(t) if !t.is_empty() => {
                    return Err(RemoteError::Server(words!("d-s3-listing-repeats")))
                }
                _ => return Ok(out),
            }
            if out.len() > MAX_LISTED {
                return Err(RemoteError::Server(words!(
                    "d-s3-listing-long",
                    max = MAX_LISTED
                )));
            }
        }
    }

    /// Whether these credentials may list the bucket: one request, not tried again (for
    /// the warning `remote add` gives about a key that can read).
    pub fn can_list(&self) -> R<bool> {
        let mut action = ListObjectsV2::new(&self.bucket, Some(&self.credentials));
        action.with_max_keys(1);
        let url = action.sign(SIGNED_FOR);
        match self.answer(self.agent.get(url.as_str()).call(), "") {
            Ok(_) => Ok(true),
            Err(RemoteError::Denied(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn retry<T>(&self, mut f: impl FnMut() -> R<T>) -> R<T> {
        let mut wait = Duration::from_millis(250);
        for attempt in 1.. {
            match f() {
                Err(RemoteError::Unreachable(_) | RemoteError::Server(_)) if attempt < ATTEMPTS => {
                    std::thread::sleep(wait);
                    wait *= 3;
                }
                other => return other,
            }
        }
        unreachable!("the loop returns")
    }

    fn transport(&self, e: ureq::Error) -> RemoteError {
        match e {
            ureq::Error::Timeout(_) => {
                RemoteError::Unreachable(words!("d-s3-timeout", endpoint = &self.endpoint))
            }
            ureq::Error::Io(e) => RemoteError::Unreachable(words!(
                "d-s3-transport",
                endpoint = &self.endpoint,
                why = e.to_string()
            )),
            ureq::Error::ConnectionFailed => {
                RemoteError::Unreachable(words!("d-s3-refused", endpoint = &self.endpoint))
            }
            ureq::Error::HostNotFound => {
                RemoteError::Unreachable(words!("d-s3-no-host", endpoint = &self.endpoint))
            }
            e => RemoteError::Unreachable(words!(
                "d-s3-transport",
                endpoint = &self.endpoint,
                why = e.to_string()
            )),
        }
    }

    /// A request that must succeed with no body to keep.
    fn done(
        &self,
        resp: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        name: &str,
    ) -> R<()> {
        match self.answer(resp, name)? {
            Some(_) => Ok(()),
            None => Err(RemoteError::NoBucket(self.name.clone())),
        }
    }

    /// The answer if it succeeded, `None` on 404 of a missing object; an error otherwise.
    fn answer(
        &self,
        resp: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        name: &str,
    ) -> R<Option<ureq::http::Response<ureq::Body>>> {
        let mut resp = resp.map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(Some(resp));
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 << 10)
            .read_to_string()
            .unwrap_or_default();
        let code = element(&body, "Code");
        let message = element(&body, "Message").unwrap_or_default();
        let what = |c: Option<&str>| {
            let mut w = format!("HTTP {status}");
            for part in [c.unwrap_or(""), message.as_str()] {
                if !part.is_empty() {
                    w.push(' ');
                    w.push_str(&part.chars().take(200).collect::<String>());
                }
            }
            match name.is_empty() {
                true => words!("d-s3-said", said = w),
                false => words!("d-s3-said-on", said = w, name = name),
            }
        };
        let quota = message.to_lowercase().contains("quota");
        match (status, code.as_deref()) {
            (404, Some("NoSuchBucket")) => Err(RemoteError::NoBucket(self.name.clone())),
            (404, _) => Ok(None),
            (507, c) | (_, c @ Some("EntityTooLarge" | "QuotaExceeded")) => {
                Err(RemoteError::Full(what(c)))
            }
            (_, c) if quota => Err(RemoteError::Full(what(c))),
            (s, c) if s >= 500 => Err(RemoteError::Server(what(c))),
            (_, c) => Err(RemoteError::Denied(what(c))),
        }
    }
}

/// The text of the first `<tag>` of an S3 error document.
fn element(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = start + body[start..].find(&format!("</{tag}>"))?;
    Some(body[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_code_of_an_s3_error() {
        let body =
            "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>x</Message></Error>";
        assert_eq!(element(body, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(element(body, "Message").as_deref(), Some("x"));
        assert_eq!(element("nothing", "Code"), None);
    }

    #[test]
    fn refuses_what_is_not_an_http_url() {
        let e = |url| Endpoint {
            url,
            bucket: "b",
            region: "garage",
            access_key_id: "GK1",
            secret: "s",
            timeout: 5,
        };
        assert!(Client::new(&e("ftp://host/")).is_err());
        assert!(Client::new(&e("not a url")).is_err());
        assert!(Client::new(&e("http://127.0.0.1:3900")).is_ok());
    }
}
