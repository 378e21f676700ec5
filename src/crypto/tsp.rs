//! RFC 3161 time-stamp tokens (FORMAT.md 14.6): the request a vault sends to a time-stamp
//! authority, and the checks of the token it gets back. The ASN.1 is RustCrypto's
//! (`x509-tsp`, `cms`, `x509-cert`); the signatures are checked with ring. A token proves
//! that the data whose SHA-256 it names existed at its `genTime`, as the authority says,
//! if its signature verifies and its signer's certificate leads to a certificate the
//! vault was told to trust.
use cms::cert::x509::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use cms::cert::x509::Certificate;
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Int, ObjectIdentifier as Oid, OctetString};
use der::{Any, Decode, Encode, Reader};
use ring::signature;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::error::Words;
use crate::i18n::words::Arg;
use crate::words;

const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// How many certificates may stand between a token's signer and a trusted one.
const MAX_CHAIN: usize = 4;
/// Most certificates a token may carry: each may be tried at each link of the chain.
const MAX_CERTS: usize = 16;
/// Most elements of one constructed DER value, and deepest nesting, in a token or answer
/// before it is decoded: the `der` crate sorts a SET OF by insertion as it decodes it, so
/// a crafted SET of thousands of elements would cost seconds (see [`shape_ok`]).
pub const MAX_ELEMENTS: usize = 256;
pub const MAX_DEPTH: usize = 32;
/// The largest token read (DER): real ones are a few KiB.
pub const MAX_TOKEN: usize = 32 << 10;

/// Why a token or an answer was refused, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Bad(pub Words);

fn bad(what: Words) -> Bad {
    Bad(what)
}

impl From<Bad> for Arg {
    fn from(b: Bad) -> Arg {
        b.0.into()
    }
}

/// What a token that verified proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proven {
    /// The authority's time (`genTime`), whole seconds since the Unix epoch.
    pub time: i64,
    /// The subject of the certificate that signed the token.
    pub authority: String,
    /// The token's serial number, hex.
    pub serial: String,
    /// SHA-256 of the signer's certificate (DER): which key of which authority signed.
    pub signer_sha256: [u8; 32],
    /// Whether the signer's certificate is, or is issued (through the token's
    /// certificates) by, one of the trusted certificates given.
    pub trusted: bool,
}

/// The DER of a request for a token over `imprint` (a SHA-256), with `nonce`, asking for
/// the signer's certificate in the token.
pub fn request(imprint: &[u8; 32], nonce: &[u8; 8]) -> Vec<u8> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: sha256_imprint(imprint),
        req_policy: None,
        nonce: Some(nonce_int(nonce)),
        cert_req: true,
        extensions: None,
    };
    req.to_der().expect("a time-stamp request encodes")
}

fn sha256_imprint(imprint: &[u8; 32]) -> MessageImprint {
    MessageImprint {
        hash_algorithm: cms::cert::x509::spki::AlgorithmIdentifier {
            oid: SHA256,
            parameters: Some(Any::null()),
        },
        hashed_message: OctetString::new(imprint.to_vec()).expect("32 bytes"),
    }
}

fn nonce_int(nonce: &[u8; 8]) -> Int {
    // A positive INTEGER in its minimal (DER) form: no leading zero bytes, but one where
    // the top bit would make it negative. Authorities reject any other form.
    let first = nonce.iter().position(|&b| b != 0).unwrap_or(7);
    let mut bytes = Vec::with_capacity(9);
    if nonce[first] & 0x80 != 0 {
        bytes.push(0);
    }
    bytes.extend_from_slice(&nonce[first..]);
    Int::new(&bytes).expect("a nonce encodes")
}

