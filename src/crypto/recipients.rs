//! Recipients of sealed values: parsed from their texts (`age1…` X25519 keys and
//! `ssh-ed25519` keys), in the canonical form they are stored as, each X25519 key with its
//! precomputed table (`RecipientTable`).
use std::str::FromStr;

use curve25519_dalek::constants::ED25519_BASEPOINT_TABLE;
use curve25519_dalek::edwards::EdwardsBasepointTable;
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::traits::BasepointTable;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::words;

/// One parsed recipient, with the canonical text it was given as.
pub struct Recipient {
    text: String,
    inner: Box<dyn age::Recipient + Send + Sync>,
    /// The X25519 public key of an `age1…` recipient, which our writer wraps for itself.
    x25519: Option<[u8; 32]>,
    /// Its precomputed table, made at the first seal to it.
    table: std::sync::OnceLock<Option<Box<RecipientTable>>>,
}

impl Recipient {
    /// Parses an age X25519 recipient (`age1…`) or an OpenSSH `ssh-ed25519` public key.
    /// RSA keys are refused (docs/DESIGN.md: the `rsa` crate has an unfixed timing advisory).
    pub fn parse(s: &str) -> Result<Recipient> {
        let s = s.trim();
        if s.starts_with("age1") {
            let r = age::x25519::Recipient::from_str(s).map_err(|e| {
                Error::Invalid(words!(
                    "d-crypto-age-recipient-why",
                    value = format!("{s:?}"),
                    why = e.to_string()
                ))
            })?;
            let text = r.to_string();
            let x25519 = bech32::decode(&text)
                .ok()
                .and_then(|(_, data)| <[u8; 32]>::try_from(data).ok())
                .ok_or_else(|| {
                    Error::Invalid(words!("d-crypto-age-recipient", value = format!("{s:?}")))
                })?;
            // A low-order point gives an all-zero shared secret, which age refuses to wrap
            // a file key with: refused here, not at the first record sealed to it.
            super::agewriter::x25519_wrap(&x25519, None).map_err(|_| {
                Error::Invalid(words!("d-crypto-low-order", value = format!("{s:?}")))
            })?;
            Ok(Recipient {
                text,
                inner: Box::new(r),
                x25519: Some(x25519),
                table: std::sync::OnceLock::new(),
            })
        } else if s.starts_with("ssh-ed25519 ") {
            // Keep only "ssh-ed25519 BASE64"; a trailing comment is not part of the key.
            let canonical: Vec<&str> = s.split_whitespace().take(2).collect();
            let canonical = canonical.join(" ");
            let r = age::ssh::Recipient::from_str(&canonical).map_err(|_| {
                Error::Invalid(words!("d-crypto-ssh-key", value = format!("{s:?}")))
            })?;
            Ok(Recipient {
                text: canonical,
                inner: Box::new(r),
                x25519: None,
                table: std::sync::OnceLock::new(),
            })
        } else {
            Err(Error::Invalid(words!(
                "d-crypto-recipient-unsupported",
                value = format!("{s:?}")
            )))
        }
    }

    /// The recipient as text, as it is stored in the keyring.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn as_age(&self) -> &dyn age::Recipient {
        self.inner.as_ref()
    }

    pub(crate) fn x25519_bytes(&self) -> Option<&[u8; 32]> {
        self.x25519.as_ref()
    }

    /// The precomputed table of an `age1…` recipient's key, if it has one (see
    /// [`RecipientTable::new`]).
    pub(crate) fn x25519_table(&self) -> Option<&RecipientTable> {
        let pk = self.x25519.as_ref()?;
        self.table
            .get_or_init(|| RecipientTable::new(pk))
            .as_deref()
    }
}

/// A non-empty list of recipients.
pub struct Recipients(Vec<Recipient>);

impl Recipients {
    /// Builds a list; at least one recipient is required.
    pub fn new(list: Vec<Recipient>) -> Result<Recipients> {
        if list.is_empty() {
            return Err(Error::Invalid(words!("d-crypto-no-recipients")));
        }
        Ok(Recipients(list))
    }

    /// Parses every string.
    pub fn parse_all<S: AsRef<str>>(texts: &[S]) -> Result<Recipients> {
        Recipients::new(
            texts
                .iter()
                .map(|t| Recipient::parse(t.as_ref()))
                .collect::<Result<_>>()?,
        )
    }

    pub(crate) fn list(&self) -> &[Recipient] {
        &self.0
    }

    /// The recipients as text.
    pub fn texts(&self) -> Vec<String> {
        self.0.iter().map(|r| r.text.clone()).collect()
    }
}

/// A recipient's X25519 key as a precomputed table of its multiples, so that the shared
/// secret of each file sealed to it costs a fixed-base multiplication rather than a
/// Montgomery ladder: with the base point's table for the ephemeral share, the two
/// X25519 operations of a stanza took 46 µs instead of ring's 80–90 µs here (a tenth of
/// `ingest`'s CPU; docs/BENCHMARKS.md). The table (about 30 KiB, 1.5 ms to make) is built
/// once per recipient and process.
///
/// The result is X25519 exactly: a table multiplies by the whole clamped scalar, without
/// reducing it, so the shared secret is `u(k·P)` for the recipient's point `P` as the
/// ladder computes it, small-order component included (the clamped `k` is a multiple of
/// eight, which removes it in both). Tests compare both paths on random and on mixed-order
/// keys.
pub(crate) struct RecipientTable(EdwardsBasepointTable);

impl RecipientTable {
    /// The table of `pk`, or `None` for a key that is not the u-coordinate of a point of
    /// the curve (one of the twist, or −1) or is of small order: those keep ring's ladder,
    /// which refuses an all-zero shared secret.
    pub(crate) fn new(pk: &[u8; 32]) -> Option<Box<RecipientTable>> {
        // Either sign: P and −P have the same u-coordinate, and so do k·P and k·(−P).
        let p = MontgomeryPoint(*pk).to_edwards(0)?;
        if p.is_small_order() {
            return None;
        }
        Some(Box::new(RecipientTable(EdwardsBasepointTable::create(&p))))
    }

    /// The ephemeral share and the shared secret of the clamped scalar `esk`.
    pub(super) fn agree(&self, esk: &[u8; 32]) -> ([u8; 32], Zeroizing<[u8; 32]>) {
        let share = ED25519_BASEPOINT_TABLE
            .mul_base_clamped(*esk)
            .to_montgomery()
            .0;
        let shared = Zeroizing::new(self.0.mul_base_clamped(*esk).to_montgomery().0);
        (share, shared)
    }
}
