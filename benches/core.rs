//! In-process figures (criterion): the per-record costs that bound ingest, list, search,
//! custody and bundles, without process start-up, the KDF or the disk.
//! Run with `cargo bench --bench core`; `benches/compare.sh` measures whole commands
//! against the `age` CLI.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use amanat::crypto::symmetric::Domain;
use amanat::format::keyring::Passphrase;
use amanat::{InitOptions, LockedVault, VaultPaths};

fn testimony(i: usize) -> String {
    let words = [
        "әке",
        "лагерь",
        "Үрімші",
        "шекара",
        "паспорт",
        "отец",
        "задержали",
        "граница",
        "camp",
        "detained",
        "border",
        "school",
        "teacher",
        "family",
        "乌鲁木齐",
        "拘留",
        "ئۈرۈمچى",
    ];
    (0..330)
        .map(|k| words[(i * 7 + k * k) % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn per_record(c: &mut Criterion) {
    let text = testimony(1);
    let recipient: amanat::crypto::seal::Recipients =
        amanat::crypto::seal::Recipients::parse_all(&[age::x25519::Identity::generate()
            .to_public()
            .to_string()])
        .unwrap();
    c.bench_function("seal a 2 KiB record body with age (one X25519)", |b| {
        b.iter(|| amanat::crypto::seal::seal_bytes(&recipient, text.as_bytes()).unwrap())
    });
    c.bench_function("search index words of a 2 KiB testimony", |b| {
        b.iter(|| amanat::format::text::index_words(&text))
    });
    let key = amanat::crypto::symmetric::SymmetricKey::random();
    let entry = vec![7u8; 400];
    c.bench_function(
        "seal a 400-byte catalog entry (HKDF + ChaCha20-Poly1305)",
        |b| b.iter(|| key.seal(Domain::Catalog, &[1u8; 16], &entry)),
    );
    let sealed = key.seal(Domain::Catalog, &[1u8; 16], &entry);
    c.bench_function("open a 400-byte catalog entry", |b| {
        b.iter(|| key.open(Domain::Catalog, &[1u8; 16], &sealed).unwrap())
    });
    let seed = zeroize::Zeroizing::new([3u8; 32]);
    let event = br#"{"amanat_custody":1,"kind":"record-added","time":"2026-11-29T00:00:00Z"}"#;
    let signer = amanat::crypto::sshsig::BatchSigner::new(&seed);
    c.bench_function("sign a custody event (Ed25519, key pair reused)", |b| {
        b.iter(|| signer.sign_raw(amanat::vault::custody::NAMESPACE, event))
    });
    let armored = amanat::crypto::sshsig::sign(&seed, amanat::vault::custody::NAMESPACE, event);
    c.bench_function("verify an armored custody signature", |b| {
        b.iter(|| {
            amanat::crypto::sshsig::verify(&armored, amanat::vault::custody::NAMESPACE, event)
                .unwrap()
        })
    });
}

fn vault_ops(c: &mut Criterion) {
    // A vault of 5,000 records, built once.
    let dir = tempfile::tempdir().unwrap();
    let pass = Passphrase::new("bench".into()).unwrap();
    let opts = InitOptions {
        work_factor: Some(1),
        ..Default::default()
    };
    let vault =
        LockedVault::init(VaultPaths::new(dir.path().join("v"), None), &pass, &opts).unwrap();
    let mut lines = String::new();
    for i in 0..5000 {
        let p = dir.path().join(format!("t{i}.txt"));
        std::fs::write(&p, testimony(i)).unwrap();
        lines.push_str(&format!(
            "{{\"title\":\"Testimony {i}\",\"tags\":[\"bench\"],\"testimony\":{:?}}}\n",
            p.to_str().unwrap()
        ));
    }
    amanat::vault::ingest::ingest(
        &vault,
        &lines,
        amanat::vault::ingest::Shape::JsonLines,
        dir.path(),
        false,
        &|_, _| {},
    )
    .unwrap();
    let mut g = c.benchmark_group("5,000-record vault");
    g.sample_size(10);
    g.bench_function("list (catalog scan)", |b| {
        b.iter(|| vault.list(&Default::default()).unwrap())
    });
    g.bench_function("search for a word no record has", |b| {
        b.iter(|| vault.search("nowhere-to-be-found").unwrap())
    });
    g.bench_function("verify the audit log (5,001 events)", |b| {
        b.iter(|| vault.verify_audit().unwrap())
    });
    let id = vault.list(&Default::default()).unwrap().items[0].id;
    g.bench_function("show one record with its custody history", |b| {
        b.iter_batched(
            || (),
            |_| (vault.show(id).unwrap(), vault.audit_log(Some(id)).unwrap()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, per_record, vault_ops);
criterion_main!(benches);
