//! Integration tests that drive the `amanat` binary, one module per concern.
#[path = "../common/mod.rs"]
mod common;
mod util;

mod bundles;
mod case;
mod collector;
mod custody;
mod erasure;
mod errors;
mod forged;
mod forged_ocr;
mod garage;
mod golden;
mod journal;
mod languages;
mod lifecycle;
mod markers;
mod migration;
mod ocr;
mod ocr_limits;
mod passphrase;
mod readme;
mod redact;
mod redact_tiff;
mod replica;
mod screen;
mod seizure;
mod stanzas;
mod streaming;
mod timestamps;
mod traces;
mod vault_core;
mod vocab;
mod web;
mod web_browser;
mod web_harness;
