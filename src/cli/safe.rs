//! Text from records, bundles and contacts, made safe to print on a terminal.
//!
//! Titles, witness codes, tags, places, notes, part and contact names, and whatever a bundle
//! carries are text someone else may have written. Printed raw, a carriage return, a
//! backspace or an escape sequence rewrites or clears what the terminal shows (the "signed
//! by" line a user compares before `--trust-signer`, say), a new line forges a line of its
//! own, and the Unicode bidirectional controls reorder a line without a visible trace. Every
//! such text goes through [`Safe`] (or [`safe`], [`push`]) before it is printed, and every
//! error message through [`safe`] in `report`: these characters are replaced by a visible
//! escape (`\r`, `\x1b`, `\u{202e}`), so nothing is hidden and no line can be rewritten.
//! Letters of any script print unchanged: Arabic-script Uyghur and Kazakh, Hebrew,
//! Cyrillic, Chinese, combining marks.
//!
//! `--json` output keeps the exact strings: [`json`] writes the few characters JSON allows
//! raw but a terminal obeys as `\uXXXX` escapes, which decode to the same text.
use std::borrow::Cow;
use std::fmt::{self, Write};

/// True for a character a terminal obeys rather than shows: the controls (C0, DEL, C1,
/// which also start every escape sequence), the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), the direction marks U+200E, U+200F and U+061C
/// (which can move the neutral characters around them, such as the parentheses and the
/// fingerprint of a "signed by" line), and the line and paragraph separators U+2028, U+2029;
/// and for one a terminal shows as nothing: Unicode's default ignorable code points (zero
/// widths, joiners, word joiners, variation selectors, tags), the Hangul fillers and the
/// blank braille pattern, with which one witness code would look like another (the web
/// pages show the same set as code points).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{61c}'
                | '\u{2028}'
                | '\u{2029}'
        )
        || amanat::format::text::is_invisible(c)
}

/// Whether `s` holds anything [`is_unsafe`]; quick for ASCII text.
fn any_unsafe(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b < 0x20 || b == 0x7f)
    } else {
        s.chars().any(is_unsafe)
    }
}

/// Writes `s` with every [`is_unsafe`] character escaped: `\n`, `\r`, `\t`, other ASCII
/// controls as `\x1b`, the rest as `\u{202e}`.
fn write_safe(w: &mut impl Write, s: &str) -> fmt::Result {
    let mut rest = s;
    while let Some(at) = rest.find(is_unsafe) {
        w.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().expect("found a char there");
        match c {
            '\n' => w.write_str("\\n")?,
            '\r' => w.write_str("\\r")?,
            '\t' => w.write_str("\\t")?,
            c if (c as u32) < 0x80 => write!(w, "\\x{:02x}", c as u32)?,
            c => write!(w, "\\u{{{:x}}}", c as u32)?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    w.write_str(rest)
}

/// Displays the text it wraps with [`is_unsafe`] characters escaped: `format!("{}",
/// Safe(&title))`.
pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_safe(f, self.0)
    }
}

/// `s` with [`is_unsafe`] characters escaped (borrowed when there are none).
pub fn safe(s: &str) -> Cow<'_, str> {
    if !any_unsafe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    push(&mut out, s);
    Cow::Owned(out)
}

/// Appends `s` to `out` with [`is_unsafe`] characters escaped.
pub fn push(out: &mut String, s: &str) {
    if any_unsafe(s) {
        write_safe(out, s).expect("writing to a String does not fail");
    } else {
        out.push_str(s);
    }
}

