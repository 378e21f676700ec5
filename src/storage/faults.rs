//! Fault injection for the crash and race tests: named points where a test can abort the
//! process (`AMANAT_CRASH_AT`) or hold it (`AMANAT_PAUSE_AT`). Compiled in only with the
//! `test-hooks` feature; in a build without it every point is an empty function, so the
//! release binary holds no hook and reads no such variable.
use std::fs;
use std::path::PathBuf;

/// Aborts the process at a named point when `AMANAT_CRASH_AT` names it: a hidden hook for
/// the crash tests, which must kill the process between two steps precisely. The same
/// points pause when `AMANAT_PAUSE_AT` names them ([`pause_point`]).
pub(crate) fn crash_point(name: &str) {
    pause_point(name);
    if std::env::var_os("AMANAT_CRASH_AT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

/// Waits at a named point when `AMANAT_PAUSE_AT` names it: a hidden hook for the race
/// tests, which must run another command (`shred`) at a precise moment of this one. Creates
/// `$AMANAT_PAUSE_DIR/reached`, then waits (at most two minutes) for `$AMANAT_PAUSE_DIR/go`.
pub(crate) fn pause_point(name: &str) {
    if std::env::var_os("AMANAT_PAUSE_AT").is_none_or(|v| v != name) {
        return;
    }
    let Some(dir) = std::env::var_os("AMANAT_PAUSE_DIR").map(PathBuf::from) else {
        return;
    };
    let _ = fs::write(dir.join("reached"), b"");
    let start = std::time::Instant::now();
    while !dir.join("go").exists() && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
