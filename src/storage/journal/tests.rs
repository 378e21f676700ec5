//! Frames, torn tails, damage and snapshots of the journal.
use super::*;

fn ops(n: u8) -> Ops {
    let mut o = Ops::new();
    o.insert(TreeId::Records, [n; 16], vec![n; 100]);
    o.insert(TreeId::Pending, [n; 16], vec![]);
    o.remove(TreeId::Search, [n; 18]);
    o
}

#[test]
fn ops_round_trip_with_pending_marks() {
    let o = ops(7);
    let back = decode_ops(&encode_ops(&o.0)).unwrap();
    assert_eq!(back, o.0);
    assert_eq!(o.encoded_len(), encode_ops(&o.0).len());
    assert!(decode_ops(&[9, 0, 0, 0]).is_none());
    assert!(decode_ops(&[11, 1, 0, 0]).is_none());
    assert!(decode_ops(&[1, 0, 0, 5, 1]).is_none());
}

#[test]
fn state_round_trips() {
    let s = State {
        jid: [3; 16],
        seq: 9,
        at: 12345,
    };
    assert_eq!(State::decode(&s.encode()), Some(s));
    assert_eq!(State::decode(&[0; 31]), None);
}

/// The journal file at `path`, to read and write.
fn open_rw(path: &std::path::Path) -> File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap()
}

/// A journal of `n` frames after frame 0, frame `i` holding `ops_of(i)`, confirmed
/// when `confirmed(i)`.
fn journal_of(
    key: &SymmetricKey,
    n: u32,
    ops_of: impl Fn(u32) -> Ops,
    confirmed: impl Fn(u32) -> bool,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE);
    let mut f = File::create(&path).unwrap();
    let state = write_snapshot(&mut f, key, &[1; 16], std::iter::empty()).unwrap();
    drop(f);
    let f = open_rw(&path);
    let len = f.metadata().unwrap().len();
    let mut j = Journal::new(f, state, len);
    for i in 1..=n {
        let s = j.append(key, &ops_of(i).0).unwrap();
        j.committed(s);
        if confirmed(i) {
            j.confirm(s.seq).unwrap();
        }
    }
    (dir, path)
}

fn journal_with_frames(key: &SymmetricKey, n: u8) -> (tempfile::TempDir, std::path::PathBuf) {
    journal_of(key, n.into(), |i| ops(i as u8), |_| true)
}

fn replay(path: &std::path::Path, key: &SymmetricKey) -> (Reading, Vec<Op>) {
    let mut all = Vec::new();
    let r = read_all(&mut File::open(path).unwrap(), key, &mut |o| {
        all.extend(o);
        Ok(())
    })
    .unwrap();
    (r, all)
}

#[test]
fn frames_replay_in_order() {
    let key = SymmetricKey::random();
    let (_d, path) = journal_with_frames(&key, 3);
    let (r, all) = replay(&path, &key);
    assert!(r.damage.is_empty(), "{:?}", r.damage);
    assert_eq!(r.vault_id, Some([1; 16]));
    assert_eq!((r.frames, r.last), (4, 3));
    assert_eq!(all.len(), 9);
    assert_eq!(all[6].key, vec![3; 16]);
    // Another key opens nothing.
    let (r, all) = replay(&path, &SymmetricKey::random());
    assert!(all.is_empty() && !r.damage.is_empty());
}

#[test]
fn a_damaged_frame_costs_only_itself() {
    let key = SymmetricKey::random();
    let (_d, path) = journal_with_frames(&key, 3);
    let mut bytes = std::fs::read(&path).unwrap();
    // Frame 2's sealed body sits in the middle of the file: find it by its magic.
    let starts: Vec<usize> = memchr::memmem::find_iter(&bytes, FRAME_MAGIC).collect();
    assert_eq!(starts.len(), 4);
    bytes[starts[2] + 40] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    let (r, all) = replay(&path, &key);
    assert_eq!(r.damage.len(), 1, "{:?}", r.damage);
    assert!(
        r.damage[0].to_string().contains("frame 2 lost"),
        "{:?}",
        r.damage
    );
    assert_eq!(r.last, 3);
    let keys: Vec<u8> = all.iter().map(|o| o.key[0]).collect();
    assert_eq!(keys, vec![1, 1, 1, 3, 3, 3]);
    // A damaged length field too.
    bytes[starts[2] + 13] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let (_, all) = replay(&path, &key);
    assert_eq!(all.len(), 6);
}

