//! Moving records between Amanat and HURIDOCS Uwazi (FORMAT.md 11.1): `export --csv`
//! carries the records' metadata as `import.csv` in the shape Uwazi imports, read by a
//! partner with stock tools; `ingest` reads the same shape, and Uwazi's variants of it.
use std::fs;
use std::process::Command;

use crate::case::{add_described, json, World};
use crate::forged::{hex_id, Receiver};
use crate::util::*;

/// Decrypts and unpacks a bundle with stock `age` and `tar` into `dir`, checks it with
/// `sha256sum -c`, and returns `import.csv`.
fn unpack(w: &World, bundle: &std::path::Path, dir: &std::path::Path) -> String {
    fs::create_dir_all(dir).unwrap();
    let key = dir.join("key.txt");
    fs::write(&key, w.test_key_text()).unwrap();
    let tar = dir.join("b.tar");
    let run = |c: &mut Command| {
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg("-o")
        .arg(&tar)
        .arg(bundle));
    run(Command::new("tar").arg("xzf").arg(&tar).arg("-C").arg(dir));
    run(Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(dir));
    fs::remove_file(&key).unwrap();
    fs::read_to_string(dir.join("import.csv")).unwrap()
}

/// The rows of a CSV as maps from column to cell.
fn table(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn a_partner_bundle_carries_its_records_as_a_csv_uwazi_imports() {
    let w = World::new();
    let id = add_described(&w.hq);
    let scan = w.hq.input("scan.jpg", b"\xff\xd8\xff\xd9");
    let formula = w.hq.add(&[
        "--title",
        "=HYPERLINK(\"http://x\")",
        "--tag",
        "camp",
        "--tag",
        "Ghulja",
        "--place",
        "Ghulja",
        "--date",
        "2019-05-01",
        scan.to_str().unwrap(),
        "--consent",
        "publish",
        "--consent-how",
        "written",
    ]);
    let b = w.export(&[&id, &formula, "--csv"]);
    let m = w.manifest(&b);
    assert_eq!(m["version"], 6);
    let dir = w.hq.root().join("unpacked");
    let text = unpack(&w, &b, &dir);
    assert!(text.starts_with(
        "title,date,place,tags,witness,language,interviewer,note,persons,relations,statuses,\
         verification,consent,case,testimony,attachments,amanat_id\r\n"
    ));
    for local in ["W-1", "V-7", "T-2"] {
        assert!(
            !text.contains(local),
            "the local code {local} is in the CSV"
        );
    }
    let rows = table(&text);
    assert_eq!(rows.len(), 2);
    let brother = rows.iter().find(|r| r["title"] == "Brother").unwrap();
    let rec = titled(&m, "Brother");
    let (witness, victim) = (
        rec["witness"].as_str().unwrap(),
        rec["case"]["persons"][0]["code"].as_str().unwrap(),
    );
    assert_eq!(brother["witness"], witness);
    assert_eq!(brother["persons"], format!("{victim}:victim"));
    assert_eq!(brother["relations"], format!("{witness}:sibling:{victim}"));
    assert_eq!(brother["statuses"], format!("{victim}:detained:2018-04"));
    assert_eq!(brother["consent"], "share");
    assert_eq!(brother["verification"], "");
    assert_eq!(json(&brother["case"]), rec["case"]);
    assert_eq!(brother["amanat_id"], rec["id"].as_str().unwrap());
    // Paths in the bundle, as a partner finds the files after `tar x`.
    assert!(dir.join(&brother["testimony"]).is_file());
    assert!(brother["attachments"].ends_with("/parts/en.txt"));
    let other = rows.iter().find(|r| r["amanat_id"] != rec["id"]).unwrap();
    // A spreadsheet reads a formula's cell as text.
    assert_eq!(other["title"], "'=HYPERLINK(\"http://x\")");
    assert_eq!(other["tags"], "camp|Ghulja");
    assert_eq!(other["date"], "2019-05-01");
    assert_eq!(other["testimony"], "");
    assert!(dir.join(&other["attachments"]).is_file());
    // The partner's Amanat checks the CSV against the manifest and imports the records.
    w.partner.ok(&["verify", b.to_str().unwrap()]);
    w.partner.ok(&["import", b.to_str().unwrap()]);
    assert_eq!(titles(&w.partner, &["list"]).len(), 2);
    // Identities never go into the CSV, even when the bundle carries them.
    let who = w.hq.input("who.txt", "MKNAMEINCSV");
    let t = w.hq.input("t9.txt", "text");
    let ident = w.hq.add(&[
        "--title",
        "With identity",
        "--testimony",
        t.to_str().unwrap(),
        "--identity",
        who.to_str().unwrap(),
        "--consent",
        "publish",
        "--consent-how",
        "written",
    ]);
    let b = w.export(&[&ident, "--csv", "--with-identities"]);
    let text = unpack(&w, &b, &w.hq.root().join("unpacked2"));
    assert!(
        !text.contains("parts/identity") && !text.contains("MKNAMEINCSV"),
        "{text}"
    );
    // A tag holding the separator would read back as two: refused, nothing written.
    let bad =
        w.hq.add(&["--title", "Pipe", "--tag", "a|b", scan.to_str().unwrap()]);
    let out = w.hq.out("pipe.amanat");
    let before = w.hq.state();
    let err = w.hq.fails(
        &[
            "export",
            "--to",
            "P",
            "-o",
            out.to_str().unwrap(),
            &bad,
            "--csv",
            "--override-consent",
            "test",
        ],
        2,
    );
    assert!(err.contains("\"a|b\""), "{err}");
    assert!(!out.exists());
    assert!(w.hq.state() == before);
    // A collector's transfer bundle has no CSV.
    let c = Env::bare();
    c.init_collector(&[&age::x25519::Identity::generate().to_public().to_string()]);
    let err = c.fails(&["export", "--all", "-o", "x.amanat", "--csv"], 2);
    assert!(err.contains("--csv"), "{err}");
}

#[test]
fn ingest_reads_the_csv_export_writes_and_uwazis_variants() {
    // Amanat to Amanat, by the CSV: what a record says and its files come back.
    let w = World::new();
    let t = w.hq.input("t.txt", "Testimony text about the camp.");
    let scan = w.hq.input("audio.ogg", b"OggS and some sound");
    let id = w.hq.add(&[
        "--title=-dash first",
        "--tag",
        "camp",
        "--tag",
        "2018",
        "--place",
        "Ghulja",
        "--date",
        "2019-05-01",
        "--language",
        "kk",
        "--note",
        "a note, with a comma and \"quotes\"",
        "--testimony",
        t.to_str().unwrap(),
        scan.to_str().unwrap(),
        "--consent",
        "publish",
        "--consent-how",
        "written",
    ]);
    let b = w.export(&[&id, "--csv"]);
    let dir = w.hq.root().join("unpacked");
    unpack(&w, &b, &dir);
    let fresh = Env::new();
    let csv = dir.join("import.csv");
    fresh.ok(&["ingest", csv.to_str().unwrap(), "--strict"]);
    let a = &json(&w.hq.ok(&["list", "--json"]))[0];
    let b = &json(&fresh.ok(&["list", "--json"]))[0];
    for field in ["title", "tags", "place", "date", "language", "note"] {
        assert_eq!(a[field], b[field], "{field}");
    }
    let sums = |env: &Env, id: &str| {
        let s = json(&env.ok(&["show", id, "--json"]));
        let mut v: Vec<String> = s["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["sha256"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        sums(&w.hq, a["id"].as_str().unwrap()),
        sums(&fresh, b["id"].as_str().unwrap())
    );

    // As a person writes it for Uwazi, or Uwazi exports it: capitals, semicolons, dates
    // with slashes, the model in compact forms.
    let env = Env::new();
    env.input("w1.txt", "Testimony of W-1.");
    let text = "Title;Date;Tags;Witness;Persons;Relations;Statuses;Testimony;Amanat Id\n\
                Sister;2019/05/01;camp|Ghulja;W-1;V-7:victim;W-1:sibling:V-7;V-7:detained:2018-04;w1.txt;\n\
                Bad person;;;;V-8:victimised;;;;\n\
                Untold;;;;;;;;\n";
    let file = env.input("uwazi.csv", text);
    let out = env.run(&["ingest", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "a line failed: exit 1");
    let report = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(report["added"], 2);
    assert_eq!(report["failed"][0]["line"], 3);
    let l = json(&env.ok(&["list", "--json", "--person", "V-7"]));
    assert_eq!(l[0]["title"], "Sister");
    assert_eq!(l[0]["date"], "2019-05-01");
    let show = env.ok(&["show", l[0]["id"].as_str().unwrap()]);
    assert!(show.contains("W-1 is the sibling of V-7"), "{show}");
    assert_eq!(titles(&env, &["list", "--status", "detained"]), ["Sister"]);
    assert_eq!(titles(&env, &["search", "Testimony"]), ["Sister"]);

    // What refuses the whole file, or a row, leaves the vault as it was.
    let before = env.state();
    let whole = [
        ("unknown.csv", "title,colour\nA,red\n", "colour"),
        ("twice.csv", "title,Title\nA,B\n", "twice"),
        ("notitle.csv", "place\nGhulja\n", "title"),
    ];
    for (name, text, says) in whole {
        let f = env.input(name, text);
        let err = env.fails(&["ingest", f.to_str().unwrap()], 2);
        assert!(err.contains(says), "{name}: {err}");
    }
    std::os::unix::fs::symlink("/etc/hostname", env.root().join("in/hostname-link")).unwrap();
    // A path that cannot be resolved counts as outside (resolving fails on a loop, or a
    // path too long, which opening might still follow).
    std::os::unix::fs::symlink("loop", env.root().join("in/loop")).unwrap();
    let rows = [
        ("verif.csv", "title,verification\nA,verified\n", "needs a case"),
        (
            "disagree.csv",
            "title,persons,case\nA,V-1:victim,\"{\"\"persons\"\":[{\"\"code\"\":\"\"V-2\"\",\"\"roles\"\":[\"\"victim\"\"]}]}\"\n",
            "say otherwise",
        ),
        ("shape.csv", "title,statuses\nA,V-1:detained\n", "not of the form"),
        ("fields.csv", "title,place\nA,B,C\n", "line 2"),
        ("pseudonym.csv", "title,witness\nA,P-ABCDEFGH12\n", "pseudonym"),
        ("up.csv", "title,attachments\nA,a.txt|../t.txt\n", "outside"),
        ("abs.csv", "title,testimony\nA,/etc/hostname\n", "outside"),
        ("link.csv", "title,testimony\nA,hostname-link\n", "outside"),
        ("loop.csv", "title,testimony\nA,loop\n", "outside"),
    ];
    for (name, text, says) in rows {
        let f = env.input(name, text);
        let err = env.fails(&["ingest", f.to_str().unwrap(), "--strict"], 2);
        assert!(err.contains(says), "{name}: {err}");
    }
    // A strict ingest checks every row as add would before it writes any: a bad case on
    // the last of 300 rows leaves nothing behind.
    let mut text = String::from("title,persons,relations\n");
    for i in 0..300 {
        text.push_str(&format!("Row {i},V-{i}:victim,\n"));
    }
    text.push_str("Bad,V-1:victim,V-1:sibling:V-2\n");
    let f = env.input("late.csv", text);
    let err = env.fails(&["ingest", f.to_str().unwrap(), "--strict"], 2);
    assert!(err.contains("line 302"), "{err}");
    assert!(env.state() == before, "a refused ingest changed the vault");
}

#[test]
fn a_forged_csv_must_say_what_the_manifest_says() {
    let r = Receiver::new();
    let m = &r.mallory;
    let bundle = hex_id();
    let id = hex_id();
    let p: &[crate::forged::PartIn<'_>] = &[("testimony", "t.txt", b"text")];
    let mut d = m.draft(&bundle, vec![m.record(&id, &bundle, "a title", p)]);
    d.files
        .push(("import.csv".into(), b"title\r\nanother title\r\n".to_vec()));
    r.refuses(
        &r.seal(&d, |v| v["version"] = serde_json::json!(5)),
        "import.csv does not say",
    );
    r.refuses(&r.seal(&d, |_| {}), "version 5");
    d.files.pop();
    r.refuses(
        &r.seal(&d, |v| v["version"] = serde_json::json!(5)),
        "version 5",
    );
}

/// Codes in a record's metadata (FORMAT.md 13.4): a code of another record of the vault is
/// replaced by its pseudonym too, and a code inside a longer word, which export does not
/// change, is named in a warning; neither the CSV nor the manifest holds a whole-word code.
#[test]
fn codes_in_metadata_go_out_as_pseudonyms_or_with_a_warning() {
    let w = World::new();
    let t = w.hq.input("t.txt", "text");
    let first_id = w.hq.add(&[
        "--title",
        "V-7_2018 photos; W-17s family",
        "--tag",
        "V-7_camp",
        "--witness",
        "W-17",
        "--person",
        "V-7:victim",
        "--testimony",
        t.to_str().unwrap(),
        "--consent",
        "publish",
        "--consent-how",
        "oral",
    ]);
    let second = w.hq.add(&[
        "--title",
        "Follow-up to V-7's detention (see w-17)",
        "--tag",
        "W–17",
        "--testimony",
        t.to_str().unwrap(),
        "--consent",
        "publish",
        "--consent-how",
        "oral",
        "--consent-by",
        "W-17x",
    ]);
    let out = w.hq.out("codes.amanat");
    let o = w.hq.run(&[
        "export",
        "--to",
        "P",
        "-o",
        out.to_str().unwrap(),
        &first_id,
        &second,
        "--csv",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = json(&String::from_utf8_lossy(&o.stdout));
    // Of the first record, a code of its own inside longer words; of the second, codes of
    // the first written with an en dash and inside a longer word.
    let mut fields: Vec<&str> = report["metadata_mentions_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[1].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["consent", "tags", "tags", "title"]);
    let m = w.manifest(&out);
    let second = titled(&m, "Follow-up");
    let first = titled(&m, "V-7_2018");
    let (witness, victim) = (
        first["witness"].as_str().unwrap(),
        first["case"]["persons"][0]["code"].as_str().unwrap(),
    );
    assert_eq!(
        second["title"],
        format!("Follow-up to {victim}'s detention (see {witness})")
    );
    // The human warning says the same.
    let out2 = w.hq.out("codes2.amanat");
    let o = w.hq.run(&[
        "export",
        "--to",
        "P",
        "-o",
        out2.to_str().unwrap(),
        &first_id,
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("title holds a code of its record inside a longer word"),
        "{err}"
    );
}

/// The record of a manifest whose title begins with `start`.
fn titled<'a>(m: &'a serde_json::Value, start: &str) -> &'a serde_json::Value {
    m["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"].as_str().unwrap().starts_with(start))
        .unwrap()
}
