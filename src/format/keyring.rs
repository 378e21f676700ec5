//! The keyring: every secret of a vault, sealed with the passphrase (FORMAT.md, "Keyring").
//!
//! The keyring lives outside sled (sled is log-structured, so overwritten values leave old
//! bytes behind) and may live on removable media. The file always holds two slots of equal
//! size, each an age scrypt message: one opens with the passphrase, the other is filler
//! sealed under a random passphrase, so the file does not tell whether a second passphrase
//! exists. Unlocking always tries both slots, so it takes the same time whichever opens.
use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use crate::crypto::random_bytes;
use crate::crypto::symmetric::SymmetricKey;
use crate::error::{Error, Result};

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
            return Err(Error::Invalid("the passphrase is empty".into()));
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
    /// Binds the keyring to its database (FORMAT.md, "Vault identity").
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
                return Err(Error::Invalid(
                    "a collector needs at least one --recipient (headquarters' key)".into(),
                ));
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

    /// Encodes the padded plaintext (FORMAT.md, "Keyring plaintext").
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
            return Err(Error::Invalid(
                "too many recipients to fit in the keyring".into(),
            ));
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

    /// A second copy of this keyring (for re-sealing a changed one).
    pub(crate) fn duplicate(&self) -> Result<Keyring> {
        Keyring::decode(&self.encode()?)
            .map_err(|_| Error::Invalid("the keyring does not re-encode".into()))
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
#[doc(hidden)]
pub fn parses_as_keyring(plaintext: &[u8]) -> bool {
    Keyring::decode(plaintext).is_ok()
}

/// How long opening one slot should take on this machine. Both slots are opened at once
/// on two threads, so an unlock takes about this long, while a guesser pays for both.
const SLOT_TARGET: std::time::Duration = std::time::Duration::from_millis(900);

/// The scrypt work factor (log2 N) whose cost on this machine is closest to, without
/// exceeding, [`SLOT_TARGET`] (at least 16). Measured at 2^15 and extrapolated linearly.
pub fn calibrate_work_factor() -> u8 {
    let params = scrypt::Params::new(15, 8, 1, 32).expect("valid scrypt parameters");
    let mut out = [0u8; 32];
    let start = std::time::Instant::now();
    let _ = scrypt::scrypt(b"calibration", b"amanat", &params, &mut out);
    let mut cost = start.elapsed().max(std::time::Duration::from_micros(1));
    let mut log_n = 15u8;
    while cost * 2 <= SLOT_TARGET && log_n < MAX_WORK_FACTOR {
        cost *= 2;
        log_n += 1;
    }
    log_n.max(16)
}

/// An age scrypt message of `plaintext` under `pass`.
fn seal_message(plaintext: &[u8], pass: SecretString, work_factor: u8) -> Result<Vec<u8>> {
    let mut r = age::scrypt::Recipient::new(pass);
    r.set_work_factor(work_factor);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(|e| Error::Invalid(format!("cannot seal the keyring: {e}")))?;
    let mut msg = Vec::with_capacity(SLOT_LEN);
    let mut w = enc
        .wrap_output(&mut msg)
        .map_err(|e| Error::io("sealing keyring", e))?;
    w.write_all(plaintext)
        .map_err(|e| Error::io("sealing keyring", e))?;
    w.finish().map_err(|e| Error::io("sealing keyring", e))?;
    Ok(msg)
}

/// Frames a message as a slot: `u32be(len) || message || random padding` to [`SLOT_LEN`].
fn frame(msg: &[u8]) -> Result<Vec<u8>> {
    if msg.len() + 4 > SLOT_LEN {
        return Err(Error::Invalid("keyring slot overflow".into()));
    }
    let mut slot = Vec::with_capacity(SLOT_LEN);
    slot.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    slot.extend_from_slice(msg);
    let pad: [u8; SLOT_LEN] = random_bytes();
    slot.extend_from_slice(&pad[..SLOT_LEN - slot.len()]);
    Ok(slot)
}

/// Seals one slot (FORMAT.md, "Keyring").
fn seal_slot(plaintext: &[u8], pass: SecretString, work_factor: u8) -> Result<Vec<u8>> {
    frame(&seal_message(plaintext, pass, work_factor)?)
}

/// A filler slot: random plaintext under a random 256-bit passphrase, sealed at work factor 1
/// and then labelled with `work_factor`. Without a passphrase that opens it, nothing tells it
/// from a real slot (salt, wrapped key, MAC and payload are all indistinguishable from random,
/// and trying a passphrase costs the labelled work); and no passphrase opens it. So a filler
/// costs no scrypt work, and can be made at any moment, such as when a duress unlock must
/// take no longer than a normal one.
fn filler_slot(work_factor: u8) -> Result<Vec<u8>> {
    let plain: Zeroizing<[u8; PLAINTEXT_LEN]> = Zeroizing::new(random_bytes());
    let pass = SecretString::from(hex::encode(random_bytes::<32>()));
    let msg = seal_message(&plain[..], pass, 1)?;
    let start = find(&msg, b"\n-> scrypt ").ok_or_else(|| Error::Invalid("age header".into()))? + 1;
    let end = start
        + msg[start..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| Error::Invalid("age header".into()))?;
    let line =
        std::str::from_utf8(&msg[start..end]).map_err(|_| Error::Invalid("age header".into()))?;
    let (head, _) = line
        .rsplit_once(' ')
        .ok_or_else(|| Error::Invalid("age header".into()))?;
    let mut out = Vec::with_capacity(msg.len() + 2);
    out.extend_from_slice(&msg[..start]);
    out.extend_from_slice(format!("{head} {work_factor}").as_bytes());
    out.extend_from_slice(&msg[end..]);
    frame(&out)
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Whether `file` is a whole keyring file: its length, and an scrypt message in each slot
/// (a filler slot is one too). Needs no passphrase; says nothing of whether one opens it.
pub fn is_keyring_file(file: &[u8]) -> bool {
    file.len() == FILE_LEN && (0..2).all(|slot| slot_work_factor(file, slot).is_some())
}

/// The scrypt work factor a slot's header names.
pub fn slot_work_factor(file: &[u8], slot: usize) -> Option<u8> {
    let s = file.get(slot * SLOT_LEN..(slot + 1) * SLOT_LEN)?;
    let len = u32::from_be_bytes(s[..4].try_into().ok()?) as usize;
    let msg = s.get(4..4 + len)?;
    let start = find(msg, b"\n-> scrypt ")? + 1;
    let end = start + msg[start..].iter().position(|&b| b == b'\n')?;
    std::str::from_utf8(&msg[start..end])
        .ok()?
        .rsplit_once(' ')?
        .1
        .parse()
        .ok()
}

fn check_work_factor(work_factor: Option<u8>) -> Result<u8> {
    match work_factor {
        Some(w) if (1..=MAX_WORK_FACTOR).contains(&w) => Ok(w),
        Some(_) => Err(Error::Invalid(format!(
            "--kdf-work-factor must be between 1 and {MAX_WORK_FACTOR}"
        ))),
        None => Ok(calibrate_work_factor()),
    }
}

/// Builds a whole keyring file with `keyring` in a random one of the two slots. Without a
/// work factor, calibrates one ([`calibrate_work_factor`]).
pub fn seal_file(keyring: &Keyring, pass: &Passphrase, work_factor: Option<u8>) -> Result<Vec<u8>> {
    seal_file_slot(keyring, pass, work_factor).map(|(f, _)| f)
}

/// As [`seal_file`], also saying which slot holds the keyring.
pub fn seal_file_slot(
    keyring: &Keyring,
    pass: &Passphrase,
    work_factor: Option<u8>,
) -> Result<(Vec<u8>, usize)> {
    let work_factor = check_work_factor(work_factor)?;
    let real = seal_slot(&keyring.encode()?, pass.secret(), work_factor)?;
    let slot = (random_bytes::<1>()[0] & 1) as usize;
    Ok((with_slots(slot, &real, &filler_slot(work_factor)?), slot))
}

/// The file with `slot` replaced by `new_slot` and the other slot as given.
fn with_slots(slot: usize, new_slot: &[u8], other: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(FILE_LEN);
    if slot == 0 {
        file.extend_from_slice(new_slot);
        file.extend_from_slice(other);
    } else {
        file.extend_from_slice(other);
        file.extend_from_slice(new_slot);
    }
    file
}

/// What [`reseal_file`] made.
pub struct Resealed {
    /// The new keyring file.
    pub file: Vec<u8>,
    /// Whether a duress slot was given up (a new work factor was asked for).
    pub duress_dropped: bool,
}

/// Re-seals the keyring in `slot` of `file` under `pass` (`passwd`, `rotate`).
///
/// The other slot is kept byte for byte, whether it is a duress slot or a filler, and the
/// work factor is kept: so an examiner who images the keyring before and after sees one slot
/// change either way, and cannot tell whether a duress passphrase exists. A different
/// `work_factor` changes both slots, again either way: the other slot becomes a fresh
/// filler, so a duress slot is given up (the result says so; the real slot no longer
/// records one).
pub fn reseal_file(
    file: &[u8],
    slot: usize,
    keyring: &Keyring,
    pass: &Passphrase,
    work_factor: Option<u8>,
) -> Result<Resealed> {
    let other_slot = 1 - slot;
    let other = &file[other_slot * SLOT_LEN..(other_slot + 1) * SLOT_LEN];
    let current = slot_work_factor(file, slot)
        .ok_or_else(|| Error::Invalid("the keyring's header is damaged".into()))?;
    let wf = match work_factor {
        None => current,
        Some(w) => check_work_factor(Some(w))?,
    };
    if wf == current {
        // Both slots would then open with one passphrase, and an unlock takes the first that
        // opens: the decoy, which destroys the vault, if it is in slot 0.
        if keyring.has_duress && matches!(open_slot(other, pass), SlotResult::Opened(_)) {
            return Err(Error::Invalid(
                "the new passphrase is the duress passphrase: choose another; nothing was changed"
                    .into(),
            ));
        }
        let real = seal_slot(&keyring.encode()?, pass.secret(), wf)?;
        return Ok(Resealed {
            file: with_slots(slot, &real, other),
            duress_dropped: false,
        });
    }
    let mut k = keyring.duplicate()?;
    let duress_dropped = std::mem::take(&mut k.has_duress);
    let real = seal_slot(&k.encode()?, pass.secret(), wf)?;
    Ok(Resealed {
        file: with_slots(slot, &real, &filler_slot(wf)?),
        duress_dropped,
    })
}

/// The file with `real` re-sealed in `slot` under `pass` (now marked as having a duress
/// slot) and `decoy` sealed in the other slot under `duress_pass`, both at the real slot's
/// work factor, so the two look alike.
pub fn with_duress(
    file: &[u8],
    slot: usize,
    real: &Keyring,
    pass: &Passphrase,
    decoy: &Keyring,
    duress_pass: &Passphrase,
) -> Result<Vec<u8>> {
    let wf = slot_work_factor(file, slot)
        .ok_or_else(|| Error::Invalid("the keyring's header is damaged".into()))?;
    let (a, b) = (real.encode()?, decoy.encode()?);
    let (r, d) = std::thread::scope(|s| {
        let d = s.spawn(|| seal_slot(&b, duress_pass.secret(), wf));
        (
            seal_slot(&a, pass.secret(), wf),
            d.join().expect("sealing does not panic"),
        )
    });
    Ok(with_slots(slot, &r?, &d?))
}

/// The file with every slot but the decoy's replaced by a filler: what a duress unlock
/// leaves.
pub fn only_decoy(file: &[u8], decoy_slot: usize) -> Result<Vec<u8>> {
    let wf = slot_work_factor(file, decoy_slot)
        .ok_or_else(|| Error::Invalid("the keyring's header is damaged".into()))?;
    let decoy = &file[decoy_slot * SLOT_LEN..(decoy_slot + 1) * SLOT_LEN];
    Ok(with_slots(decoy_slot, decoy, &filler_slot(wf)?))
}

enum SlotResult {
    Opened(Box<Keyring>),
    Wrong,
    Excessive { required: u8, limit: u8 },
    Damaged,
}

fn open_slot(slot: &[u8], pass: &Passphrase) -> SlotResult {
    let len = u32::from_be_bytes(slot[..4].try_into().expect("4 bytes")) as usize;
    let Some(msg) = slot.get(4..4 + len) else {
        return SlotResult::Damaged;
    };
    let dec = match age::Decryptor::new_buffered(msg) {
        Ok(d) if d.is_scrypt() => d,
        _ => return SlotResult::Damaged,
    };
    let id = age::scrypt::Identity::new(pass.secret());
    let mut reader = match dec.decrypt(std::iter::once(&id as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::DecryptionFailed) => return SlotResult::Wrong,
        Err(age::DecryptError::ExcessiveWork { required, target }) => {
            return SlotResult::Excessive {
                required,
                limit: target.saturating_add(4),
            }
        }
        Err(_) => return SlotResult::Damaged,
    };
    let mut plain = Zeroizing::new(Vec::with_capacity(PLAINTEXT_LEN));
    if reader.read_to_end(&mut plain).is_err() || plain.len() != PLAINTEXT_LEN {
        return SlotResult::Damaged;
    }
    match Keyring::decode(&plain) {
        Ok(k) => SlotResult::Opened(Box::new(k)),
        Err(_) => SlotResult::Damaged,
    }
}

/// A keyring opened from a file, and which slot opened.
pub struct Opened {
    pub keyring: Keyring,
    pub slot: usize,
}

/// Opens a keyring file's bytes with the passphrase, trying both slots.
pub fn open_file(bytes: &[u8], pass: &Passphrase, path: &Path) -> Result<Keyring> {
    open_slots(bytes, pass, path).map(|o| o.keyring)
}

/// As [`open_file`], also saying which slot opened.
pub fn open_slots(bytes: &[u8], pass: &Passphrase, path: &Path) -> Result<Opened> {
    if bytes.len() != FILE_LEN {
        return Err(Error::KeyringDamaged(path.to_owned()));
    }
    // Both slots are always tried, at once, so the time taken does not say which opened.
    let results = std::thread::scope(|s| {
        let second = s.spawn(|| open_slot(&bytes[SLOT_LEN..], pass));
        let first = open_slot(&bytes[..SLOT_LEN], pass);
        [first, second.join().expect("opening a slot does not panic")]
    });
    let mut damaged = 0;
    let mut excessive = None;
    let mut opened = None;
    for (slot, r) in results.into_iter().enumerate() {
        match r {
            SlotResult::Opened(k) => opened = opened.or(Some(Opened { keyring: *k, slot })),
            SlotResult::Wrong => {}
            SlotResult::Excessive { required, limit } => excessive = Some((required, limit)),
            SlotResult::Damaged => damaged += 1,
        }
    }
    if let Some(o) = opened {
        return Ok(o);
    }
    if let Some((required, limit)) = excessive {
        return Err(Error::ExcessiveWork { required, limit });
    }
    if damaged > 0 {
        // A slot that fails to parse before the passphrase is tried is damage, not a wrong
        // passphrase; but a damaged filler slot must not hide a wrong passphrase either.
        return Err(Error::KeyringDamaged(path.to_owned()));
    }
    Err(Error::WrongPassphrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.into()).unwrap()
    }

    #[test]
    fn file_round_trips_and_has_fixed_size() {
        let k = Keyring::generate(false, vec![], vec![]).unwrap();
        let f = seal_file(&k, &pass("correct horse"), Some(4)).unwrap();
        assert_eq!(f.len(), FILE_LEN);
        let k2 = open_file(&f, &pass("correct horse"), Path::new("k")).unwrap();
        assert_eq!(k2.vault_id, k.vault_id);
        assert_eq!(k2.signing_public, k.signing_public);
        assert_eq!(k2.content_recipients, k.content_recipients);
        assert_eq!(k2.own_recipient(), k.own_recipient());
        assert_eq!(k2.catalog_key.expose(), k.catalog_key.expose());
    }

    #[test]
    fn wrong_passphrase_is_reported_as_such() {
        let k = Keyring::generate(false, vec![], vec![]).unwrap();
        let f = seal_file(&k, &pass("a"), Some(4)).unwrap();
        assert!(matches!(
            open_file(&f, &pass("b"), Path::new("k")),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn truncated_or_flipped_file_is_damaged_not_a_panic() {
        let k = Keyring::generate(false, vec![], vec![]).unwrap();
        let f = seal_file(&k, &pass("a"), Some(4)).unwrap();
        assert!(matches!(
            open_file(&f[..100], &pass("a"), Path::new("k")),
            Err(Error::KeyringDamaged(_))
        ));
        for off in [0usize, 5, 40, 200, 300, SLOT_LEN + 10, FILE_LEN - 700] {
            let mut g = f.clone();
            g[off] ^= 0x40;
            match open_file(&g, &pass("a"), Path::new("k")) {
                Ok(k2) => assert_eq!(
                    k2.vault_id, k.vault_id,
                    "flip at {off} must not change content"
                ),
                Err(Error::KeyringDamaged(_)) | Err(Error::WrongPassphrase) => {}
                Err(e) => panic!("unexpected error at {off}: {e}"),
            }
        }
    }

    #[test]
    fn collector_has_no_identity() {
        let hq = age::x25519::Identity::generate().to_public().to_string();
        let k = Keyring::generate(true, vec![hq.clone()], vec![]).unwrap();
        assert!(k.identity().is_none());
        assert_eq!(k.content_recipients, vec![hq]);
        let f = seal_file(&k, &pass("a"), Some(4)).unwrap();
        assert!(open_file(&f, &pass("a"), Path::new("k")).unwrap().collector);
        assert!(Keyring::generate(true, vec![], vec![]).is_err());
    }

    #[test]
    fn absurd_work_factor_is_refused_not_hung() {
        let k = Keyring::generate(false, vec![], vec![]).unwrap();
        let mut f = seal_file(&k, &pass("a"), Some(10)).unwrap();
        // Claim 2^40 in both slots' scrypt stanzas ("10" -> "40", same length).
        for slot in 0..2 {
            let base = slot * SLOT_LEN + 4;
            let text = String::from_utf8_lossy(&f[base..base + 120]).into_owned();
            let pos = text.find(" 10\n").expect("log_n field");
            f[base + pos + 1] = b'4';
        }
        match open_file(&f, &pass("a"), Path::new("k")) {
            Err(Error::ExcessiveWork { required: 40, .. }) => {}
            Err(e) => panic!("expected ExcessiveWork, got {e}"),
            Ok(_) => panic!("expected ExcessiveWork, but it opened"),
        }
    }

    #[test]
    fn a_filler_looks_like_a_real_slot() {
        let k = Keyring::generate(false, vec![], vec![]).unwrap();
        let real = seal_slot(&k.encode().unwrap(), pass("a").secret(), 12).unwrap();
        let filler = filler_slot(12).unwrap();
        assert_eq!(real.len(), filler.len());
        let file = with_slots(0, &real, &filler);
        assert_eq!(slot_work_factor(&file, 0), Some(12));
        assert_eq!(slot_work_factor(&file, 1), Some(12));
        // Same message length, same header shape; and no passphrase opens the filler.
        assert_eq!(real[..4], filler[..4]);
        let lines = |s: &[u8]| {
            let len = u32::from_be_bytes(s[..4].try_into().unwrap()) as usize;
            let msg = &s[4..4 + len];
            let end = find(msg, b"\n--- ").unwrap();
            String::from_utf8(msg[..end].to_vec())
                .unwrap()
                .lines()
                .map(|l| l.len())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&real), lines(&filler));
        assert!(matches!(
            open_file(&file, &pass("b"), Path::new("k")),
            Err(Error::WrongPassphrase)
        ));
        assert!(open_file(&file, &pass("a"), Path::new("k")).is_ok());
    }

    #[test]
    fn passwd_keeps_a_duress_slot_and_duress_unlock_leaves_only_the_decoy() {
        let mut real = Keyring::generate(false, vec![], vec![]).unwrap();
        let file = seal_file(&real, &pass("real"), Some(8)).unwrap();
        let slot = open_slots(&file, &pass("real"), Path::new("k"))
            .unwrap()
            .slot;
        let mut decoy = Keyring::generate(false, vec![], vec![]).unwrap();
        decoy.vault_id = real.vault_id;
        decoy.duress = true;
        real.has_duress = true;
        let file = with_duress(&file, slot, &real, &pass("real"), &decoy, &pass("duress")).unwrap();
        assert!(
            open_file(&file, &pass("duress"), Path::new("k"))
                .unwrap()
                .duress
        );
        // The duress passphrase cannot become the real one: both slots would open with it.
        assert!(matches!(
            reseal_file(&file, slot, &real, &pass("duress"), None),
            Err(Error::Invalid(m)) if m.contains("is the duress passphrase")
        ));
        let file = reseal_file(&file, slot, &real, &pass("new"), None)
            .unwrap()
            .file;
        assert!(
            open_file(&file, &pass("duress"), Path::new("k"))
                .unwrap()
                .duress
        );
        assert!(
            open_file(&file, &pass("new"), Path::new("k"))
                .unwrap()
                .has_duress
        );
        assert!(open_file(&file, &pass("real"), Path::new("k")).is_err());
        let file = only_decoy(&file, 1 - slot).unwrap();
        assert!(matches!(
            open_file(&file, &pass("new"), Path::new("k")),
            Err(Error::WrongPassphrase)
        ));
        assert!(open_file(&file, &pass("duress"), Path::new("k")).is_ok());
    }

    /// Whether a type implements `Debug`, decided at compile time: the inherent method wins
    /// when `T: Debug`, the trait's default otherwise.
    struct Probe<T>(std::marker::PhantomData<T>);
    trait NoDebug {
        fn has_debug(&self) -> bool {
            false
        }
    }
    impl<T> NoDebug for Probe<T> {}
    impl<T: std::fmt::Debug> Probe<T> {
        fn has_debug(&self) -> bool {
            true
        }
    }

    #[test]
    fn secret_holding_types_have_no_debug_output() {
        use std::marker::PhantomData;
        assert!(Probe::<String>(PhantomData).has_debug(), "the probe works");
        assert!(!Probe::<Keyring>(PhantomData).has_debug());
        assert!(!Probe::<Passphrase>(PhantomData).has_debug());
        assert!(!Probe::<SymmetricKey>(PhantomData).has_debug());
        assert!(!Probe::<Opened>(PhantomData).has_debug());
    }
}
