//! `amanat tour`: the whole workflow on built-in sample data.
pub fn run() -> anyhow::Result<u8> {
    Ok(0)
}
