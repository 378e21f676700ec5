//! Choosing a passphrase: how guessable it is, and a generated one.
//!
//! Whoever holds a copy of the keyring can try passphrases offline, as fast as scrypt
//! allows (docs/THREAT-MODEL.md, "Offline guessing"). A new passphrase is therefore
//! estimated with zxcvbn, and one estimated to fall within [`MIN_GUESSES_LOG10`] guesses is
//! weak: the command line refuses it unless told otherwise, and the custody log records
//! that a weak one was accepted. A generated passphrase is [`GENERATED_WORDS`] words drawn
//! uniformly, with the operating system's CSPRNG, from the `WORDS` list.
use zeroize::Zeroizing;

use crate::error::Words;
use crate::format::keyring::Passphrase;
use crate::words;

/// A passphrase estimated to need fewer than 10^this guesses is weak.
pub const MIN_GUESSES_LOG10: u32 = 10;

/// How many words a generated passphrase has.
pub const GENERATED_WORDS: usize = 8;

/// What separates the words of a generated passphrase.
pub const SEPARATOR: char = '-';

/// The word list of generated passphrases, one lower-case word a line: BIP 39's English
/// list (2048 words, no word a prefix of another's first four letters), from the bitcoin/bips
/// repository, bip-0039/english.txt. BIP 39 names no licence of its own; its reference
/// implementation, trezor/python-mnemonic, ships the same list under the MIT licence, and the
/// `age` crate (MIT OR Apache-2.0) ships it byte for byte as assets/bip39-english.txt, from
/// where this copy was taken (SHA-256 pinned by a test below).
const WORD_LIST: &str = include_str!("wordlist/bip39-english.txt");

/// The words of `WORD_LIST`.
pub fn words() -> Vec<&'static str> {
    WORD_LIST.lines().collect()
}

/// Bits of entropy of a generated passphrase: [`GENERATED_WORDS`] × log2(list length).
pub fn generated_bits() -> f64 {
    GENERATED_WORDS as f64 * (words().len() as f64).log2()
}

/// How guessable a passphrase is, as zxcvbn estimates it.
pub struct Strength {
    /// log10 of the estimated number of guesses.
    pub guesses_log10: f64,
    /// zxcvbn's warning and suggestions, a sentence each (may be none).
    pub feedback: Vec<Words>,
}

impl Strength {
    /// Whether the estimate falls under 10^[`MIN_GUESSES_LOG10`] guesses.
    pub fn is_weak(&self) -> bool {
        self.guesses_log10 < MIN_GUESSES_LOG10 as f64
    }

    /// The estimate in words: "about 10^6 guesses".
    pub fn describe(&self) -> Words {
        let power = self.guesses_log10.floor().max(0.0) as u32;
        words!("d-pass-guesses", power = power)
    }
}

/// Estimates a passphrase with zxcvbn (which looks at its first 100 characters only: a
/// longer one is at least as strong as the estimate of its start).
pub fn estimate(pass: &Passphrase) -> Strength {
    let e = zxcvbn::zxcvbn(pass.expose(), &["amanat"]);
    let feedback = match e.feedback() {
        Some(f) => f
            .warning()
            .map(warning)
            .into_iter()
            .chain(f.suggestions().iter().map(|s| suggestion(*s)))
            .collect(),
        None => Vec::new(),
    };
    Strength {
        guesses_log10: e.guesses_log10(),
        feedback,
    }
}

/// zxcvbn's warning, in words (its own are English only).
fn warning(w: zxcvbn::feedback::Warning) -> Words {
    use zxcvbn::feedback::Warning;
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => words!("d-zx-straight-rows"),
        Warning::ShortKeyboardPatternsAreEasyToGuess => words!("d-zx-short-patterns"),
        Warning::RepeatsLikeAaaAreEasyToGuess => words!("d-zx-repeats-aaa"),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => words!("d-zx-repeats-abcabc"),
        Warning::ThisIsATop10Password => words!("d-zx-top-10"),
        Warning::ThisIsATop100Password => words!("d-zx-top-100"),
        Warning::ThisIsACommonPassword => words!("d-zx-common"),
        Warning::ThisIsSimilarToACommonlyUsedPassword => words!("d-zx-similar"),
        Warning::SequencesLikeAbcAreEasyToGuess => words!("d-zx-sequences"),
        Warning::RecentYearsAreEasyToGuess => words!("d-zx-recent-years"),
        Warning::AWordByItselfIsEasyToGuess => words!("d-zx-one-word"),
        Warning::DatesAreOftenEasyToGuess => words!("d-zx-dates"),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => words!("d-zx-names"),
        Warning::CommonNamesAndSurnamesAreEasyToGuess => words!("d-zx-common-names"),
    }
}

/// zxcvbn's suggestion, in words.
fn suggestion(s: zxcvbn::feedback::Suggestion) -> Words {
    use zxcvbn::feedback::Suggestion;
    match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => words!("d-zx-few-words"),
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => words!("d-zx-no-symbols"),
        Suggestion::AddAnotherWordOrTwo => words!("d-zx-another-word"),
        Suggestion::CapitalizationDoesntHelpVeryMuch => words!("d-zx-capitals"),
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => words!("d-zx-all-uppercase"),
        Suggestion::ReversedWordsArentMuchHarderToGuess => words!("d-zx-reversed"),
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => words!("d-zx-substitutions"),
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => words!("d-zx-longer-pattern"),
        Suggestion::AvoidRepeatedWordsAndCharacters => words!("d-zx-avoid-repeats"),
        Suggestion::AvoidSequences => words!("d-zx-avoid-sequences"),
        Suggestion::AvoidRecentYears => words!("d-zx-avoid-recent-years"),
        Suggestion::AvoidYearsThatAreAssociatedWithYou => words!("d-zx-avoid-your-years"),
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => words!("d-zx-avoid-your-dates"),
    }
}