/// The token in an authority's answer to [`request`]: the answer must grant it, and the
/// token must name `imprint` and `nonce`. The token itself is checked by [`verify`].
pub fn token_of_response(body: &[u8], imprint: &[u8; 32], nonce: &[u8; 8]) -> Result<Vec<u8>, Bad> {
    if body.len() > MAX_TOKEN + 1024 || !shape_ok(body) {
        return Err(bad(words!("d-tsp-answer-too-large")));
    }
    let resp = TimeStampResp::from_der(body)
        .map_err(|e| bad(words!("d-tsp-not-response", why = e.to_string())))?;
    let status = resp.status.status as u8;
    if status > 1 {
        let text = resp
            .status
            .status_string
            .as_ref()
            .and_then(|s| s.iter().next())
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        return Err(bad(words!("d-tsp-refused", status = status, text = text)));
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| bad(words!("d-tsp-no-token")))?;
    let der = token
        .to_der()
        .map_err(|e| bad(words!("d-tsp-encoding", why = e.to_string())))?;
    let tst = tst_info(&signed_data(&der)?)?;
    if tst.nonce != Some(nonce_int(nonce)) {
        return Err(bad(words!("d-tsp-nonce")));
    }
    if tst.message_imprint != sha256_imprint(imprint) {
        return Err(bad(words!("d-tsp-other-data")));
    }
    Ok(der)
}

/// Whether `der` is one DER value (with nothing after it) whose constructed values nest at
/// most [`MAX_DEPTH`] deep and hold at most [`MAX_ELEMENTS`] elements each: what a token
/// or an answer must be before it is decoded, so that decoding costs at most a bounded
/// number of comparisons per element. Walks headers and lengths with `der`'s reader; no
/// value is decoded.
pub fn shape_ok(der: &[u8]) -> bool {
    fn walk(bytes: &[u8], depth: usize) -> bool {
        let Ok(mut r) = der::SliceReader::new(bytes) else {
            return false;
        };
        let mut n = 0;
        while !r.is_finished() {
            n += 1;
            let Ok(h) = der::Header::decode(&mut r) else {
                return false;
            };
            let Ok(body) = r.read_slice(h.length) else {
                return false;
            };
            if n > MAX_ELEMENTS
                || (h.tag.is_constructed() && (depth >= MAX_DEPTH || !walk(body, depth + 1)))
            {
                return false;
            }
        }
        true
    }
    let Ok(mut r) = der::SliceReader::new(der) else {
        return false;
    };
    match der::Header::decode(&mut r) {
        Ok(h) => {
            u32::from(h.length) as usize + u32::from(r.position()) as usize == der.len()
                && walk(der, 0)
        }
        Err(_) => false,
    }
}

fn signed_data(token: &[u8]) -> Result<SignedData, Bad> {
    if token.len() > MAX_TOKEN || !shape_ok(token) {
        return Err(bad(words!("d-tsp-token-too-large")));
    }
    let ci = ContentInfo::from_der(token)
        .map_err(|e| bad(words!("d-tsp-token-parse", why = e.to_string())))?;
    if ci.content_type != SIGNED_DATA {
        return Err(bad(words!("d-tsp-not-signed-data")));
    }
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| bad(words!("d-tsp-signed-data-parse", why = e.to_string())))
}

fn econtent(sd: &SignedData) -> Result<Vec<u8>, Bad> {
    if sd.encap_content_info.econtent_type != TST_INFO {
        return Err(bad(words!("d-tsp-no-tst-info")));
    }
    let any = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| bad(words!("d-tsp-no-content")))?;
    let octets: OctetString = any
        .decode_as()
        .map_err(|e| bad(words!("d-tsp-content-octets", why = e.to_string())))?;
    Ok(octets.as_bytes().to_vec())
}

fn tst_info(sd: &SignedData) -> Result<TstInfo, Bad> {
    TstInfo::from_der(&econtent(sd)?)
        .map_err(|e| bad(words!("d-tsp-tst-info-parse", why = e.to_string())))
}

