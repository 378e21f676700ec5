//! Requests and the shape check, without an authority (the tests of tests/cli/timestamps.rs
//! run a real one).
use super::*;

#[test]
fn a_set_of_thousands_of_elements_or_deep_nesting_is_refused_before_decoding() {
    // SET { INTEGER 1 } x n, in descending order, as a crafted token would hold.
    let set = |n: usize| {
        let body: Vec<u8> = (0..n).flat_map(|i| [2u8, 1, (n - i) as u8]).collect();
        let mut v = vec![0x31, 0x82, (body.len() >> 8) as u8, body.len() as u8];
        v.extend(body);
        v
    };
    assert!(shape_ok(&set(200)));
    assert!(!shape_ok(&set(3000)));
    let started = std::time::Instant::now();
    assert!(verify(&set(3000), &[0; 32], &[]).is_err());
    assert!(token_of_response(&set(3000), &[0; 32], &[0; 8]).is_err());
    assert!(started.elapsed().as_secs() < 1, "refused without sorting");
    let mut deep = vec![0x05, 0x00];
    for _ in 0..40 {
        let mut v = vec![0x30, deep.len() as u8];
        v.extend(deep);
        deep = v;
    }
    assert!(!shape_ok(&deep), "nested 40 deep");
    assert!(!shape_ok(&[0x30, 0x05, 0x02, 0x01]), "truncated");
    assert!(!shape_ok(&[0x05, 0x00, 0x05, 0x00]), "two values");
}

#[test]
fn a_request_encodes_every_nonce_as_openssl_reads_it() {
    for nonce in [
        [0u8; 8],
        [0x7f; 8],
        [0x80; 8],
        [0, 0, 0x80, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4, 5, 6, 7],
    ] {
        let der = request(&[9; 32], &nonce);
        let back = TimeStampReq::from_der(&der).expect("a request decodes");
        assert_eq!(back.to_der().unwrap(), der, "{nonce:?} is in DER form");
        let n = back.nonce.unwrap();
        let bytes = n.as_bytes();
        assert!(
            bytes.len() == 1 || !(bytes[0] == 0 && bytes[1] & 0x80 == 0),
            "{nonce:?} minimal"
        );
        assert_eq!(bytes[0] & 0x80, 0, "{nonce:?} positive");
    }
}
