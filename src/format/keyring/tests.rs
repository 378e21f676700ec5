//! Round trips, slots and damage of the keyring file.
use std::path::Path;

use super::slots::*;
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
        Err(Error::Invalid(m)) if m.id() == Some("d-keyring-new-is-duress")
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
