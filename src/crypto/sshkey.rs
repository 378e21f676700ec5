//! OpenSSH encodings of the vault's Ed25519 signing key (public half only).
//!
//! `ssh-ed25519 BASE64(string("ssh-ed25519") || string(pk))`, and the OpenSSH fingerprint
//! `SHA256:` + unpadded base64 of SHA-256 of that blob.
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

/// Appends an SSH `string`: u32 big-endian length, then the bytes.
pub fn put_string(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_be_bytes());
    out.extend_from_slice(b);
}

/// The SSH wire blob of an Ed25519 public key.
pub fn ed25519_blob(public: &[u8; 32]) -> Vec<u8> {
    let mut b = Vec::with_capacity(51);
    put_string(&mut b, b"ssh-ed25519");
    put_string(&mut b, public);
    b
}

/// `ssh-ed25519 AAAA…` as in an authorized_keys or allowed_signers line.
pub fn ed25519_line(public: &[u8; 32]) -> String {
    format!("ssh-ed25519 {}", STANDARD.encode(ed25519_blob(public)))
}

/// The OpenSSH fingerprint, `SHA256:…`.
pub fn fingerprint(public: &[u8; 32]) -> String {
    format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(crate::crypto::seal::sha256(&ed25519_blob(public)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_has_the_openssh_shape() {
        let line = ed25519_line(&[7u8; 32]);
        assert!(line.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
        assert!(fingerprint(&[7u8; 32]).starts_with("SHA256:"));
    }
}
