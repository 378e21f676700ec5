//! The keyring file: two slots of equal size, each an age scrypt message, one opening with
//! the passphrase and the other filler or a duress slot (FORMAT.md, "Keyring").
use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::*;
use crate::error::{Error, Refusal, Result};
use crate::words;

/// How long opening one slot should take on this machine. Both slots are opened at once
/// on two threads, so an unlock takes about this long, while a guesser pays for both.
const SLOT_TARGET: std::time::Duration = std::time::Duration::from_millis(900);

/// The scrypt work factor (log2 N) whose cost on this machine is closest to, without
/// exceeding, `SLOT_TARGET` (at least 16). Measured at 2^15 and extrapolated linearly.
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
pub(super) fn seal_message(
    plaintext: &[u8],
    pass: SecretString,
    work_factor: u8,
) -> Result<Vec<u8>> {
    let mut r = age::scrypt::Recipient::new(pass);
    r.set_work_factor(work_factor);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(|e| Error::Invalid(words!("d-keyring-cannot-seal", why = e.to_string())))?;
    let mut msg = Vec::with_capacity(SLOT_LEN);
    let mut w = enc
        .wrap_output(&mut msg)
        .map_err(|e| Error::io(words!("d-keyring-sealing"), e))?;
    w.write_all(plaintext)
        .map_err(|e| Error::io(words!("d-keyring-sealing"), e))?;
    w.finish()
        .map_err(|e| Error::io(words!("d-keyring-sealing"), e))?;
    Ok(msg)
}

/// Frames a message as a slot: `u32be(len) || message || random padding` to [`SLOT_LEN`].
pub(super) fn frame(msg: &[u8]) -> Result<Vec<u8>> {
    if msg.len() + 4 > SLOT_LEN {
        return Err(Error::Invalid(words!("d-keyring-slot-overflow")));
    }
    let mut slot = Vec::with_capacity(SLOT_LEN);
    slot.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    slot.extend_from_slice(msg);
    let pad: [u8; SLOT_LEN] = random_bytes();
    slot.extend_from_slice(&pad[..SLOT_LEN - slot.len()]);
    Ok(slot)
}

/// Seals one slot (FORMAT.md, "Keyring").
pub(super) fn seal_slot(plaintext: &[u8], pass: SecretString, work_factor: u8) -> Result<Vec<u8>> {
    frame(&seal_message(plaintext, pass, work_factor)?)
}

/// A filler slot: random plaintext under a random 256-bit passphrase, sealed at work factor 1
/// and then labelled with `work_factor`. Without a passphrase that opens it, nothing tells it
/// from a real slot (salt, wrapped key, MAC and payload are all indistinguishable from random,
/// and trying a passphrase costs the labelled work); and no passphrase opens it. So a filler
/// costs no scrypt work, and can be made at any moment, such as when a duress unlock must
/// take no longer than a normal one.
pub(super) fn filler_slot(work_factor: u8) -> Result<Vec<u8>> {
    let plain: Zeroizing<[u8; PLAINTEXT_LEN]> = Zeroizing::new(random_bytes());
    let pass = SecretString::from(hex::encode(random_bytes::<32>()));
    let msg = seal_message(&plain[..], pass, 1)?;
    let start = find(&msg, b"\n-> scrypt ")
        .ok_or_else(|| Error::Invalid(words!("d-keyring-age-header")))?
        + 1;
    let end = start
        + msg[start..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| Error::Invalid(words!("d-keyring-age-header")))?;
    let line = std::str::from_utf8(&msg[start..end])
        .map_err(|_| Error::Invalid(words!("d-keyring-age-header")))?;
    let (head, _) = line
        .rsplit_once(' ')
        .ok_or_else(|| Error::Invalid(words!("d-keyring-age-header")))?;
    let mut out = Vec::with_capacity(msg.len() + 2);
    out.extend_from_slice(&msg[..start]);
    out.extend_from_slice(format!("{head} {work_factor}").as_bytes());
    out.extend_from_slice(&msg[end..]);
    frame(&out)
}

pub(super) fn find(h: &[u8], n: &[u8]) -> Option<usize> {
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
        Some(_) => Err(Error::Refused(Refusal::WorkFactor {
            max: MAX_WORK_FACTOR,
        })),
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
pub(super) fn with_slots(slot: usize, new_slot: &[u8], other: &[u8]) -> Vec<u8> {
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
        .ok_or_else(|| Error::Invalid(words!("d-keyring-header-damaged")))?;
    let wf = match work_factor {
        None => current,
        Some(w) => check_work_factor(Some(w))?,
    };
    if wf == current {
        // Both slots would then open with one passphrase, and an unlock takes the first that
        // opens: the decoy, which destroys the vault, if it is in slot 0.
        if keyring.has_duress && matches!(open_slot(other, pass), SlotResult::Opened(_)) {
            return Err(Error::Invalid(words!("d-keyring-new-is-duress")));
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
        .ok_or_else(|| Error::Invalid(words!("d-keyring-header-damaged")))?;
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
        .ok_or_else(|| Error::Invalid(words!("d-keyring-header-damaged")))?;
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
