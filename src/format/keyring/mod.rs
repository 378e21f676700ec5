//! The keyring: every secret of a vault, sealed with the passphrase (FORMAT.md, "Keyring").
//!
//! The keyring lives outside sled (sled is log-structured, so overwritten values leave old
//! bytes behind) and may live on removable media. The file always holds two slots of equal
//! size, each an age scrypt message: one opens with the passphrase, the other is filler
//! sealed under a random passphrase, so the file does not tell whether a second passphrase
//! exists. Unlocking always tries both slots, so it takes the same time whichever opens.

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::crypto::symmetric::SymmetricKey;
use crate::error::{Error, Refusal, Result};
use crate::words;

mod slots;
#[cfg(test)]
mod tests;

pub use slots::*;

/// Plaintext of a slot is padded to exactly this many bytes.
pub const PLAINTEXT_LEN: usize = 4096;
/// Every slot occupies exactly this many bytes in the file.
pub const SLOT_LEN: usize = 4608;
/// The keyring file is exactly two slots.
pub const FILE_LEN: usize = 2 * SLOT_LEN;
/// The highest scrypt work factor `init` and `passwd` accept (2^22 needs 4 GiB of memory).
pub const MAX_WORK_FACTOR: u8 = 22;

const MAGIC: &[u8; 8] = b"AMANATKR";
const VERSION: u8 = 1;
const FLAG_COLLECTOR: u8 = 1;
/// This keyring is a decoy: opening it destroys the real keyring and the vault's records.
const FLAG_DURESS: u8 = 2;
/// The other slot holds a duress keyring: keep it when this slot is re-sealed.
const FLAG_HAS_DURESS: u8 = 4;

/// The passphrase, zeroized on drop.
pub struct Passphrase(SecretString);

impl Passphrase {
    /// Wraps a passphrase; an empty one is refused.
    pub fn new(s: String) -> Result<Passphrase> {
        if s.is_empty() {
            return Err(Error::Invalid(words!("d-keyring-empty-passphrase")));
        }
        Ok(Passphrase(SecretString::from(s)))
    }

    /// Whether two passphrases are the same.
    pub fn same_as(&self, other: &Passphrase) -> bool {
        use age::secrecy::ExposeSecret;
        self.0.expose_secret() == other.0.expose_secret()
    }

    /// The passphrase's text: to estimate its strength, and to show a generated one once.
    pub fn expose(&self) -> &str {
        use age::secrecy::ExposeSecret;
        self.0.expose_secret()
    }

    fn secret(&self) -> SecretString {
        use age::secrecy::ExposeSecret;
        SecretString::from(self.0.expose_secret().to_owned())
    }
}

/// Every secret and setting of one vault.
pub struct Keyring {
    /// Binds the keyring to its database (FORMAT.md 5.2).
    pub vault_id: [u8; 16],
    /// A collector holds no decryption key.
    pub collector: bool,
    /// A decoy, opened by the duress passphrase.
    pub duress: bool,
    /// The file's other slot is a duress slot (on the real keyring).
    pub has_duress: bool,
    identity: Option<Zeroizing<String>>,
    signing_seed: Zeroizing<[u8; 32]>,
    /// The Ed25519 public key matching the seed.
    pub signing_public: [u8; 32],
    /// Seals catalog entries.
    pub catalog_key: SymmetricKey,
    /// Seals audit events (chain of custody).
    pub audit_key: SymmetricKey,
    /// Keys per-partner witness pseudonyms.
    pub pseudonym_key: SymmetricKey,
    /// Who every record is sealed to (the vault's own key first, unless collector).
    pub content_recipients: Vec<String>,
    /// Who identity parts are sealed to.
    pub identity_recipients: Vec<String>,
}

