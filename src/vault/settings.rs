//! The vault's settings (FORMAT.md 12.2): one entry of the `contacts` tree, sealed like the
//! contacts beside it, so that key rotation, the journal and `rebuild` carry it with them.
//! Today it holds the languages text is recognised in when a record names none.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::symmetric::Domain;
use crate::error::{Error, Result};
use crate::storage::journal::{Ops, TreeId};
use crate::vault::Vault;
use crate::words;

/// The version byte of the settings entry (contacts are 1, authorities 2).
pub(crate) const SETTINGS_VERSION: u8 = 3;

#[derive(Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct Settings {
    /// Tesseract's names of the default recognition languages; empty: the fallback five.
    ocr_languages: Vec<String>,
}

impl Vault {
    /// The settings entry: its key and what it holds, if the vault has one.
    fn settings(&self) -> Result<Option<(Vec<u8>, Settings)>> {
        let key = &self.keyring.catalog_key;
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let plain = key
                .open(Domain::Contact, &k, &v)
                .map_err(|_| Error::VaultDamaged(words!("d-settings-authenticate")))?;
            if let Some((&SETTINGS_VERSION, rest)) = plain.split_first() {
                let s = postcard::from_bytes(rest)
                    .map_err(|_| Error::VaultDamaged(words!("d-settings-decode")))?;
                return Ok(Some((k.to_vec(), s)));
            }
        }
        Ok(None)
    }

    /// The languages text is recognised in when neither the command nor the record names
    /// any; `None` when the vault has no default (then all five fallback languages).
    pub fn ocr_languages(&self) -> Result<Option<Vec<String>>> {
        Ok(self
            .settings()?
            .map(|(_, s)| s.ocr_languages.clone())
            .filter(|l| !l.is_empty()))
    }

    /// Sets (or with an empty list clears) the default recognition languages. Durable when
    /// it returns.
    pub fn set_ocr_languages(&self, languages: &[String]) -> Result<()> {
        if languages.len() > crate::format::record::MAX_LANGUAGES {
            let max = crate::format::record::MAX_LANGUAGES;
            return Err(Error::Invalid(words!("d-settings-languages", max = max)));
        }
        let (k, mut settings) = match self.settings()? {
            Some((k, s)) => (k, s),
            None => (
                crate::crypto::random_bytes::<16>().to_vec(),
                Settings::default(),
            ),
        };
        settings.ocr_languages = languages.to_vec();
        let mut plain = zeroize::Zeroizing::new(vec![SETTINGS_VERSION]);
        plain.extend_from_slice(&postcard::to_allocvec(&settings).expect("settings serialize"));
        let sealed = self.keyring.catalog_key.seal(Domain::Contact, &k, &plain);
        let mut ops = Ops::new();
        ops.insert(TreeId::Contacts, &k, sealed);
        self.apply(&ops)?;
        self.store.sync()
    }
}
