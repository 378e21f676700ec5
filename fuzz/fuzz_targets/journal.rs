//! The journal reader: operation decoding, whole-file reading with resynchronisation after
//! damage, and the comparison with the database's state at open.
#![no_main]
use std::io::Write;

use amanat::crypto::symmetric::SymmetricKey;
use amanat::storage::journal::{self, State};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Operations as a frame body holds them.
    let _ = journal::decode_ops(data);

    let key = SymmetricKey::from_bytes([7; 32]);
    let jid = [9u8; 16];
    // A journal whose header is genuine and whose frames are the input; then one whose
    // frame 1 is genuinely sealed around the input, so that decoding runs inside read_all.
    let mut file = journal::FILE_MAGIC.to_vec();
    file.extend_from_slice(&jid);
    file.extend_from_slice(&journal::frame_for_tests(&key, &jid, 0, &[1; 16]));
    let mut raw = file.clone();
    raw.extend_from_slice(data);
    let _ = journal::read_all(&mut &raw[..], &key, &mut |_| Ok(()));
    file.extend_from_slice(&journal::frame_for_tests(&key, &jid, 1, data));
    let _ = journal::read_all(&mut &file[..], &key, &mut |_| Ok(()));
    // Groups (format 10): which frames a rebuild leaves out, from frames the input names.
    let frames: Vec<journal::FrameRead> = data
        .chunks(9)
        .map(|c| journal::FrameRead {
            seq: c.iter().take(8).fold(0u64, |a, &b| a << 8 | u64::from(b)),
            at: 0,
            grouped: c.get(8).is_some_and(|b| b & 1 == 1),
        })
        .collect();
    let _ = journal::broken_groups(&frames);

    // What opening makes of the input as a journal file, against a state read from it, and
    // a group's first frame read after it.
    let state = data.get(..32).and_then(State::decode);
    let group = data.get(32..64).and_then(State::decode);
    let path = std::env::temp_dir().join(format!("amanat-fuzz-journal-{}", std::process::id()));
    if let Ok(mut f) = std::fs::File::create(&path) {
        if f.write_all(&raw).is_ok() {
            if let Ok(f) = std::fs::File::open(&path) {
                let _ = journal::inspect(Some(&f), state, group);
                let _ = journal::vault_of(&f, &key);
            }
        }
    }
});
