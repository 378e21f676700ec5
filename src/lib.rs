//! Amanat: an encrypted vault for testimonies and document scans.
//!
//! The library owns every operation the `amanat` command line offers; the binary is a thin
//! layer that parses arguments, asks for the passphrase and prints results.
//!
//! Layers, from the bottom:
//! - [`durable`]: atomic, fsynced file writes and directory syncs.
//! - [`seal`]: the one age sealing path (bytes and streams) and recipient parsing.
//! - [`symmetric`]: the ChaCha20-Poly1305 sealing of catalog entries under HKDF-derived keys;
//!   [`pieces`]: such values too long for one database value, sealed in pieces.
//! - [`keyring`]: the passphrase-sealed keyring file and the secrets it holds.
//! - [`record`] and [`catalog`]: the format types stored in sled.
//! - [`store`]: the sled database and the sealed object files beside it.
//! - [`vault`]: the locked/unlocked vault and its operations; [`ingest`] for bulk imports.
//!
//! What this crate must never do: write plaintext anywhere but where the caller explicitly
//! asked (`get` to a file), or report success before the data is fsynced.
#![forbid(unsafe_code)]

pub mod agewriter;
pub mod audit;
pub mod bundle;
pub mod catalog;
pub mod contacts;
pub mod durable;
pub mod error;
pub mod id;
pub mod index;
pub mod ingest;
pub mod journal;
pub mod keyring;
pub mod locator;
pub mod pad;
pub mod passphrase;
pub mod pieces;
pub mod record;
pub mod seal;
pub mod sshkey;
pub mod sshsig;
pub mod store;
pub mod symmetric;
pub mod text;
pub mod vault;

pub use error::{Error, Result};
pub use id::RecordId;
pub use vault::{InitOptions, LockedVault, Vault, VaultPaths};
