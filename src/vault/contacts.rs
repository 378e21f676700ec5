//! Contacts: partners to export to, and senders to accept bundles from
//! (FORMAT.md, "Contacts"). Stored sealed in the `contacts` tree like the catalog.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::seal::Recipients;
use crate::crypto::symmetric::Domain;
use crate::error::{Error, Refusal, Result};
use crate::vault::Vault;
use crate::words;

const VERSION: u8 = 1;

/// A partner organisation or a device we exchange bundles with.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop, Debug)]
pub struct Contact {
    pub name: String,
    /// age X25519 or ssh-ed25519 recipients that bundles to this contact are sealed to.
    pub recipients: Vec<String>,
    /// The `ssh-ed25519 …` key this contact signs bundles with.
    pub signing_key: Option<String>,
    /// When the contact was added (Unix seconds).
    pub added: i64,
}

impl Contact {
    /// The contact's signing key as 32 bytes.
    pub fn signing_public(&self) -> Option<[u8; 32]> {
        self.signing_key
            .as_deref()
            .and_then(crate::crypto::sshsig::parse_ed25519_line)
    }

    /// OpenSSH fingerprint of the signing key.
    pub fn fingerprint(&self) -> Option<String> {
        self.signing_public()
            .map(|pk| crate::crypto::sshkey::fingerprint(&pk))
    }
}

fn valid_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        let name = format!("{name:?}");
        return Err(Error::Invalid(words!("d-contact-name", name = name)));
    }
    Ok(())
}

/// An entry of the `contacts` tree: its key, and its plaintext after the version byte.
pub(crate) type Entry = (Vec<u8>, zeroize::Zeroizing<Vec<u8>>);

impl Vault {
    /// Every contact, by name.
    pub fn contacts(&self) -> Result<Vec<Contact>> {
        let key = &self.keyring.catalog_key;
        let mut out = Vec::new();
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let plain = key
                .open(Domain::Contact, &k, &v)
                .map_err(|_| Error::VaultDamaged(words!("d-contact-authenticate")))?;
            match plain.split_first() {
                Some((&VERSION, rest)) => out.push(
                    postcard::from_bytes(rest)
                        .map_err(|_| Error::VaultDamaged(words!("d-contact-decode")))?,
                ),
                // A time-stamp authority (vault::timestamps), the settings (vault::settings),
                // a remote (vault::remotes), a vocabulary term (vault::vocab).
                Some((
                    &2
                    | &crate::vault::settings::SETTINGS_VERSION
                    | &crate::vault::remotes::REMOTE_VERSION
                    | &crate::vault::vocab::VOCAB_VERSION,
                    _,
                )) => {}
                _ => return Err(Error::UnsupportedFormat(words!("d-contact-version"))),
            }
        }
        out.sort_by(|a: &Contact, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The entries of the `contacts` tree of one kind (its version byte): each key with the
    /// plaintext after that byte.
    pub(crate) fn contact_entries(&self, version: u8) -> Result<Vec<Entry>> {
        let key = &self.keyring.catalog_key;
        let mut out = Vec::new();
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let plain = key
                .open(Domain::Contact, &k, &v)
                .map_err(|_| Error::VaultDamaged(words!("d-contact-entry-authenticate")))?;
            if plain.first() == Some(&version) {
                out.push((k.to_vec(), zeroize::Zeroizing::new(plain[1..].to_vec())));
            }
        }
        Ok(out)
    }

