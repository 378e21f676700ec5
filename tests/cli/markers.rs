//! Requirement 1: nothing readable on disk.
use std::fs;

use crate::util::*;

const MARKERS: &[&str] = &[
    "MKTITLE7Q",
    "MKTAG3Z",
    "MKPLACE9X",
    "MKNOTE4W",
    "MKWITNESS5V",
    "MKINTERVIEWER2U",
    "MKTESTIMONY8T",
    "MKATTNAME6S",
    "MKATTBODY1R",
    "MKBIGNAME0P",
    "MKBIGBODY3N",
    "MKINGEST4M",
    "МАРКЕРҚАЗАҚ",
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_marker_reaches_any_file_in_the_vault_the_keyring_or_tmp() {
    let mut env = Env::bare();
    let media = env.root().join("media");
    fs::create_dir(&media).unwrap();
    env.keyring = Some(media.join("keyring"));
    env.ok(&["init", "--kdf-work-factor", "10"]);

    let testimony = env.input(
        "t.txt",
        "The testimony MKTESTIMONY8T and МАРКЕРҚАЗАҚ in Kazakh",
    );
    let small = env.input("MKATTNAME6S.jpg", "small scan MKATTBODY1R");
    let mut big = b"MKBIGBODY3N".repeat(20_000);
    big.extend_from_slice(&vec![0u8; 1_000_000]);
    let big = env.input("MKBIGNAME0P.tiff", &big);
    let id = env.add(&[
        "--title",
        "MKTITLE7Q",
        "--tag",
        "MKTAG3Z",
        "--place",
        "MKPLACE9X",
        "--note",
        "MKNOTE4W",
        "--witness",
        "MKWITNESS5V",
        "--interviewer",
        "MKINTERVIEWER2U",
        "--testimony",
        testimony.to_str().unwrap(),
        small.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    let jsonl = env.input(
        "b.jsonl",
        "{\"title\": \"MKINGEST4M\", \"tags\": [\"MKTAG3Z\"], \"testimony\": \"t.txt\"}\n",
    );
    env.ok(&["ingest", jsonl.to_str().unwrap()]);
    // Reading does not leave plaintext behind either.
    env.ok(&["list"]);
    env.ok(&["search", "mktestimony8t"]);
    env.ok(&["show", &id]);
    env.ok(&["get", &id, "MKBIGNAME0P.tiff", "-o", "-"]);
    env.ok(&["check"]);

    let mut files = files_below(&env.vault);
    files.extend(files_below(&media));
    files.extend(files_below(&env.root().join("tmp")));
    assert!(files.len() >= 5, "{files:?}");
    for f in &files {
        let bytes = fs::read(f).unwrap();
        for m in MARKERS {
            assert!(
                !contains(&bytes, m.as_bytes()),
                "marker {m} found in {}",
                f.display()
            );
            assert!(
                !f.to_string_lossy().contains(m),
                "marker {m} in file name {}",
                f.display()
            );
        }
    }
}

#[test]
fn record_ids_are_random_not_ordered_by_time() {
    let env = Env::new();
    let ids: Vec<String> = (0..8)
        .map(|i| env.add(&["--title", &format!("r{i}")]))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    // Eight random ids come out in order with probability 1/40320.
    assert_ne!(ids, sorted, "ids must not follow the order of creation");
    let firsts: std::collections::HashSet<&str> = ids.iter().map(|i| &i[..4]).collect();
    assert!(firsts.len() > 1);
}