/// Checks `token` over `imprint` (a SHA-256): it is CMS signed data holding time-stamp
/// information for exactly that hash, with one signer whose signed attributes name that
/// content and its digest, whose signature verifies with a certificate in the token or in
/// `trusted` that is meant for time-stamping and valid at the token's time. `trusted` are
/// DER certificates; [`Proven::trusted`] says whether the signer's chain reached one.
pub fn verify(token: &[u8], imprint: &[u8; 32], trusted: &[Vec<u8>]) -> Result<Proven, Bad> {
    if token.len() > MAX_TOKEN {
        return Err(bad(words!("d-tsp-token-larger", kib = MAX_TOKEN >> 10)));
    }
    let sd = signed_data(token)?;
    let content = econtent(&sd)?;
    let tst = TstInfo::from_der(&content)
        .map_err(|e| bad(words!("d-tsp-tst-info-parse", why = e.to_string())))?;
    if tst.message_imprint != sha256_imprint(imprint) {
        return Err(bad(words!("d-tsp-other-data")));
    }
    let time = i64::try_from(tst.gen_time.to_unix_duration().as_secs())
        .map_err(|_| bad(words!("d-tsp-time-range")))?;
    let [si] = sd.signer_infos.0.as_slice() else {
        return Err(bad(words!("d-tsp-one-signer")));
    };
    let mut certs: Vec<Certificate> = Vec::new();
    for choice in sd.certificates.iter().flat_map(|s| s.0.iter()) {
        if let CertificateChoices::Certificate(c) = choice {
            certs.push(c.clone());
        }
    }
    if certs.len() > MAX_CERTS {
        return Err(bad(words!("d-tsp-many-certificates", most = MAX_CERTS)));
    }
    let anchors = trusted
        .iter()
        .map(|d| {
            Certificate::from_der(d)
                .map_err(|e| bad(words!("d-tsp-trusted-parse", why = e.to_string())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signer = certs
        .iter()
        .chain(anchors.iter())
        .find(|c| is_signer(c, &si.sid))
        .ok_or_else(|| bad(words!("d-tsp-no-signer-cert")))?
        .clone();
    check_signer_info(si, &content, &signer)?;
    check_for_time_stamping(&signer, time)?;
    let trusted = chain_reaches(&signer, &certs, &anchors, time)?;
    Ok(Proven {
        time,
        authority: signer.tbs_certificate.subject.to_string(),
        serial: hex::encode(tst.serial_number.as_bytes()),
        signer_sha256: crate::crypto::seal::sha256(
            &signer
                .to_der()
                .map_err(|e| bad(words!("d-tsp-encoding", why = e.to_string())))?,
        ),
        trusted,
    })
}

fn is_signer(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            cert.tbs_certificate.issuer == ias.issuer
                && cert.tbs_certificate.serial_number == ias.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            extension(cert, SUBJECT_KEY_ID).is_some_and(|v| {
                OctetString::from_der(v).is_ok_and(|o| o.as_bytes() == ski.0.as_bytes())
            })
        }
    }
}

/// Whether every critical extension of `cert` is one these checks read (basic
/// constraints, key usage, extended key usage): a critical extension that is not read, such
/// as name or policy constraints, must make the certificate unusable (RFC 5280 4.2).
fn knows_every_critical_extension(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.critical)
        .all(|e| [BASIC_CONSTRAINTS, KEY_USAGE, EXT_KEY_USAGE].contains(&e.extn_id))
}

fn extension(cert: &Certificate, oid: Oid) -> Option<&[u8]> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == oid)
        .map(|e| e.extn_value.as_bytes())
}

/// The signed attributes must name the time-stamp content and its digest, and the
/// signature over them must verify with the signer's key.
fn check_signer_info(si: &SignerInfo, content: &[u8], signer: &Certificate) -> Result<(), Bad> {
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| bad(words!("d-tsp-no-attributes")))?;
    let one = |oid: Oid| -> Result<&Any, Bad> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => Ok(a.values.iter().next().expect("one")),
            _ => Err(bad(words!("d-tsp-attributes"))),
        }
    };
    let ct: Oid = one(CONTENT_TYPE)?
        .decode_as()
        .map_err(|_| bad(words!("d-tsp-content-type")))?;
    if ct != TST_INFO {
        return Err(bad(words!("d-tsp-signed-other")));
    }
    let digest = digest_of(&si.digest_alg.oid)?;
    let md: OctetString = one(MESSAGE_DIGEST)?
        .decode_as()
        .map_err(|_| bad(words!("d-tsp-message-digest")))?;
    if md.as_bytes() != ring::digest::digest(digest, content).as_ref() {
        return Err(bad(words!("d-tsp-altered")));
    }
    let signed = attrs
        .to_der()
        .map_err(|e| bad(words!("d-tsp-encoding", why = e.to_string())))?;
    verify_signature(
        signer,
        &si.signature_algorithm.oid,
        Some(&si.digest_alg.oid),
        &signed,
        si.signature.as_bytes(),
    )
    .map_err(|_| bad(words!("d-tsp-signature")))
}

