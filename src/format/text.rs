//! Text normalization for search: NFKC, Unicode lower-casing, then one spelling for letters
//! that the languages of Amanat's users write two ways.
//!
//! NFKC folds composed and decomposed letters (Kazakh ә, ө, қ typed either way), Arabic
//! presentation forms used by Kazakh and Uyghur in Arabic script, and full-width Latin into
//! one form; `to_lowercase` applies Unicode's full case mapping (Cyrillic, Latin, Greek, …).
//! Scripts without case (Arabic, Chinese) are unchanged by it. Then [`fold`] writes Kazakh
//! (and Russian) Cyrillic in the Kazakh Latin alphabet of 2021, so that a name typed in either
//! script finds the other (Үрімші, Ürımşı); it makes the Turkic dotted and dotless i one
//! letter (İ, I, ı, i), and ё the е that most people type. Matching is by substring, so
//! Chinese text, which has no spaces between words, is searchable too.
use unicode_normalization::UnicodeNormalization;

/// The normalized form that stored search text and queries are compared in.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if !push_simple(s, &mut out) {
        out.clear();
        out.push_str(&normalize_slow(s));
    }
    out
}

/// Case folding alone: NFKC, Unicode's full lower case, and "i" + U+0307 (the lower case of
/// the Turkic İ) made "i". What filters that compare whole values (a tag, a witness code)
/// use: unlike search, they must not take one spelling for another (`HR` is not `ХР`).
pub fn fold_case(s: &str) -> String {
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

/// The definition of [`normalize`], char by char through `unicode_normalization`; the
/// table behind [`push_simple`] is computed from it: [`fold_case`], then [`fold`], until
/// nothing changes. One round is almost always enough; a second is needed where folding
/// puts a Latin letter before a combining mark that NFKC then composes with it (а + U+0301
/// folds to a + U+0301, which is á), so that normalizing twice is normalizing once, which
/// stored words and their migration rely on (FORMAT.md 8.3).
fn normalize_slow(s: &str) -> String {
    let mut current = s.to_owned();
    for _ in 0..8 {
        let lower = fold_case(&current);
        let mut out = String::with_capacity(lower.len());
        for c in lower.chars() {
            match fold(c) {
                Fold::Same => out.push(c),
                Fold::To(s) => out.push_str(s),
            }
        }
        if out == current {
            break;
        }
        current = out;
    }
    current
}

/// A character that shows as nothing: Unicode's default ignorable code points (zero widths,
/// joiners, word joiners, invisible operators, variation selectors, tags), the Hangul fillers
/// and the blank braille pattern. A witness code or a name with one looks like another's;
/// the front ends show such characters as their code points rather than print them.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// What [`fold`] makes of a lower-case letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    Same,
    /// Written as this (possibly empty) string.
    To(&'static str),
}

/// One spelling for a lower-case letter written two ways by Amanat's users: Kazakh and
/// Russian Cyrillic in the Kazakh Latin alphabet of 2021 (қ → q, ң → ñ, ш → ş, ұ → ū,
/// і → ı, и and й → i, ю → iu, я → ia; ъ and ь are not written), with the dotless ı (and
/// so і) made i, ё made е (e), and the schwa ə, which older Latin spellings use for ә, made
/// ä. Applied after lower-casing, to stored words and queries alike; no output is an input,
/// so folding twice is folding once.
pub fn fold(c: char) -> Fold {
    Fold::To(match c {
        'а' => "a",
        'ә' | 'ə' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' | 'і' | 'ı' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' | 'ɵ' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "ş",
        'щ' => "şş",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "iu",
        'я' => "ia",
        _ => return Fold::Same,
    })
}

/// Marks a character with no simple normalization in [`SIMPLE`].
const NOT_SIMPLE: u32 = u32::MAX;
/// Marks, in [`SIMPLE`], a character whose normalized form is the string `FOLDED[i]`, by
/// `FOLDED_BIT | i`: one that [`fold`] writes as none or several characters.
const FOLDED_BIT: u32 = 1 << 31;
/// The strings of [`fold`] that are not one character, indexed by [`SIMPLE`].
const FOLDED: [&str; 6] = ["", "ts", "ch", "şş", "iu", "ia"];

/// For each character of the Basic Multilingual Plane, its normalized form when a string
/// made only of such characters normalizes character by character, else [`NOT_SIMPLE`].
///
/// A character is simple when its NFKC quick check is Yes and its canonical combining
/// class is 0 (so any string of them is already NFKC: no reordering, no composition), it
/// lower-cases to exactly one character, and it is none of Σ (whose lower case depends on
/// the next character), İ and U+0307 (the dotted-i repair). For a string of simple
/// characters, [`normalize_slow`] is then exactly the per-character lower case, folded
/// ([`fold`]; into [`FOLDED`] where it is not one character). Built once
/// per process (about 2 ms); it replaces a quick check and a case lookup per character,
/// which were a tenth of ingest.
static SIMPLE: std::sync::LazyLock<Box<[u32]>> = std::sync::LazyLock::new(|| {
    use unicode_normalization::char::canonical_combining_class;
    (0..=0xFFFFu32)
        .map(|u| {
            let Some(c) = char::from_u32(u) else {
                return NOT_SIMPLE;
            };
            if matches!(c, '\u{3a3}' | '\u{130}' | '\u{307}')
                || canonical_combining_class(c) != 0
                || unicode_normalization::is_nfkc_quick(std::iter::once(c))
                    != unicode_normalization::IsNormalized::Yes
            {
                return NOT_SIMPLE;
            }
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => match fold(l) {
                    Fold::Same => l as u32,
                    Fold::To(s) if s.chars().count() == 1 => s.chars().next().unwrap() as u32,
                    Fold::To(s) => {
                        let i = FOLDED
                            .iter()
                            .position(|f| *f == s)
                            .expect("FOLDED lists it");
                        FOLDED_BIT | i as u32
                    }
                },
                _ => NOT_SIMPLE,
            }
        })
        .collect()
});