/// A uniformly drawn index below `n`, from uniformly drawn 16-bit values: a draw at or
/// above the largest multiple of `n` that fits is rejected and drawn again, so every index
/// is reached by exactly as many accepted draws (no modulo bias).
fn index_below(n: usize, mut draw: impl FnMut() -> u16) -> usize {
    assert!(n > 0 && n <= 1 << 16, "a list of 1 to 65536 words");
    let span = 1usize << 16;
    let limit = span - span % n;
    loop {
        let x = draw() as usize;
        if x < limit {
            return x % n;
        }
    }
}

/// A passphrase of `count` words from `list` joined by [`SEPARATOR`], drawn with `draw`.
fn generate_from(list: &[&str], count: usize, mut draw: impl FnMut() -> u16) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(count * 9));
    for i in 0..count {
        if i > 0 {
            s.push(SEPARATOR);
        }
        s.push_str(list[index_below(list.len(), &mut draw)]);
    }
    s
}

/// A fresh passphrase of [`GENERATED_WORDS`] words, drawn with the operating system's CSPRNG.
pub fn generate() -> Passphrase {
    let list = words();
    let text = generate_from(&list, GENERATED_WORDS, || {
        u16::from_le_bytes(crate::crypto::random_bytes::<2>())
    });
    Passphrase::new(text.as_str().to_owned()).expect("a generated passphrase is not empty")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_is_bip39_english_as_shipped() {
        assert_eq!(
            hex::encode(crate::crypto::seal::sha256(WORD_LIST.as_bytes())),
            "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
        );
        let w = words();
        assert_eq!(w.len(), 2048);
        let mut sorted = w.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 2048, "no word twice");
        assert!(w
            .iter()
            .all(|x| !x.is_empty() && x.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn a_generated_passphrase_has_at_least_80_bits() {
        assert_eq!(generated_bits(), 88.0);
        assert!(generated_bits() >= 80.0);
        let p = generate();
        let parts: Vec<&str> = p.expose().split(SEPARATOR).collect();
        assert_eq!(parts.len(), GENERATED_WORDS);
        let list = words();
        assert!(parts.iter().all(|x| list.contains(x)), "{parts:?}");
        assert!(!estimate(&p).is_weak(), "zxcvbn agrees it is strong");
    }

    /// Every index is the image of exactly as many accepted 16-bit draws, for a list length
    /// that divides 2^16 (the shipped list: nothing is ever rejected) and for lengths that do
    /// not (where plain `x % n` would favour the first indices).
    #[test]
    fn index_below_has_no_modulo_bias() {
        for n in [2048usize, 3, 1000, 7776, 65535, 1] {
            let mut counts = vec![0u32; n];
            let mut rejected = 0u32;
            for x in 0..=u16::MAX {
                // A source that yields x, then (if x is rejected) a marker value.
                let mut calls = 0;
                let i = index_below(n, || {
                    calls += 1;
                    if calls == 1 {
                        x
                    } else {
                        0
                    }
                });
                if calls == 1 {
                    counts[i] += 1;
                } else {
                    rejected += 1;
                }
            }
            let per = counts[0];
            assert!(
                counts.iter().all(|&c| c == per),
                "n = {n}: uneven {counts:?}"
            );
            assert_eq!(per as usize * n + rejected as usize, 1 << 16);
            assert_eq!(rejected as usize, (1 << 16) % n, "n = {n}");
        }
    }

    /// Drawn with the real CSPRNG, words come up about equally often (a loose chi-squared
    /// bound: a broken draw, e.g. one byte only or a constant, fails it by far).
    #[test]
    fn generated_words_are_spread_over_the_whole_list() {
        let list = words();
        let mut counts = vec![0u32; list.len()];
        let draws = 40 * list.len();
        for _ in 0..draws / GENERATED_WORDS {
            let p = generate();
            for w in p.expose().split(SEPARATOR) {
                counts[list.binary_search(&w).expect("a listed word")] += 1;
            }
        }
        let expected = draws as f64 / list.len() as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        // 2047 degrees of freedom: mean 2047, standard deviation about 64.
        assert!(chi2 < 2047.0 + 6.0 * 64.0, "chi2 {chi2}");
        assert!(
            counts.iter().all(|&c| c > 0),
            "every word drawn at least once"
        );
    }

    #[test]
    fn weak_and_strong_passphrases() {
        let p = |s: &str| estimate(&Passphrase::new(s.into()).unwrap());
        for weak in [
            "abc",
            "password1",
            "qwertyuiop",
            "the new one",
            "0123456789abcdef",
        ] {
            let e = p(weak);
            assert!(e.is_weak(), "{weak}: {}", e.guesses_log10);
            assert!(
                e.describe().to_string().starts_with("about 10^"),
                "{}",
                e.describe()
            );
        }
        assert_eq!(p("abc").describe().to_string(), "about 10^1 guesses");
        assert!(p("abc")
            .feedback
            .iter()
            .any(|f| f.to_string().contains("easy to guess")));
        // The passphrases the test suite sets with init, passwd and duress set: strong, or
        // the tests would need --allow-weak-passphrase.
        for strong in [
            "correct horse battery staple",
            "let them have it",
            "a new passphrase",
            "the new one at last",
            "new real passphrase",
            "first passphrase",
            "passphrase number 1",
            "tamper test passphrase",
            "tour-9f3a71c2e8b04d56",
        ] {
            let e = p(strong);
            assert!(!e.is_weak(), "{strong}: {}", e.guesses_log10);
        }
    }
}
