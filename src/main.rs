//! The `amanat` command line: a thin layer over the library.
//!
//! It parses arguments, obtains the passphrase (prompt or file, never an argument), calls
//! one library operation and prints its result. Exit codes: 0 success; 1 a check failed or
//! nothing was found; 2 usage or any other error.
#![forbid(unsafe_code)]

mod cli;

/// mimalloc instead of glibc's malloc: fewer page faults and less CPU for the many small
/// values of ingest, list and search (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::harden();
    cli::run()
}