/// Appends the normalized form of `s` to `out` if every character of `s` is simple (see
/// [`SIMPLE`]) and returns true; otherwise returns false, having appended part of it.
fn push_simple(s: &str, out: &mut String) -> bool {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
        return true;
    }
    let table = &*SIMPLE;
    for c in s.chars() {
        match table.get(c as usize).copied() {
            Some(l) if l == NOT_SIMPLE => return false,
            Some(l) if l & FOLDED_BIT != 0 => out.push_str(FOLDED[(l & !FOLDED_BIT) as usize]),
            Some(l) => out.push(char::from_u32(l).expect("the table holds chars")),
            _ => return false,
        }
    }
    true
}

/// Splits a normalized query into terms; a record matches when it contains every term.
/// (A word of only ъ and ь folds to nothing, which is not a term.)
pub fn terms(query: &str) -> Vec<String> {
    normalize(query)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The distinct whitespace-separated words of normalized text, in order of first
/// appearance, joined by single spaces: what the search index stores.
///
/// Query terms never contain whitespace, so a term occurs in the text exactly when it occurs
/// within one of its words: keeping each word once changes no search result and makes the
/// index a fraction of the text's size.
pub fn distinct_words(normalized: &str) -> zeroize::Zeroizing<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = zeroize::Zeroizing::new(String::with_capacity(normalized.len() / 2));
    for w in normalized.split_whitespace() {
        if seen.insert(w) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// A fast, non-cryptographic hasher for sets of words from local text (FxHash's mixing):
/// SipHash's protection against chosen collisions buys nothing here and cost a tenth of
/// ingest.
#[derive(Default)]
pub(crate) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordSet<'a> = std::collections::HashSet<&'a str, FxBuild>;

/// Builds [`Fx`] hashers, for maps and sets of words.
pub(crate) type FxBuild = std::hash::BuildHasherDefault<Fx>;

/// Appends the normalized form of one whitespace-free word to `out`: the same as
/// [`normalize`], through the table of simple characters where it can.
/// Returns whether the word went through the table (its normalized form then holds no
/// whitespace, since no simple character maps to one).
fn normalize_word_into(word: &str, out: &mut String) -> bool {
    let start = out.len();
    if push_simple(word, out) {
        return true;
    }
    out.truncate(start);
    out.push_str(&normalize_slow(word));
    false
}

/// `distinct_words(&normalize(text))`, computed by normalizing each distinct raw word once
/// instead of the whole text: testimony repeats its words, and normalization is the costly
/// part. Equal because whitespace separates words before and after normalization alike
/// (NFKC can only add whitespace inside a word, e.g. U+00A8 → space + U+0308, so each
/// normalized word is split again), and neither NFKC nor lower-casing acts across
/// whitespace (final sigma, the one context-dependent case, is looked at per word).
pub fn index_words(text: &str) -> zeroize::Zeroizing<String> {
    // Sized for words of about six bytes, so the sets rarely grow.
    let words = text.len() / 6 + 1;
    let mut raw_seen = WordSet::with_capacity_and_hasher(words, Default::default());
    let mut normalized = zeroize::Zeroizing::new(String::with_capacity(text.len()));
    let mut all_simple = true;
    for raw in text.split_whitespace() {
        if raw_seen.insert(raw) {
            all_simple &= normalize_word_into(raw, &mut normalized);
            normalized.push(' ');
        }
    }
    let mut seen = WordSet::with_capacity_and_hasher(raw_seen.len(), Default::default());
    let mut out = zeroize::Zeroizing::new(String::with_capacity(normalized.len()));
    // Words normalized through the table hold no whitespace: the spaces put between them
    // are the only separators, found bytewise.
    let split: Box<dyn Iterator<Item = &str>> = if all_simple {
        Box::new(normalized.split(' ').filter(|w| !w.is_empty()))
    } else {
        Box::new(normalized.split_whitespace())
    };
    for w in split {
        if seen.insert(w) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// Whether every term occurs in one of the haystacks.
pub fn matches_all(terms: &[String], haystacks: &[&str]) -> bool {
    terms
        .iter()
        .all(|t| haystacks.iter().any(|h| h.contains(t.as_str())))
}

/// A compiled query for searching many haystacks as bytes.
///
/// A UTF-8 term found byte-wise in UTF-8 text is found at a character boundary (UTF-8 is
/// self-synchronizing), so stored search text need not be validated again before matching.
pub struct Query {
    /// A finder for each form of each term, with the term's bit.
    finders: Vec<(memchr::memmem::Finder<'static>, u64)>,
    terms: usize,
}

impl Query {
    pub fn new(terms: &[String]) -> Query {
        let forms: Vec<Vec<String>> = terms.iter().map(|t| vec![t.clone()]).collect();
        Query::with_forms(&forms)
    }

    /// A query whose term `i` occurs where any of `forms[i]` does (the labels of a
    /// vocabulary term: FORMAT.md 12.4). At most 64 terms are looked for.
    pub fn with_forms(forms: &[Vec<String>]) -> Query {
        let mut finders = Vec::new();
        for (i, alts) in forms.iter().enumerate().take(64) {
            for a in alts {
                finders.push((
                    memchr::memmem::Finder::new(a.as_bytes()).into_owned(),
                    1 << i,
                ));
            }
        }
        Query {
            finders,
            terms: forms.len().min(64),
        }
    }

    /// Which terms occur in `hay`, OR-ed into `found` (one bit per term, at most 64 terms).
    pub fn mark(&self, hay: &[u8], found: &mut u64) {
        for (f, bit) in &self.finders {
            if *found & bit == 0 && f.find(hay).is_some() {
                *found |= bit;
            }
        }
    }

    /// Every finder, with the bit of the term it is a form of.
    pub fn finders(&self) -> &[(memchr::memmem::Finder<'static>, u64)] {
        &self.finders
    }

    /// The value of `found` when every term occurred.
    pub fn all(&self) -> u64 {
        match self.terms {
            64 => u64::MAX,
            n => (1u64 << n) - 1,
        }
    }
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

    /// Place and personal names written in Kazakh Cyrillic and in the Latin of 2021 find
    /// each other, whichever is typed (FORMAT.md 8.3).
    #[test]
    fn kazakh_cyrillic_and_latin_find_each_other() {
        for (cyrillic, latin) in [
            ("Үрімшіде", "Ürımşıde"),
            ("Құлжа", "Qūlja"),
            ("Қорғас", "Qorğas"),
            ("Жанар Сейітқызы", "Janar Seiıtqyzy"),
            ("Нұрсұлтан", "Nūrsūltan"),
            ("Аягөз", "Aiagöz"),
            ("Жаңаөзен", "Jañaözen"),
            ("Шұғыла", "Şūğyla"),
            ("Юсуп", "İusup"),
            ("Алматы", "Almaty"),
        ] {
            let (c, l) = (normalize(cyrillic), normalize(latin));
            assert!(
                matches_all(&terms(cyrillic), &[&l]),
                "{cyrillic} in {latin}"
            );
            assert!(matches_all(&terms(latin), &[&c]), "{latin} in {cyrillic}");
            assert!(matches_all(&terms(&latin.to_uppercase()), &[&c]), "{latin}");
        }
        assert!(!matches_all(&terms("Қорғас"), &[&normalize("Qūlja")]));
    }

    #[test]
    fn dotted_and_dotless_i_are_one_letter() {
        let hay = normalize("Ürımşıde ustaldy");
        assert!(matches_all(&terms("ÜRIMŞIDE"), &[&hay]));
        assert!(matches_all(&terms("ÜRİMŞİDE"), &[&hay]));
        assert!(matches_all(&terms("ürimşide"), &[&hay]));
        let hay = normalize("ÜRIMŞIDE");
        assert!(matches_all(&terms("ürımşıde"), &[&hay]));
    }

    #[test]
    fn russian_e_finds_yo() {
        let hay = normalize("Под ЁЛКОЙ нашли письмо, Семён ждал");
        assert!(matches_all(&terms("елкой"), &[&hay]));
        assert!(matches_all(&terms("семен"), &[&hay]));
        assert!(matches_all(&terms("ёлкой СЕМЁН"), &[&hay]));
        assert!(!matches_all(&terms("олкой"), &[&hay]));
    }

    #[test]
    fn folding_twice_is_folding_once() {
        for s in [
            "Үрімшіде ЁЛКА щука Юсуп объект",
            "Ürımşıde ÄKEM İusup",
            "ئۈرۈمچى 乌鲁木齐",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s}");
        }
        // A word of only hard and soft signs is no word.
        assert!(terms("ъ Ь").is_empty());
        assert_eq!(&*index_words("ь подъезд"), "podezd");
    }

    #[test]
    fn case_folding_alone_keeps_scripts_apart() {
        assert_eq!(fold_case("HR"), "hr");
        assert_ne!(fold_case("ХР"), fold_case("HR"));
        assert_eq!(fold_case("ÜRİMŞİDE"), "ürimşide");
        assert_ne!(fold_case("ъ"), fold_case("ь"));
    }

    #[test]
    fn distinct_words_keep_every_match() {
        let text = normalize("the camp the CAMP in Ürümqi 在乌鲁木齐被拘留 the camp");
        let words = distinct_words(&text);
        assert_eq!(&*words, "the camp in ürümqi 在乌鲁木齐被拘留");
        for q in ["amp", "ürüm", "乌鲁木齐", "the"] {
            assert_eq!(text.contains(q), words.contains(q), "{q}");
        }
    }

    #[test]
    fn byte_query_matches_like_the_str_one() {
        let t = terms("乌鲁木齐 camp");
        let q = Query::new(&t);
        let mut found = 0;
        q.mark(normalize("In a CAMP near").as_bytes(), &mut found);
        assert_ne!(found, q.all());
        q.mark(normalize("在乌鲁木齐被拘留").as_bytes(), &mut found);
        assert_eq!(found, q.all());
    }

    #[test]
    fn latin_and_russian_fold_case() {
        let hay = normalize("Detained in ALMATY; задержан в Алматы");
        assert!(matches_all(&terms("almaty ЗАДЕРЖАН"), &[&hay]));
    }

    #[test]
    fn index_words_equal_distinct_words_of_the_normalized_text() {
        for t in [
            "the camp the CAMP in Ürümqi 在乌鲁木齐被拘留 the camp",
            "ÜRİMŞİDE ürimşide Мои\u{306} мой",
            "spacing accents: a\u{a8}b \u{b4}x \u{a8} ﷺ ﬁnal ＡＢＣ abc",
            "\u{3000}ideographic\u{3000}space and\u{a0}nbsp ⑴ ㍱",
            "ΟΔΟΣ ΟΔΟΣΣ Σ ΣΑ όδος İstanbul i\u{307}x",
            "",
            "   ",
        ] {
            assert_eq!(
                *index_words(t),
                *distinct_words(&normalize_slow(t)),
                "{t:?}"
            );
        }
    }

    #[test]
    fn every_simple_character_normalizes_as_the_definition_says() {
        let mut simple = 0;
        for u in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let one = c.to_string();
            let mut fast = String::new();
            if push_simple(&one, &mut fast) {
                simple += 1;
                assert_eq!(fast, normalize_slow(&one), "U+{u:04X}");
                // index_words splits table-normalized words on spaces only.
                assert!(
                    c.is_whitespace() || !fast.contains(char::is_whitespace),
                    "U+{u:04X}"
                );
                // Next to any other simple character, too (no context crosses them).
                let pair = format!("{c}a\u{4e4}");
                assert_eq!(normalize(&pair), normalize_slow(&pair), "U+{u:04X}");
            }
        }
        // Latin, Cyrillic, Arabic letters and CJK ideographs are all simple.
        assert!(simple > 40_000, "{simple}");
        for s in ["Қарағанды", "ئۈرۈمچى", "乌鲁木齐", "Ürümqi"] {
            assert!(push_simple(s, &mut String::new()), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn normalizing_twice_is_normalizing_once(t in "[\\u{400}-\\u{4ff}a-zıİ\\u{300}-\\u{36f}\\u{1100}-\\u{1112}\\u{1161}-\\u{1175} ]{0,40}|\\PC{0,40}") {
            let once = normalize(&t);
            proptest::prop_assert_eq!(normalize(&once), once.clone());
            proptest::prop_assert_eq!(normalize_slow(&once), once);
        }

        #[test]
        fn index_words_match_for_any_text(t in "\\PC{0,60}") {
            proptest::prop_assert_eq!(&*index_words(&t), &*distinct_words(&normalize_slow(&t)));
        }

        #[test]
        fn the_table_normalizes_as_the_definition_for_any_text(t in "\\PC{0,60}") {
            proptest::prop_assert_eq!(normalize(&t), normalize_slow(&t));
        }

        #[test]
        fn the_table_normalizes_kazakh_uyghur_and_russian_text_as_the_definition(
            t in "[\\u{400}-\\u{4ff}\\u{600}-\\u{6ff}\\u{4e00}-\\u{4e20}a-zA-Z\\u{c0}-\\u{17f} ]{0,40}"
        ) {
            proptest::prop_assert_eq!(normalize(&t), normalize_slow(&t));
            proptest::prop_assert_eq!(&*index_words(&t), &*distinct_words(&normalize_slow(&t)));
        }
    }
}