impl Keyring {
    /// A fresh keyring. In collector mode there is no X25519 identity and the given
    /// recipients are the only content recipients.
    pub fn generate(
        collector: bool,
        extra_recipients: Vec<String>,
        identity_recipients: Vec<String>,
    ) -> Result<Keyring> {
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(random_bytes());
        let signing_public = crate::crypto::sshsig::BatchSigner::new(&seed).public();

        let (identity, mut content) = if collector {
            if extra_recipients.is_empty() {
                return Err(Error::Refused(Refusal::CollectorNeedsRecipient));
            }
            (None, Vec::new())
        } else {
            let id = age::x25519::Identity::generate();
            let public = id.to_public().to_string();
            use age::secrecy::ExposeSecret;
            let text = Zeroizing::new(id.to_string().expose_secret().to_owned());
            (Some(text), vec![public])
        };
        for r in extra_recipients {
            if !content.contains(&r) {
                content.push(r);
            }
        }
        let identity_recipients = if identity_recipients.is_empty() {
            content.clone()
        } else {
            identity_recipients
        };
        Ok(Keyring {
            vault_id: random_bytes(),
            collector,
            duress: false,
            has_duress: false,
            identity,
            signing_seed: seed,
            signing_public,
            catalog_key: SymmetricKey::random(),
            audit_key: SymmetricKey::random(),
            pseudonym_key: SymmetricKey::random(),
            content_recipients: content,
            identity_recipients,
        })
    }

    /// The vault's X25519 identity, if this is not a collector.
    pub fn identity(&self) -> Option<age::x25519::Identity> {
        self.identity.as_ref().map(|s| {
            s.parse()
                .expect("the identity was validated when the keyring was parsed")
        })
    }

    /// The vault's own `age1…` recipient, if it has an identity.
    pub fn own_recipient(&self) -> Option<String> {
        self.identity().map(|i| i.to_public().to_string())
    }

    /// The Ed25519 seed, for building a ring key pair only when signing.
    pub fn signing_seed(&self) -> &Zeroizing<[u8; 32]> {
        &self.signing_seed
    }

    /// Encodes the padded plaintext (FORMAT.md 5.2).
    fn encode(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut b = Zeroizing::new(Vec::with_capacity(PLAINTEXT_LEN));
        b.extend_from_slice(MAGIC);
        b.push(VERSION);
        let mut flags = 0;
        for (set, bit) in [
            (self.collector, FLAG_COLLECTOR),
            (self.duress, FLAG_DURESS),
            (self.has_duress, FLAG_HAS_DURESS),
        ] {
            if set {
                flags |= bit;
            }
        }
        b.push(flags);
        b.extend_from_slice(&self.vault_id);
        let id = self.identity.as_ref().map(|s| s.as_bytes()).unwrap_or(&[]);
        put_bytes(&mut b, id);
        b.extend_from_slice(&self.signing_seed[..]);
        b.extend_from_slice(&self.signing_public);
        b.extend_from_slice(self.catalog_key.expose());
        b.extend_from_slice(self.audit_key.expose());
        b.extend_from_slice(self.pseudonym_key.expose());
        for list in [&self.content_recipients, &self.identity_recipients] {
            b.extend_from_slice(&(list.len() as u16).to_be_bytes());
            for r in list {
                put_bytes(&mut b, r.as_bytes());
            }
        }
        if b.len() > PLAINTEXT_LEN {
            return Err(Error::Invalid(words!("d-keyring-too-many-recipients")));
        }
        b.resize(PLAINTEXT_LEN, 0);
        Ok(b)
    }