fn digest_of(oid: &Oid) -> Result<&'static ring::digest::Algorithm, Bad> {
    match *oid {
        SHA256 => Ok(&ring::digest::SHA256),
        SHA384 => Ok(&ring::digest::SHA384),
        SHA512 => Ok(&ring::digest::SHA512),
        _ => Err(bad(words!("d-tsp-digest", oid = oid.to_string()))),
    }
}

/// The signer must be meant for time-stamping (RFC 3161 2.3: a critical extended key
/// usage of `id-kp-timeStamping` alone), may sign (a key usage, if any, with digital
/// signature or non-repudiation), and be valid at the token's time.
fn check_for_time_stamping(signer: &Certificate, time: i64) -> Result<(), Bad> {
    let not_tsa = || bad(words!("d-tsp-not-tsa"));
    let eku = signer
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == EXT_KEY_USAGE)
        .ok_or_else(not_tsa)?;
    let usages = ExtendedKeyUsage::from_der(eku.extn_value.as_bytes()).map_err(|_| not_tsa())?;
    if !eku.critical || usages.0 != [KP_TIME_STAMPING] || !knows_every_critical_extension(signer) {
        return Err(not_tsa());
    }
    if let Some(ku) = extension(signer, KEY_USAGE) {
        let ku = KeyUsage::from_der(ku).map_err(|_| not_tsa())?;
        if !ku.digital_signature() && !ku.non_repudiation() {
            return Err(not_tsa());
        }
    }
    valid_at(signer, time)
}

/// Whether `cert` may issue a certificate with `below` CA certificates under it before the
/// signer (RFC 5280 4.2.1.9 and 4.2.1.3): a CA by its basic constraints, within its path
/// length, and allowed to sign certificates by its key usage, if it has one.
fn may_issue(cert: &Certificate, below: usize) -> bool {
    let Some(bc) =
        extension(cert, BASIC_CONSTRAINTS).and_then(|v| BasicConstraints::from_der(v).ok())
    else {
        return false;
    };
    let within = bc.path_len_constraint.is_none_or(|n| below <= n as usize);
    let signs = match extension(cert, KEY_USAGE) {
        None => true,
        Some(v) => KeyUsage::from_der(v).is_ok_and(|k| k.key_cert_sign()),
    };
    bc.ca && within && signs && knows_every_critical_extension(cert)
}

fn valid_at(cert: &Certificate, time: i64) -> Result<(), Bad> {
    let v = &cert.tbs_certificate.validity;
    let from = v.not_before.to_unix_duration().as_secs() as i64;
    let to = v.not_after.to_unix_duration().as_secs() as i64;
    if time < from || time > to {
        return Err(bad(words!(
            "d-tsp-not-valid",
            subject = cert.tbs_certificate.subject.to_string()
        )));
    }
    Ok(())
}

