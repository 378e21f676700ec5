//! The tour's last steps: the database rebuilt from its journal, a wrong passphrase, shred.
use amanat::format::keyring::Passphrase;
use amanat::{tr, LockedVault, Vault, VaultPaths};

use super::tour::step;

/// Prints a line; a closed pipe ends the tour quietly (the error reaches `report`).
macro_rules! say {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// Steps 13 to 15: the database rebuilt from the journal, a wrong passphrase, and shred.
pub(super) fn recover(
    vault: Vault,
    partner: Vault,
    collector: Vault,
    paths: &VaultPaths,
    pass: &Passphrase,
) -> anyhow::Result<()> {
    step(13, &tr!("tour-step-rebuild"))?;
    let before = vault.count();
    drop(vault);
    drop(partner);
    drop(collector);
    // A disk fault in sled's files: here, the whole database directory is lost.
    std::fs::remove_dir_all(paths.root.join("db"))?;
    match LockedVault::open(paths.clone()) {
        Err(amanat::Error::DatabaseDamaged(_)) => say!("   {}", tr!("tour-db-gone")),
        Err(e) => return Err(e.into()),
        Ok(_) => anyhow::bail!("a vault without its database opened"),
    }
    let (vault, rebuilt) = amanat::vault::rebuild::rebuild(paths.clone(), pass)?;
    let ok = if vault.check(&|_| {})?.ok() {
        "yes"
    } else {
        "no"
    };
    say!(
        "   {}",
        tr!(
            "tour-rebuilt",
            frames = rebuilt.frames,
            back = (vault.count() as u64),
            records = (before as u64),
            ok = ok
        )
    );
    drop(vault);

    step(14, &tr!("tour-step-wrong-passphrase"))?;
    let locked = LockedVault::open(paths.clone())?;
    match locked.unlock(&Passphrase::new("guess".into())?) {
        Err(e) => say!(
            "   {}",
            tr!("tour-refused", error = super::errors::message(&e))
        ),
        Ok(_) => anyhow::bail!("a wrong passphrase opened the vault"),
    }

    step(15, &tr!("tour-step-shred"))?;
    let started = std::time::Instant::now();
    amanat::vault::lifecycle::shred(paths, false)?;
    say!(
        "   {}",
        tr!("tour-shredded", ms = (started.elapsed().as_millis() as u64))
    );
    let locked = LockedVault::open(paths.clone())?;
    match locked.unlock(pass) {
        Err(e) => say!(
            "   {}",
            tr!("tour-after-shred", error = super::errors::message(&e))
        ),
        Ok(_) => anyhow::bail!("the vault opened after shred"),
    }

    Ok(())
}
