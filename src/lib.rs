//! Amanat: an encrypted vault for testimonies and document scans.
//!
//! The library owns every operation the `amanat` command line offers; the binary is a thin
//! layer that parses arguments, asks for the passphrase and prints results.
//!
//! Start at [`LockedVault`]: [`LockedVault::open`] a vault's [`VaultPaths`], then
//! [`LockedVault::unlock`] it with a [`Passphrase`] to get a [`Vault`], whose methods are
//! every operation: add, list, search, get, check, audit, contacts, rotate, export and
//! import. Errors are one [`Error`] type.
//!
//! The modules stack in layers; each uses only the layers below it (a test checks this):
//! - [`crypto`]: age sealing, SSHSIG signatures, the symmetric AEAD of database values,
//!   padding. No files, no database.
//! - [`format`](mod@format): pure encoding, decoding and validation of every byte written: ids, records,
//!   the catalog, the search index, the keyring plaintext, custody events, bundle manifests.
//! - [`storage`]: the only code that names sled or a vault's paths: the database, the
//!   journal every write goes through, object files, durable writes, values in pieces.
//! - [`ocr`]: text recognition of scans by Tesseract and Poppler's tools, run as child
//!   processes through pipes. No vault, no keys.
//! - [`vault`]: the application services on the locked/unlocked vault, one module per
//!   capability (add, read, check, custody, contacts, lifecycle, rotate, rebuild, ingest).
//! - [`bundle`]: export and import of sealed bundles, and the redaction of images.
//! - [`replica`]: sealed replicas on S3-compatible object storage (push, restore, check,
//!   the custodian's sweep), through a small client of its own over `ureq`.
//! - [`web`]: `amanat serve`, the web interface on this machine only (axum, maud).
//!
//! [`error`] is shared by all of them. The command line (`src/cli/`) is in the binary.
//!
//! What this crate must never do: write plaintext anywhere but where the caller explicitly
//! asked (`get` to a file), or report success before the data is fsynced.
#![forbid(unsafe_code)]

pub mod bundle;
pub mod crypto;
pub mod error;
pub mod format;
pub mod i18n;
pub mod ocr;
pub mod replica;
pub mod storage;
pub mod vault;
pub mod web;

pub use error::{Error, Result};
pub use format::id::RecordId;
pub use format::keyring::Passphrase;
pub use vault::{InitOptions, LockedVault, Vault, VaultPaths};
