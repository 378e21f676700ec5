//! Integration tests that drive the `amanat` binary, one module per concern.
mod util;

mod bundles;
mod collector;
mod custody;
mod errors;
mod lifecycle;
mod markers;
mod streaming;
mod vault_core;
