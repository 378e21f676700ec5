//! `amanat serve` started for a test on a port it picks, stopped by its process id, and a
//! raw HTTP/1.1 client over a TCP socket, so that every header a test sends (a wrong
//! `Host`, a foreign `Origin`, no cookie) is exactly what it says.
#![allow(dead_code)]
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::util::{Env, PASS};

pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub host: String,
    pub token: String,
    /// The session cookie (`amanat-session=…`), once [`Server::enter`] ran, and the whole
    /// `Set-Cookie` that set it.
    pub cookie: String,
    pub set_cookie: String,
    /// The prefix of every address of this run (`/` and 32 hex digits), from the entry's
    /// redirect.
    pub base: String,
    pub csrf: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Server {
    /// Starts `serve` on `env`'s vault with `extra` arguments; waits for its address.
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        Server::start_with_env(env, extra, &[])
    }

    /// [`Server::start`] with extra environment variables (test hooks).
    pub fn start_with_env(env: &Env, extra: &[&str], vars: &[(&str, &str)]) -> Server {
        let mut c = env.cmd();
        for (k, v) in vars {
            c.env(k, v);
        }
        c.args(["serve", "--port", "0"]).args(extra);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "serve printed {url:?}"
        );
        let rest = &url["http://".len()..];
        let (host, query) = rest.split_once("/?token=").expect("a token in the URL");
        Server {
            child,
            host: host.to_owned(),
            token: query.to_owned(),
            cookie: String::new(),
            set_cookie: String::new(),
            base: String::new(),
            csrf: String::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `path` under this run's prefix (an address that starts with `/?` or `//` is sent
    /// as it is, without its first slash for `//`).
    pub fn at(&self, path: &str) -> String {
        if let Some(p) = path.strip_prefix("//") {
            format!("/{p}")
        } else if path.starts_with("/?") || self.base.is_empty() {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends one request with exactly `headers` (plus Host, unless given, and
    /// Content-Length for a body), to `path` under this run's prefix ([`Server::at`]).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let path = &self.at(path);
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req.push_str(&format!("Host: {}\r\n", self.host));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        read_reply(s)
    }

    /// A request with the session cookie and, unless GET, the CSRF header.
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut h: Vec<(&str, &str)> = vec![("Cookie", &self.cookie)];
        if method != "GET" {
            h.push(("X-CSRF-Token", &self.csrf));
        }
        h.extend_from_slice(headers);
        self.raw(method, path, &h, body)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", path, &[], b"")
    }

    /// Opens the printed URL: takes the cookie and the page's CSRF token.
    pub fn enter(&mut self) {
        let r = self.raw("GET", &format!("/?token={}", self.token), &[], b"");
        assert_eq!(r.status, 303, "{}", r.text());
        let set = r.header("set-cookie").expect("a session cookie").to_owned();
        self.cookie = set.split(';').next().unwrap().to_owned();
        self.set_cookie = set;
        let to = r.header("location").unwrap();
        self.base = to.trim_end_matches('/').to_owned();
        assert!(self.base.len() == 33, "{to}");
        let page = self.get("/").text();
        let pat = "name=\"csrf-token\" content=\"";
        let at = page.find(pat).expect("the token in the page") + pat.len();
        self.csrf = page[at..at + 64].to_owned();
    }

    /// `enter`, then unlocks with the test passphrase.
    pub fn unlocked(env: &Env, extra: &[&str]) -> Server {
        Server::unlocked_with_env(env, extra, &[])
    }

    pub fn unlocked_with_env(env: &Env, extra: &[&str], vars: &[(&str, &str)]) -> Server {
        let mut s = Server::start_with_env(env, extra, vars);
        s.enter();
        let r = s.unlock(PASS);
        assert_eq!(r.status, 303, "{}", r.text());
        s
    }

    pub fn unlock(&self, pass: &str) -> Reply {
        let body = format!("passphrase={}", form_encode(pass));
        self.call(
            "POST",
            "/unlock",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    /// The list searched for `q` as the page's search box asks for it (a fragment, with
    /// `fragment`).
    pub fn search(&self, q: &str, fragment: bool) -> Reply {
        let body = format!("q={}", form_encode(q));
        let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
        if fragment {
            h.push(("HX-Request", "true"));
        }
        let r = self.call("POST", "/records", &h, body.as_bytes());
        if fragment || r.status != 303 {
            return r;
        }
        // Without the script: a redirect to the list as asked for.
        assert_eq!(
            r.header("location"),
            Some(format!("{}/records?last=true", self.base).as_str())
        );
        self.get("/records?last=true")
    }

    /// Adds a record through the upload the page's script makes; returns the reply.
    pub fn add(&self, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Reply {
        let parts: Vec<serde_json::Value> = files
            .iter()
            .map(|(kind, name, _)| serde_json::json!({"kind": kind, "name": name}))
            .collect();
        let manifest = serde_json::Value::Array(parts).to_string();
        let mut m = Multipart::new();
        for (k, v) in fields {
            m.field(k, v.as_bytes());
        }
        m.field("parts", manifest.as_bytes());
        for (i, (_, name, bytes)) in files.iter().enumerate() {
            m.file(&format!("file{i}"), name, bytes);
        }
        self.upload(m)
    }

    pub fn upload(&self, m: Multipart) -> Reply {
        let (ct, body) = m.finish();
        self.call("POST", "/add", &[("Content-Type", &ct)], &body)
    }
}

impl Server {
    /// Uploads one attachment of `len` bytes, written to the socket as it is made (the test
    /// holds 1 MiB of it): `block` again and again, each time with its number in its first
    /// 8 bytes, so no two are alike.
    pub fn add_streamed(&self, title: &str, name: &str, len: u64, block: &[u8]) -> Reply {
        let mut head = Multipart::new();
        head.field("title", title.as_bytes());
        head.field(
            "parts",
            format!(r#"[{{"kind":"attachment","name":"{name}"}}]"#).as_bytes(),
        );
        let (ct, mut pre) = head.unfinished();
        let boundary = ct.split("boundary=").nth(1).unwrap().to_owned();
        pre.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file0\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        let post = format!("\r\n--{boundary}--\r\n");
        let total = pre.len() as u64 + len + post.len() as u64;
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(600))).unwrap();
        let req = format!(
            "POST {}/add HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: {ct}\r\nContent-Length: {total}\r\n\r\n",
            self.base, self.host, self.cookie, self.csrf
        );
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(&pre).unwrap();
        let mut buf = block.to_vec();
        let (mut at, mut k) = (0u64, 0u64);
        while at < len {
            let n = (len - at).min(buf.len() as u64) as usize;
            buf[..8].copy_from_slice(&k.to_le_bytes());
            s.write_all(&buf[..n]).unwrap();
            at += n as u64;
            k += 1;
        }
        s.write_all(post.as_bytes()).unwrap();
        read_reply(s)
    }

    /// The server's peak resident memory so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap()
    }
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn read_reply(s: TcpStream) -> Reply {
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status: u16 = line.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let _ = r.read_to_end(&mut body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// A `multipart/form-data` body, built field by field.
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart {
            boundary: "amanat-test-boundary-7MA4YWxkTrZu0gW".into(),
            body: Vec::new(),
        }
    }
    pub fn field(&mut self, name: &str, value: &[u8]) {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(value);
        self.body.extend_from_slice(b"\r\n");
    }
    pub fn file(&mut self, field: &str, name: &str, value: &[u8]) {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(value);
        self.body.extend_from_slice(b"\r\n");
    }
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
    /// The body so far, without its end: an upload that breaks off.
    pub fn unfinished(self) -> (String, Vec<u8>) {
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}
