//! Fault injection for the crash and race tests: named points where a test can abort the
//! process (`AMANAT_CRASH_AT`) or hold it (`AMANAT_PAUSE_AT`). Compiled in only with the
//! `test-hooks` feature, which the tests turn on; without it every point is an empty
//! function, so a release binary holds no hook and reads no such variable (a test checks
//! the release binary for the variables' names).

/// Aborts the process at a named point when `AMANAT_CRASH_AT` names it, so a crash test can
/// kill the process between two steps precisely. The same points pause when
/// `AMANAT_PAUSE_AT` names them ([`pause_point`]).
#[cfg(feature = "test-hooks")]
pub(crate) fn crash_point(name: &str) {
    pause_point(name);
    if crash_at(name) {
        std::process::abort();
    }
}

/// Whether `AMANAT_CRASH_AT` names this point, for a step that must crash half-way
/// through its own work.
#[cfg(feature = "test-hooks")]
pub(crate) fn crash_at(name: &str) -> bool {
    std::env::var_os("AMANAT_CRASH_AT").is_some_and(|v| v == name)
}

/// Waits at a named point when `AMANAT_PAUSE_AT` names it, so a race test can run another
/// command (`shred`) at a precise moment of this one. Creates `$AMANAT_PAUSE_DIR/reached`,
/// then waits (at most two minutes) for `$AMANAT_PAUSE_DIR/go`.
#[cfg(feature = "test-hooks")]
pub(crate) fn pause_point(name: &str) {
    use std::path::PathBuf;
    if std::env::var_os("AMANAT_PAUSE_AT").is_none_or(|v| v != name) {
        return;
    }
    let Some(dir) = std::env::var_os("AMANAT_PAUSE_DIR").map(PathBuf::from) else {
        return;
    };
    let _ = std::fs::write(dir.join("reached"), b"");
    let start = std::time::Instant::now();
    while !dir.join("go").exists() && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(crate) fn crash_point(_name: &str) {}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(crate) fn crash_at(_name: &str) -> bool {
    false
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(crate) fn pause_point(_name: &str) {}