/// Whether `signer` is a trusted certificate or is issued, through at most [`MAX_CHAIN`]
/// certificates of the token, by one; every link's signature must verify, every issuer be
/// a CA allowed to issue it ([`may_issue`]) and every certificate on the way be valid at
/// `time`.
fn chain_reaches(
    signer: &Certificate,
    certs: &[Certificate],
    anchors: &[Certificate],
    time: i64,
) -> Result<bool, Bad> {
    let mut cur = signer.clone();
    for below in 0..=MAX_CHAIN {
        if anchors.contains(&cur) {
            return Ok(true);
        }
        let tbs = cur
            .tbs_certificate
            .to_der()
            .map_err(|e| bad(words!("d-tsp-encoding", why = e.to_string())))?;
        let sig = cur
            .signature
            .as_bytes()
            .ok_or_else(|| bad(words!("d-tsp-cert-signature")))?;
        let issuer = anchors.iter().chain(certs.iter()).find(|c| {
            c.tbs_certificate.subject == cur.tbs_certificate.issuer
                && *c != &cur
                && may_issue(c, below)
                && verify_signature(c, &cur.signature_algorithm.oid, None, &tbs, sig).is_ok()
        });
        match issuer {
            Some(i) => {
                valid_at(i, time)?;
                cur = i.clone();
            }
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// The DER certificates of a PEM file (one or more `CERTIFICATE` blocks) or of one DER
/// certificate.
pub fn certificates(file: &[u8]) -> Result<Vec<Vec<u8>>, Bad> {
    if let Ok(c) = Certificate::from_der(file) {
        return Ok(vec![c.to_der().map_err(|e| {
            bad(words!("d-tsp-encoding", why = e.to_string()))
        })?]);
    }
    let text = std::str::from_utf8(file).map_err(|_| bad(words!("d-tsp-not-certificate")))?;
    let mut out = Vec::new();
    let mut rest = text;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start..];
        let end = after
            .find(END)
            .ok_or_else(|| bad(words!("d-tsp-pem-open")))?
            + END.len();
        let (_, der) = der::Document::from_pem(&after[..end])
            .map_err(|e| bad(words!("d-tsp-pem-decode", why = e.to_string())))?;
        Certificate::from_der(der.as_bytes())
            .map_err(|e| bad(words!("d-tsp-cert-parse", why = e.to_string())))?;
        out.push(der.as_bytes().to_vec());
        rest = &after[end..];
    }
    if out.is_empty() {
        return Err(bad(words!("d-tsp-no-certificate")));
    }
    Ok(out)
}

/// The subject of a DER certificate, for messages.
pub fn subject(der: &[u8]) -> String {
    Certificate::from_der(der)
        .map(|c| c.tbs_certificate.subject.to_string())
        .unwrap_or_else(|_| "an unreadable certificate".into())
}

/// Verifies `sig` over `message` with `cert`'s key, for the signature algorithm `alg`
/// (with `digest` where `alg` names only the key type, as CMS allows).
fn verify_signature(
    cert: &Certificate,
    alg: &Oid,
    digest: Option<&Oid>,
    message: &[u8],
    sig: &[u8],
) -> Result<(), Bad> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| bad(words!("d-tsp-cert-key")))?;
    let hash = match (*alg, digest.copied()) {
        (RSA_SHA256 | ECDSA_SHA256, _) => SHA256,
        (RSA_SHA384 | ECDSA_SHA384, _) => SHA384,
        (RSA_SHA512, _) => SHA512,
        (RSA | EC, Some(d)) => d,
        _ => return Err(bad(words!("d-tsp-algorithm", oid = alg.to_string()))),
    };
    let params: &dyn signature::VerificationAlgorithm = match (spki.algorithm.oid, hash) {
        (RSA, SHA256) => &signature::RSA_PKCS1_2048_8192_SHA256,
        (RSA, SHA384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        (RSA, SHA512) => &signature::RSA_PKCS1_2048_8192_SHA512,
        (EC, h) => {
            let curve: Oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as().ok())
                .ok_or_else(|| bad(words!("d-tsp-no-curve")))?;
            match (curve, h) {
                (P256, SHA256) => &signature::ECDSA_P256_SHA256_ASN1,
                (P256, SHA384) => &signature::ECDSA_P256_SHA384_ASN1,
                (P384, SHA256) => &signature::ECDSA_P384_SHA256_ASN1,
                (P384, SHA384) => &signature::ECDSA_P384_SHA384_ASN1,
                _ => {
                    return Err(bad(words!(
                        "d-tsp-curve",
                        curve = curve.to_string(),
                        digest = h.to_string()
                    )))
                }
            }
        }
        (k, _) => return Err(bad(words!("d-tsp-key-type", oid = k.to_string()))),
    };
    signature::UnparsedPublicKey::new(params, key)
        .verify(message, sig)
        .map_err(|_| bad(words!("d-tsp-sig")))
}

#[cfg(test)]
#[path = "tsp_tests.rs"]
mod tests;
