//! Text recognition of scans (FORMAT.md 7.3): Tesseract, and Poppler's `pdfinfo` and
//! `pdftoppm` for the pages of a PDF, run as child processes fed through pipes. Decrypted
//! bytes reach them on standard input and the text comes back on standard output; this code
//! writes no file, and neither do they (the marker test of `tests/cli/ocr.rs` searches the
//! vault, the temporary directory and the working directory for the recognised text). No
//! vault and no keys here: [`crate::vault`] decides what to recognise and seals what
//! comes back.
//!
//! Why the programs and not a binding (docs/DESIGN.md, "Text recognition"): the Rust bindings
//! to libtesseract link C++ into this process, so a crash or a hostile image that
//! corrupts memory inside the recogniser would do it inside the process that holds the
//! vault's keys. A child process holds only the one part it is given.
mod engine;
mod process;

pub use engine::{Engine, Recognised, Slots};

use crate::error::{Error, Result};
use crate::words;

/// The languages recognised when neither the record nor the vault names any: Kazakh
/// (Cyrillic), Russian, Uyghur (Arabic script), simplified Chinese and English, by the
/// names of Tesseract's trained data.
pub const FALLBACK_LANGUAGES: [&str; 5] = ["kaz", "rus", "uig", "chi_sim", "eng"];

/// What users call the fallback languages, lower case, by Tesseract's name for each.
const NAMES: &[(&str, &[&str])] = &[
    (
        "kaz",
        &[
            "kk",
            "kk-cyrl",
            "kaz",
            "kazakh",
            "қазақ",
            "қазақша",
            "казахский",
        ],
    ),
    ("rus", &["ru", "rus", "russian", "русский"]),
    (
        "uig",
        &["ug", "uig", "uyghur", "uighur", "ئۇيغۇرچە", "уйгурский"],
    ),
    (
        "chi_sim",
        &["zh", "zh-hans", "zh-cn", "chi_sim", "chinese", "中文"],
    ),
    ("eng", &["en", "eng", "english"]),
];

/// The Tesseract languages a list names: codes or names (`kk`, `Kazakh`, `chi_sim`)
/// separated by commas, `+` or spaces, each once, in the order given. `strict` (a list a
/// user typed for recognition): a name that is none of ours but has the shape of a
/// Tesseract language (`ara`, `uzb_cyrl`) is taken as one, anything else is an error.
/// Otherwise (a record's free-text language, `Kazakh (Cyrillic)`) what is not ours is
/// passed over.
pub fn languages(list: &str, strict: bool) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for word in list
        .split(|c: char| c == ',' || c == '+' || c == ';' || c.is_whitespace())
        .map(|w| w.trim_matches(|c: char| c == '(' || c == ')'))
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        let found = NAMES
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
            .map(|(code, _)| (*code).to_owned());
        let code = match found {
            Some(c) => c,
            None if strict && is_tesseract_code(&lower) => lower,
            None if strict => {
                return Err(Error::Invalid(words!(
                    "d-ocr-unknown-language",
                    language = format!("{word:?}")
                )))
            }
            None => continue,
        };
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if strict && out.is_empty() {
        return Err(Error::Invalid(words!("d-ocr-no-language")));
    }
    Ok(out)
}

/// `abc` or `abc_xyz`: the shape of a Tesseract trained data name.
fn is_tesseract_code(s: &str) -> bool {
    let mut parts = s.splitn(2, '_');
    let head = parts.next().unwrap_or("");
    head.len() == 3
        && head.bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .next()
            .is_none_or(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The Debian package that holds a language's trained data.
pub fn package_of(language: &str) -> String {
    format!("tesseract-ocr-{}", language.replace('_', "-"))
}

/// What a part is, for recognition, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// JPEG, PNG, WebP or TIFF: Tesseract reads it as it is.
    Image,
    /// A PDF: each page is rendered, then recognised.
    Pdf,
}

/// The kind of a part from its first bytes, or `None` if it is nothing recognition reads.
pub fn detect(head: &[u8]) -> Option<Source> {
    if crate::format::media::sniff_image(head).is_some() {
        Some(Source::Image)
    } else if head.starts_with(b"%PDF-") {
        Some(Source::Pdf)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_resolve_to_tesseract_languages() {
        assert_eq!(languages("kk,ru", true).unwrap(), ["kaz", "rus"]);
        assert_eq!(
            languages("Kazakh + Russian  EN", true).unwrap(),
            ["kaz", "rus", "eng"]
        );
        assert_eq!(languages("zh ug zh", true).unwrap(), ["chi_sim", "uig"]);
        assert_eq!(languages("uzb_cyrl", true).unwrap(), ["uzb_cyrl"]);
        assert!(languages("klingon", true).is_err());
        assert!(languages(" , ", true).is_err());
        // A record's free-text language: what is not ours is passed over.
        assert_eq!(languages("Kazakh (Cyrillic)", false).unwrap(), ["kaz"]);
        assert!(languages("Dungan", false).unwrap().is_empty());
        assert_eq!(package_of("chi_sim"), "tesseract-ocr-chi-sim");
    }

    #[test]
    fn parts_are_told_apart_by_their_first_bytes() {
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0rest"), Some(Source::Image));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\nrest"), Some(Source::Image));
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 "), Some(Source::Image));
        assert_eq!(detect(b"II*\0rest"), Some(Source::Image));
        assert_eq!(detect(b"MM\0*rest"), Some(Source::Image));
        assert_eq!(detect(b"%PDF-1.7"), Some(Source::Pdf));
        assert_eq!(detect(b"GIF89a"), None);
        assert_eq!(detect(b"plain text"), None);
        assert_eq!(detect(b""), None);
    }
}
