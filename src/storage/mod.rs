//! The only code that names sled or a vault's paths: the database and its private trees,
//! the journal every committed write goes through ([`journal`]), the sealed object files
//! beside the database ([`store::ObjectWriter`]), values sealed in pieces ([`pieces`]),
//! durable file writes ([`durable`]), the protocol that replaces the keyring file
//! (`keyring_file`), and, for the tests only, fault injection ([`faults`]).
pub mod durable;
pub mod faults;
pub mod journal;
pub(crate) mod keyring_file;
pub mod pieces;
pub mod store;