/// JSON text as serde_json writes it, with the [`is_unsafe`] characters it leaves raw (DEL,
/// C1, bidi controls, U+2028, U+2029) written as `\uXXXX`. serde_json escapes the C0
/// controls in strings and writes nothing but ASCII outside them, so every character
/// replaced is inside a string and the JSON decodes to exactly the same values.
pub fn json(text: String) -> String {
    if !text.bytes().any(|b| b == 0x7f || b >= 0x80) || !text.chars().any(json_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 32);
    for c in text.chars() {
        if json_unsafe(c) {
            // Outside the BMP (tag characters, say), as its UTF-16 surrogate pair.
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(out, "\\u{:04x}", u).expect("writing to a String does not fail");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends a JSON string for `s` (quoted and escaped as [`json`] would leave it).
pub fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| b == 0x7f || b >= 0x80) && s.chars().any(json_unsafe) {
        let text = serde_json::to_string(s).expect("strings serialize");
        out.extend_from_slice(json(text).as_bytes());
    } else {
        serde_json::to_writer(&mut *out, s).expect("strings serialize");
    }
}

/// An [`is_unsafe`] character that serde_json writes raw (one `\uXXXX` escape each, two
/// for one outside the BMP).
fn json_unsafe(c: char) -> bool {
    (c as u32) >= 0x7f && is_unsafe(c)
}

/// Words of the library in the user's language, escaped as [`Safe`] escapes text.
pub fn worded(w: &amanat::error::Words) -> String {
    Safe(&w.in_lang(amanat::i18n::current())).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_escaped_and_json_keeps_them_exactly() {
        assert_eq!(safe("W-0\u{200b}01"), "W-0\\u{200b}01");
        assert_eq!(safe("W-001\u{2060}"), "W-001\\u{2060}");
        assert_eq!(safe("a\u{e0041}b"), "a\\u{e0041}b");
        // Joiners shape some scripts, but are invisible: a code with one would look like
        // another's, so they are shown, as the web pages show them.
        assert_eq!(safe("\u{200c}\u{200d}"), "\\u{200c}\\u{200d}");
        let text = serde_json::to_string("W-0\u{200b}1\u{e0041}").unwrap();
        let escaped = json(text);
        assert!(escaped.is_ascii(), "{escaped}");
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "W-0\u{200b}1\u{e0041}");
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(
            safe("a\u{1b}[2J\r\u{8}\n\t\u{7f}\u{85}\u{9b}b"),
            "a\\x1b[2J\\r\\x08\\n\\t\\x7f\\u{85}\\u{9b}b"
        );
        assert_eq!(
            safe("x\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}y"),
            "x\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}\\u{2066}\\u{2067}\\u{2068}\\u{2069}y"
        );
        assert_eq!(
            safe("\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{0}"),
            "\\u{200e}\\u{200f}\\u{61c}\\u{2028}\\u{2029}\\x00"
        );
        assert_eq!(Safe("p\u{202e}fdp.exe").to_string(), "p\\u{202e}fdp.exe");
        let mut s = String::from("> ");
        push(&mut s, "t\u{1b}");
        assert_eq!(s, "> t\\x1b");
    }

    #[test]
    fn letters_of_every_script_are_kept() {
        for s in [
            "ئۈرۈمچى لاگېرى",
            "قاراماي",
            "עדות",
            "Қазақ үрімші",
            "乌鲁木齐",
            "Cafe\u{301} \u{5d1}\u{5bc}",
            "plain ascii \\x1b",
        ] {
            assert!(matches!(safe(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(Safe(s).to_string(), s);
        }
    }

    #[test]
    fn json_keeps_values_and_escapes_what_terminals_obey() {
        let v = serde_json::json!({
            "t": "a\u{202e}b\u{2028}c\u{7f}\u{85}\u{1b}\nd ئۈرۈمچى",
            "ok": "Қазақ"
        });
        let text = json(serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert!(
            text.contains("\\u202e") && text.contains("\\u2028"),
            "{text}"
        );
        assert!(text.contains("ئۈرۈمچى") && text.contains("Қазақ"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
        let mut out = Vec::new();
        push_json_str(&mut out, "x\u{2066}\"y");
        assert_eq!(out, b"\"x\\u2066\\\"y\"");
        let mut out = Vec::new();
        push_json_str(&mut out, "Қ\"");
        assert_eq!(String::from_utf8(out).unwrap(), "\"Қ\\\"\"");
    }
}