    /// The contact called `name`.
    pub fn contact(&self, name: &str) -> Result<Contact> {
        self.contacts()?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| no_contact(name))
    }

    /// The contact whose signing key is `public`, if any.
    pub fn contact_by_signer(&self, public: &[u8; 32]) -> Result<Option<Contact>> {
        Ok(self
            .contacts()?
            .into_iter()
            .find(|c| c.signing_public().as_ref() == Some(public)))
    }

    /// Adds a contact. Recipients and the signing key are checked first.
    pub fn contact_add(
        &self,
        name: &str,
        recipients: &[String],
        signing_key: Option<&str>,
    ) -> Result<Contact> {
        valid_name(name)?;
        if recipients.is_empty() && signing_key.is_none() {
            return Err(Error::Refused(Refusal::ContactNeedsKey));
        }
        let recipients = if recipients.is_empty() {
            vec![]
        } else {
            Recipients::parse_all(recipients)?.texts()
        };
        let signing_key = match signing_key {
            Some(line) => {
                let pk = crate::crypto::sshsig::parse_ed25519_line(line).ok_or_else(|| {
                    Error::Refused(Refusal::SigningKey {
                        line: line.to_owned(),
                    })
                })?;
                Some(crate::crypto::sshkey::ed25519_line(&pk))
            }
            None => None,
        };
        let existing = self.contacts()?;
        if existing.iter().any(|c| c.name == name) {
            let name = format!("{name:?}");
            return Err(Error::Invalid(words!("d-contact-exists", name = name)));
        }
        // Consent names contacts (FORMAT.md 7.4): two that read alike would be taken for
        // each other.
        let folded = crate::format::text::normalize(name);
        if let Some(c) = existing
            .iter()
            .find(|c| crate::format::text::normalize(&c.name) == folded)
        {
            return Err(Error::Invalid(words!(
                "d-contact-reads-as",
                name = format!("{name:?}"),
                other = format!("{:?}", c.name)
            )));
        }
        let contact = Contact {
            name: name.to_owned(),
            recipients,
            signing_key,
            added: jiff::Timestamp::now().as_second(),
        };
        self.put_contact(&contact)?;
        Ok(contact)
    }

    pub(crate) fn put_contact(&self, contact: &Contact) -> Result<()> {
        let id: [u8; 16] = crate::crypto::random_bytes();
        let mut plain = zeroize::Zeroizing::new(vec![VERSION]);
        plain.extend_from_slice(&postcard::to_allocvec(contact).expect("contacts serialize"));
        let sealed = self.keyring.catalog_key.seal(Domain::Contact, &id, &plain);
        let mut log = self.log();
        log.append(
            crate::format::event::Happened::ContactAdded {},
            None,
            Some(crate::format::event::Kept::ContactAdded {
                name: contact.name.clone(),
                recipients: contact.recipients.clone(),
                signing_key: contact.signing_key.clone(),
            }),
        )?;
        self.contact_write(log, &id, Some(sealed))
    }

    /// Writes (or with `None` removes) an entry of the `contacts` tree (a contact or a
    /// time-stamp authority) with the log's events, atomically.
    pub(crate) fn contact_write(
        &self,
        mut log: crate::vault::custody::LogBatch<'_>,
        key: &[u8],
        value: Option<Vec<u8>>,
    ) -> Result<()> {
        use crate::storage::journal::{Ops, TreeId};
        let mut ops = Ops::new();
        match value {
            Some(v) => ops.insert(TreeId::Contacts, key, v),
            None => ops.remove(TreeId::Contacts, key),
        }
        log.seal()?.add_to(&mut ops);
        self.apply(&ops)?;
        log.committed();
        self.store.sync()
    }

    /// Removes the contact called `name`.
    pub fn contact_remove(&self, name: &str) -> Result<()> {
        let key = &self.keyring.catalog_key;
        for kv in self.store.contacts().iter() {
            let (k, v) = kv?;
            let Ok(plain) = key.open(Domain::Contact, &k, &v) else {
                continue;
            };
            let Some((&VERSION, rest)) = plain.split_first() else {
                continue;
            };
            let Ok(c) = postcard::from_bytes::<Contact>(rest) else {
                continue;
            };
            if c.name == name {
                let mut log = self.log();
                log.append(
                    crate::format::event::Happened::ContactRemoved {},
                    None,
                    Some(crate::format::event::Kept::ContactRemoved {
                        name: c.name.clone(),
                    }),
                )?;
                return self.contact_write(log, &k, None);
            }
        }
        Err(no_contact(name))
    }
}

fn no_contact(name: &str) -> Error {
    Error::Invalid(words!("d-contact-none", name = format!("{name:?}")))
}
