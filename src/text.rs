//! Text normalization for search: NFKC, then Unicode lower-casing.
//!
//! NFKC folds composed and decomposed letters (Kazakh ә, ө, қ typed either way), Arabic
//! presentation forms used by Kazakh and Uyghur in Arabic script, and full-width Latin into
//! one form; `to_lowercase` applies Unicode's full case mapping (Cyrillic, Latin, Greek, …).
//! Scripts without case (Arabic, Chinese) are unchanged by it. Matching is by substring, so
//! Chinese text, which has no spaces between words, is searchable too.
use unicode_normalization::UnicodeNormalization;

/// The normalized form that stored search text and queries are compared in.
pub fn normalize(s: &str) -> String {
    // Most text is already in NFKC; the quick check avoids re-composing it.
    let lower = match unicode_normalization::is_nfkc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_lowercase(),
        _ => s.nfkc().collect::<String>().to_lowercase(),
    };
    // Lower-casing the Turkic capital İ gives "i" plus a combining dot above; drop the dot
    // so that İ, I and i all find "i" (Kazakh and Uyghur Latin spellings mix them).
    if lower.contains('\u{307}') {
        lower.replace("i\u{307}", "i")
    } else {
        lower
    }
}

/// Splits a normalized query into terms; a record matches when it contains every term.
pub fn terms(query: &str) -> Vec<String> {
    normalize(query)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Whether every term occurs in one of the haystacks.
pub fn matches_all(terms: &[String], haystacks: &[&str]) -> bool {
    terms
        .iter()
        .all(|t| haystacks.iter().any(|h| h.contains(t.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_cyrillic_is_case_insensitive() {
        let hay = normalize("Қарағанды облысында ӘКЕМ тұтқындалды");
        assert!(matches_all(&terms("қарағанды әкем"), &[&hay]));
    }

    #[test]
    fn decomposed_and_composed_forms_match() {
        // "й" as one code point and as и + combining breve.
        let hay = normalize("Мой отец");
        assert!(matches_all(&terms("мои\u{306}"), &[&hay]));
    }

    #[test]
    fn arabic_script_and_chinese_match_by_substring() {
        let hay = normalize("ئۈرۈمچىدە تۇتۇلدى 在乌鲁木齐被拘留");
        assert!(matches_all(&terms("ئۈرۈمچى"), &[&hay]));
        assert!(matches_all(&terms("乌鲁木齐"), &[&hay]));
        assert!(!matches_all(&terms("北京"), &[&hay]));
    }

    #[test]
    fn turkic_dotted_capital_i_matches_plain_i() {
        let hay = normalize("Ürimşide ustadı");
        assert!(matches_all(&terms("ÜRİMŞİDE"), &[&hay]));
    }

    #[test]
    fn latin_and_russian_fold_case() {
        let hay = normalize("Detained in ALMATY; задержан в Алматы");
        assert!(matches_all(&terms("almaty ЗАДЕРЖАН"), &[&hay]));
    }
}