    /// The keyring a key rotation moves to: a new X25519 identity (unless a collector), a
    /// new signing key, new catalog and audit keys; the same vault id, pseudonym key (so
    /// partners keep seeing the same pseudonyms and record ids) and other recipients, with
    /// the old own recipient replaced by the new one wherever it was listed.
    pub(crate) fn rotated(&self) -> Result<Keyring> {
        let mut next = Keyring::generate(self.collector, vec![], vec![]).or_else(|_| {
            // A collector needs a recipient to be generated; its recipients carry over.
            Keyring::generate(self.collector, self.content_recipients.clone(), vec![])
        })?;
        let old = self.own_recipient();
        let new = next.own_recipient();
        let swap = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|r| match (&old, &new) {
                    (Some(o), Some(n)) if r == o => n.clone(),
                    _ => r.clone(),
                })
                .collect()
        };
        next.vault_id = self.vault_id;
        next.has_duress = self.has_duress;
        next.pseudonym_key = SymmetricKey::from_bytes(*self.pseudonym_key.expose());
        next.content_recipients = swap(&self.content_recipients);
        next.identity_recipients = swap(&self.identity_recipients);
        Ok(next)
    }

    /// The plaintext a remote with escrow receives, sealed to headquarters (FORMAT.md
    /// 16.6): this keyring as a slot holds it (5.2), with no duress slot named. A decoy's
    /// says it is one, which only whoever holds headquarters' key can read: a restore never
    /// takes it, and a decoy escrows as the real keyring does, so that nothing on the
    /// device tells them apart.
    pub fn escrow_plaintext(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut k = self.duplicate()?;
        k.has_duress = false;
        k.encode()
    }

    /// The keyring an escrow holds, if `b` is one whose signing key is its seed's.
    pub fn from_escrow(b: &[u8]) -> Option<Keyring> {
        Keyring::decode(b).ok().filter(|k| {
            crate::crypto::sshsig::BatchSigner::new(&k.signing_seed).public() == k.signing_public
        })
    }

    /// The OpenSSH fingerprint of the signing key (`SHA256:…`, as `amanat keys` prints it).
    pub fn fingerprint(&self) -> String {
        crate::crypto::sshkey::fingerprint(&self.signing_public)
    }

    /// A second copy of this keyring (for re-sealing a changed one).
    pub(crate) fn duplicate(&self) -> Result<Keyring> {
        Keyring::decode(&self.encode()?).map_err(|_| Error::Invalid(words!("d-keyring-reencode")))
    }

    /// Decodes a slot's plaintext; `None` if it is not a well-formed keyring.
    fn decode(b: &[u8]) -> std::result::Result<Keyring, &'static str> {
        let mut r = Reader { b, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err("bad magic");
        }
        if r.take(1)?[0] != VERSION {
            return Err("unknown keyring version");
        }
        let flags = r.take(1)?[0];
        let vault_id = r.array()?;
        let id = r.bytes()?;
        let identity = if id.is_empty() {
            None
        } else {
            let s = Zeroizing::new(std::str::from_utf8(id).map_err(|_| "identity")?.to_owned());
            s.parse::<age::x25519::Identity>().map_err(|_| "identity")?;
            Some(s)
        };
        let signing_seed = Zeroizing::new(r.array()?);
        let signing_public = r.array()?;
        let catalog_key = SymmetricKey::from_bytes(r.array()?);
        let audit_key = SymmetricKey::from_bytes(r.array()?);
        let pseudonym_key = SymmetricKey::from_bytes(r.array()?);
        let mut lists = [Vec::new(), Vec::new()];
        for list in lists.iter_mut() {
            let n = u16::from_be_bytes(r.array()?);
            for _ in 0..n {
                let s = std::str::from_utf8(r.bytes()?).map_err(|_| "recipient")?;
                list.push(s.to_owned());
            }
        }
        let [content_recipients, identity_recipients] = lists;
        let collector = flags & FLAG_COLLECTOR != 0;
        if collector != identity.is_none() {
            return Err("collector flag disagrees with identity");
        }
        if flags & !(FLAG_COLLECTOR | FLAG_DURESS | FLAG_HAS_DURESS) != 0 {
            return Err("unknown keyring flags");
        }
        Ok(Keyring {
            vault_id,
            collector,
            duress: flags & FLAG_DURESS != 0,
            has_duress: flags & FLAG_HAS_DURESS != 0,
            identity,
            signing_seed,
            signing_public,
            catalog_key,
            audit_key,
            pseudonym_key,
            content_recipients,
            identity_recipients,
        })
    }
}

fn put_bytes(b: &mut Vec<u8>, s: &[u8]) {
    b.extend_from_slice(&(s.len() as u16).to_be_bytes());
    b.extend_from_slice(s);
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], &'static str> {
        let end = self.pos.checked_add(n).ok_or("length")?;
        let s = self.b.get(self.pos..end).ok_or("truncated")?;
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], &'static str> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }
    fn bytes(&mut self) -> std::result::Result<&'a [u8], &'static str> {
        let n = u16::from_be_bytes(self.array()?) as usize;
        self.take(n)
    }
}

/// Parses a slot's plaintext as a keyring (for the fuzz target: the parser of decrypted
/// slots, without scrypt in the way). True if it is a well-formed keyring.
pub fn parses_as_keyring(plaintext: &[u8]) -> bool {
    Keyring::decode(plaintext).is_ok()
}