#[test]
fn many_frames_past_the_read_ahead_replay_and_resync() {
    let key = SymmetricKey::random();
    // 400 frames of about 4 KiB: 1.6 MB, many read-ahead steps; every other confirmed.
    let (_dir, path) = journal_of(
        &key,
        400,
        |i| {
            let mut o = Ops::new();
            o.insert(TreeId::Records, i.to_be_bytes(), vec![i as u8; 4000]);
            o
        },
        |i| i % 2 == 0,
    );
    let mut bytes = std::fs::read(&path).unwrap();
    let starts: Vec<usize> = memchr::memmem::find_iter(&bytes, FRAME_MAGIC).collect();
    bytes[starts[260] + 100] ^= 4;
    std::fs::write(&path, &bytes).unwrap();
    let (r, all) = replay(&path, &key);
    assert_eq!(r.damage.len(), 1, "{:?}", r.damage);
    assert!(
        r.damage[0].to_string().contains("frame 260 lost"),
        "{:?}",
        r.damage
    );
    assert_eq!(all.len(), 399);
    assert_eq!(r.last, 400);
    assert!(all.iter().all(|o| o.key != 260u32.to_be_bytes()));
}

/// Cuts the confirmation off the end of a journal file; returns it open.
fn without_last_confirmation(path: &std::path::Path) -> File {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len - CONFIRM_LEN).unwrap();
    f
}

/// Offsets of the frames in a journal file (frame 0 first).
fn frame_starts(path: &std::path::Path) -> Vec<u64> {
    memchr::memmem::find_iter(&std::fs::read(path).unwrap(), FRAME_MAGIC)
        .map(|i| i as u64)
        .collect()
}

#[test]
fn inspection_tells_unconfirmed_from_lost() {
    let key = SymmetricKey::random();
    let (_d, path) = journal_with_frames(&key, 2);
    let f = File::open(&path).unwrap();
    let len = f.metadata().unwrap().len();
    let starts = frame_starts(&path);
    let jid = file_id(&f).unwrap();
    // Sled at frame 2: matches.
    let at2 = State {
        jid,
        seq: 2,
        at: starts[2],
    };
    assert!(
        matches!(inspect(Some(&f), Some(at2), None), Inspection::Matches { end, .. } if end == len)
    );
    // Sled at frame 1 while frame 2 is confirmed: the database lost it.
    let at1 = State {
        jid,
        seq: 1,
        at: starts[1],
    };
    assert!(matches!(
        inspect(Some(&f), Some(at1), None),
        Inspection::DatabaseBehind {
            database: 1,
            journal: 2
        }
    ));
    // Without frame 2's confirmation, frame 2 is an unfinished transaction.
    let f = without_last_confirmation(&path);
    match inspect(Some(&f), Some(at1), None) {
        Inspection::Matches { end, .. } => assert_eq!(end, starts[2]),
        _ => panic!("an unconfirmed frame is cut off, not a lost write"),
    }
    // Another journal id: rewrite.
    let other = State {
        jid: [0; 16],
        ..at2
    };
    assert!(matches!(
        inspect(Some(&f), Some(other), None),
        Inspection::Rewrite(_)
    ));
    assert!(matches!(
        inspect(None, Some(at2), None),
        Inspection::Rewrite(_)
    ));
}

#[test]
fn one_confirmation_vouches_for_a_whole_batch_of_frames() {
    // An ingest: frames 1 to 4 committed, one sync at the end confirms frame 4 only.
    let key = SymmetricKey::random();
    let (_d, path) = journal_of(&key, 4, |i| ops(i as u8), |i| i == 4);
    let f = File::open(&path).unwrap();
    let len = f.metadata().unwrap().len();
    let starts = frame_starts(&path);
    let at = |seq: u64| State {
        jid: file_id(&f).unwrap(),
        seq,
        at: starts[seq as usize],
    };
    // A database back at frame 1 or 3 lost frames that frame 4's confirmation vouches for.
    for seq in [1, 3] {
        assert!(
            matches!(
                inspect(Some(&f), Some(at(seq)), None),
                Inspection::DatabaseBehind { database, journal: 4 } if database == seq
            ),
            "database at frame {seq}"
        );
    }
    assert!(
        matches!(inspect(Some(&f), Some(at(4)), None), Inspection::Matches { end, .. } if end == len)
    );
    // Without the confirmation, frames 2 to 4 are an ingest that never finished.
    let f = without_last_confirmation(&path);
    assert!(matches!(
        inspect(Some(&f), Some(at(1)), None),
        Inspection::Matches { end, .. } if end == starts[2]
    ));
}

#[test]
fn ops_are_cut_into_chunks_of_about_the_limit() {
    let mut o = Ops::new();
    for n in 0..10u8 {
        o.insert(TreeId::Records, [n; 16], vec![n; 1000]);
    }
    let chunks = o.chunks(2500);
    assert_eq!(chunks.len(), 5);
    assert!(chunks.iter().all(|c| c.len() == 2));
    assert_eq!(chunks.concat(), o.0);
    // One write larger than the limit is a chunk of its own.
    assert_eq!(o.chunks(10).len(), 10);
    assert_eq!(o.chunks(1 << 20).len(), 1);
}

