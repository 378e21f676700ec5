//! Pure encoding, decoding and validation of every byte Amanat writes: ids ([`id`]), text
//! normalisation and search terms ([`text`]), records ([`record`]), catalog entries
//! ([`catalog`]), search index segments ([`index`]), the
//! locators records are stored under ([`locator`]), the keyring's plaintext and its
//! passphrase slots ([`keyring`]), bundle manifests ([`manifest`]) and the image formats parts
//! are told apart by ([`media`]). Nothing here touches
//! a file or the database; every fuzz target points here.
pub mod case;
pub mod catalog;
pub mod event;
pub mod id;
pub mod index;
pub mod keyring;
pub mod locator;
pub mod manifest;
pub mod media;
pub mod record;
pub mod replica;
pub mod stamp;
pub mod text;
pub mod vocab;
