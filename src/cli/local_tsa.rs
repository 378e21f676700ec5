//! A time-stamp authority on 127.0.0.1 for the tour and the tests: a throwaway CA and TSA
//! certificate made with `openssl`, and a small HTTP responder that answers each request
//! with `openssl ts -reply`. It stamps only hashes; nothing of a vault reaches it. The
//! `--answer` modes other than `good` make the bad answers the tests need.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use der::{Decode, Encode};

/// How the authority answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Answer {
    /// A token for the request, as a real authority gives.
    Good,
    /// A token for another hash than the one asked for.
    OtherData,
    /// A token whose time was changed after it was signed.
    Altered,
    /// Accept the connection and never answer.
    Silent,
    /// A token whose time has milliseconds, as some authorities write it.
    Fractional,
}

/// The key type of the throwaway certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyType {
    Ec,
    Rsa,
}

/// Makes (if missing) the CA and TSA certificates and the `openssl ts` configuration in
/// `dir`. Returns the CA certificate's path: what `amanat tsa add --cert` takes.
pub fn make_authority(dir: &Path, key: KeyType) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    // `openssl` runs in `dir`, and the configuration names files by absolute paths.
    let dir = &dir.canonicalize()?;
    let ca = dir.join("ca.pem");
    let newkey: &[&str] = match key {
        KeyType::Ec => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        KeyType::Rsa => &["-newkey", "rsa:2048"],
    };
    std::fs::write(
        dir.join("ext.cnf"),
        "[tsa]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=critical,timeStamping\n",
    )?;
    let d = dir.display();
    let section = format!(
        "serial = {d}/serial\ncrypto_device = builtin\nsigner_cert = {d}/tsa.pem\n\
         certs = {d}/ca.pem\nsigner_key = {d}/tsa.key\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\n\
         ordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n"
    );
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[tsa]\ndefault_tsa = local\n[local]\n{section}[fractional]\n{section}\
             clock_precision_digits = 3\n"
        ),
    )?;
    if ca.exists() {
        return Ok(ca);
    }
    std::fs::write(dir.join("serial"), "01\n")?;
    openssl(
        dir,
        &[
            &["req", "-x509"],
            newkey,
            &[
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3650",
                "-subj",
                "/CN=Amanat local test CA",
            ],
        ]
        .concat(),
    )?;
    openssl(
        dir,
        &[
            &["req"],
            newkey,
            &[
                "-nodes",
                "-keyout",
                "tsa.key",
                "-out",
                "tsa.csr",
                "-subj",
                "/CN=Amanat local test TSA",
            ],
        ]
        .concat(),
    )?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "3650",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "tsa",
        ],
    )?;
    Ok(ca)
}

fn openssl(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .context("running openssl (install it: apt install openssl)")?;
    if !out.status.success() {
        bail!(
            "openssl {}: {}",
            args[0],
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out.stdout)
}

/// A listener on 127.0.0.1 at a port the system picks, and its URL.
pub fn listen() -> Result<(TcpListener, String)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/tsr", listener.local_addr()?);
    Ok((listener, url))
}

/// Answers every connection on `listener`, one at a time, until the process ends.
pub fn serve(listener: TcpListener, dir: &Path, answer: Answer) -> Result<()> {
    let mut held = Vec::new();
    for conn in listener.incoming() {
        let Ok(mut conn) = conn else { continue };
        if answer == Answer::Silent {
            held.push(conn);
            continue;
        }
        let reply = read_request(&mut conn).and_then(|q| reply(dir, &q, answer));
        let _ = match reply {
            Ok(body) => respond(&mut conn, "200 OK", &body),
            Err(e) => respond(
                &mut conn,
                "500 Internal Server Error",
                e.to_string().as_bytes(),
            ),
        };
    }
    Ok(())
}

fn read_request(conn: &mut TcpStream) -> Result<Vec<u8>> {
    let mut reader = BufReader::new(conn);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse()?;
            }
        }
    }
    if length > 1 << 16 {
        bail!("request too large");
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    Ok(body)
}

fn respond(conn: &mut TcpStream, status: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: application/timestamp-reply\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(body)
}

fn reply(dir: &Path, query: &[u8], answer: Answer) -> Result<Vec<u8>> {
    let mut query = query.to_vec();
    if answer == Answer::OtherData {
        let mut req = x509_tsp::TimeStampReq::from_der(&query)?;
        let mut hash = req.message_imprint.hashed_message.as_bytes().to_vec();
        hash[0] ^= 1;
        req.message_imprint.hashed_message = der::asn1::OctetString::new(hash)?;
        query = req.to_der()?;
    }
    let q = dir.join("q.tsq");
    let r = dir.join("r.tsr");
    std::fs::write(&q, &query)?;
    let cnf = dir.join("tsa.cnf");
    openssl(
        dir,
        &[
            "ts",
            "-reply",
            "-config",
            path(&cnf),
            "-section",
            if answer == Answer::Fractional {
                "fractional"
            } else {
                "local"
            },
            "-queryfile",
            path(&q),
            "-out",
            path(&r),
        ],
    )?;
    let mut body = std::fs::read(&r)?;
    if answer == Answer::Altered {
        // The year's last digit of genTime (GeneralizedTime, tag 0x18, 15 bytes "YYYY…Z").
        let at = body
            .windows(4)
            .position(|w| w[0] == 0x18 && w[1] == 0x0f && w[2] == b'2' && w[3] == b'0')
            .context("no time in the token")?;
        body[at + 5] = if body[at + 5] == b'0' { b'1' } else { b'0' };
    }
    Ok(body)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// A throwaway time-stamp authority on 127.0.0.1 (`openssl ts -reply`), added to the
/// vault, when `openssl` is installed; its address and CA certificate's path.
pub fn for_tour(vault: &amanat::Vault, dir: &Path) -> anyhow::Result<Option<(String, PathBuf)>> {
    let present = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        return Ok(None);
    }
    let tsa_dir = dir.join("local-authority");
    let ca = make_authority(&tsa_dir, KeyType::Ec)?;
    let (listener, url) = listen()?;
    std::thread::spawn(move || serve(listener, &tsa_dir, Answer::Good));
    vault.tsa_add("Local test authority", &url, &std::fs::read(&ca)?, 10)?;
    Ok(Some((url, ca)))
}