/// A journal of frame 0, a single frame 1, then a group of three frames (2, 3, 4) with
/// `extra` bytes after it. Returns the file, its path's dir, and the group's frames.
fn journal_with_group(
    key: &SymmetricKey,
    extra: &[u8],
) -> (tempfile::TempDir, File, Vec<(State, u64)>) {
    let (dir, path) = journal_of(key, 1, |i| ops(i as u8), |_| true);
    let f = open_rw(&path);
    let len = f.metadata().unwrap().len();
    let one = State {
        jid: file_id(&f).unwrap(),
        seq: 1,
        at: len - CONFIRM_LEN - frame(key, &[0; 16], 1, &encode_ops(&ops(1).0)).len() as u64,
    };
    let mut j = Journal::new(f.try_clone().unwrap(), one, len);
    let all = ops(9);
    let chunks: Vec<&[Op]> = all.0.iter().map(std::slice::from_ref).collect();
    let mut frames: Vec<(State, u64)> = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let after = frames.last().copied();
        frames.push(
            j.append_grouped(key, c, i + 1 == chunks.len(), after)
                .unwrap(),
        );
    }
    j.sync_group().unwrap();
    let end = frames.last().unwrap().1;
    f.write_all_at(extra, end).unwrap();
    (dir, f, frames)
}

#[test]
fn a_database_inside_a_group_finishes_it_and_is_never_rewritten_from() {
    let key = SymmetricKey::random();
    let (_d, f, frames) = journal_with_group(&key, &[]);
    let (first, second, last) = (frames[0].0, frames[1].0, frames[2].0);
    // Inside the group after its second frame: all three are committed again.
    match inspect(Some(&f), Some(second), Some(first)) {
        Inspection::Matches { state, roll, .. } => {
            assert_eq!(state, second);
            assert_eq!(roll, frames);
        }
        _ => panic!("not matched"),
    }
    // The database names a group's frame without the group's mark: not what a writer
    // leaves.
    assert!(matches!(
        inspect(Some(&f), Some(second), None),
        Inspection::GroupUnfinished { database: 3 }
    ));
    // After the group (its last frame committed, the mark gone): nothing to finish.
    assert!(matches!(
        inspect(Some(&f), Some(last), None),
        Inspection::Matches { ref roll, .. } if roll.is_empty()
    ));
    // Damage after the group, which would make a database outside one rewrite the journal,
    // is refused for one inside it.
    let (_d, f, frames) = journal_with_group(&key, b"garbage that is no frame");
    assert!(matches!(
        inspect(Some(&f), Some(frames[2].0), None),
        Inspection::Rewrite(_)
    ));
    assert!(matches!(
        inspect(Some(&f), Some(frames[1].0), Some(frames[0].0)),
        Inspection::GroupUnfinished { .. }
    ));
    // The group's last frame missing: refused.
    f.set_len(frames[1].1).unwrap();
    assert!(matches!(
        inspect(Some(&f), Some(frames[0].0), Some(frames[0].0)),
        Inspection::GroupUnfinished { .. }
    ));
}

#[test]
fn a_group_not_whole_in_the_journal_is_left_out_whole() {
    let f = |seq, grouped| read::FrameRead {
        seq,
        at: 0,
        grouped,
    };
    let set = |v: &[u64]| {
        v.iter()
            .copied()
            .collect::<std::collections::HashSet<u64>>()
    };
    // Whole groups and single frames: nothing left out.
    let whole = [
        f(1, false),
        f(2, true),
        f(3, true),
        f(4, false),
        f(5, false),
    ];
    assert!(broken_groups(&whole).is_empty());
    // A group whose last frame was never written (the journal ends in it).
    assert_eq!(
        broken_groups(&[f(1, false), f(2, true), f(3, true)]),
        set(&[2, 3])
    );
    // A damaged middle frame: the group's other frames, its last included, go too; the
    // single frame after it stays.
    let gap = [f(1, false), f(2, true), f(4, false), f(5, false)];
    assert_eq!(broken_groups(&gap), set(&[2, 4]));
    // The rest of a group after a gap is not a whole group either.
    let rest = [
        f(1, false),
        f(2, true),
        f(4, true),
        f(5, false),
        f(6, false),
    ];
    assert_eq!(broken_groups(&rest), set(&[2, 4, 5]));
    // A group whose first frame was lost.
    let first = [f(1, false), f(3, true), f(4, false), f(5, false)];
    assert_eq!(broken_groups(&first), set(&[3, 4]));
}
