//! The bottom layer: sealing with age ([`seal`], [`agewriter`]), signatures in OpenSSH's
//! SSHSIG form ([`sshsig`], [`sshkey`]), the symmetric AEAD of database values under
//! derived keys ([`symmetric`]), and padding to size classes ([`pad`]). Nothing here touches a file or the database.
use ring::rand::{SecureRandom, SystemRandom};

pub mod agewriter;
pub mod identity;
pub mod pad;
pub mod recipients;
pub mod seal;
pub mod sshkey;
pub mod sshsig;
pub mod symmetric;
pub mod tsp;

/// Fills a buffer from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .expect("the operating system's random number generator failed");
    b
}
