//! The languages of Amanat's front ends: English, Russian, Kazakh in Cyrillic and in Latin
//! script, and Uyghur in Arabic script.
//!
//! Messages live in Fluent files, `i18n/<language>/amanat.ftl`, embedded in the binary. The
//! front ends look them up with [`tr!`](crate::tr) (the process's language, for the command
//! line) or [`tr_in!`](crate::tr_in) (a given language, for a web page): both expand to
//! i18n-embed's `fl!`, which checks at compile time that the English file has the message
//! and every argument it is given. English is the fallback for a message another language
//! lacks; the test suite refuses a missing or unused message in any language
//! (`tests/i18n.rs`).
//!
//! This layer is the lowest, so that every other can name its words. The library's errors
//! carry [`words::Words`], a message id with its arguments built with
//! [`words!`](crate::words), which the front ends word in their reader's language and whose
//! `Display` is English. Output that scripts read (`--json` keys and values, ids, exit
//! statuses) never goes through a translation.
//!
//! Placeables are not wrapped in Unicode isolation marks (FSI … PDI): most terminals show
//! them as stray characters. The cost: a terminal that applies the bidirectional algorithm
//! may show a time or an id inside a right-to-left (Uyghur) line in pieces; the command line
//! escapes every control in quoted text (`cli/safe.rs`), so nothing is hidden, only
//! reordered. Web pages isolate what they insert: text from records in `<bdi>`, and times,
//! sizes, names and error details with explicit isolation marks, which browsers obey
//! (`web/pages.rs`, `iso`; `errors::message_isolated`).
use std::sync::OnceLock;

use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::unic_langid::LanguageIdentifier;

pub mod errors;
pub mod words;

#[derive(rust_embed::RustEmbed)]
#[folder = "i18n/"]
struct Localizations;

/// A language Amanat speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ru,
    /// Kazakh in Cyrillic script, the default for Kazakh.
    Kk,
    /// Kazakh in the Latin script of 2021.
    KkLatn,
    /// Uyghur in Arabic script (right to left).
    Ug,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Ru, Lang::Kk, Lang::KkLatn, Lang::Ug];

    /// The BCP 47 tag, also the name of its folder under `i18n/`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::KkLatn => "kk-Latn",
            Lang::Ug => "ug",
        }
    }

    /// The language's name in itself, for a language menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Kk => "Қазақша",
            Lang::KkLatn => "Qazaqşa",
            Lang::Ug => "ئۇيغۇرچە",
        }
    }

    /// Whether the language is written right to left.
    pub fn rtl(self) -> bool {
        self == Lang::Ug
    }

    /// The HTML `dir` of the language.
    pub fn dir(self) -> &'static str {
        if self.rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language a tag names, as users and locales write it: `kk`, `kk-KZ`,
    /// `kk_KZ.UTF-8`, `kk-Latn`, `kk_KZ@latin`, `ug_CN.UTF-8`, `ru-RU`, `en_GB`. `None` for
    /// a language Amanat does not speak (and for `C` and `POSIX`).
    pub fn parse(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let (tag, modifier) = match tag.split_once('@') {
            Some((t, m)) => (t.to_owned(), Some(m.to_owned())),
            None => (tag, None),
        };
        // The encoding of a POSIX locale (`.UTF-8`) says nothing of the language.
        let tag = tag.split('.').next().unwrap_or_default();
        let mut parts = tag.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let latin = modifier.as_deref() == Some("latin") || parts.any(|p| p == "latn");
        match language {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "kk" if latin => Some(Lang::KkLatn),
            "kk" => Some(Lang::Kk),
            "ug" => Some(Lang::Ug),
            _ => None,
        }
    }

    /// The language to speak: `--lang`, then `AMANAT_LANG`, then the system locale
    /// (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set), then English. The first of these
    /// that is set decides; a language Amanat does not speak gives English, without an error.
    pub fn choose(flag: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Lang {
        let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let chosen = flag
            .map(str::to_owned)
            .or_else(|| set(env("AMANAT_LANG")))
            .or_else(|| {
                ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .find_map(|k| set(env(k)))
            });
        chosen.and_then(|t| Lang::parse(&t)).unwrap_or(Lang::En)
    }

    fn id(self) -> LanguageIdentifier {
        self.code()
            .parse()
            .expect("the codes are valid BCP 47 tags")
    }
}

/// Each language's messages, loaded from the embedded files the first time they are asked
/// for (a command parses only its own language's file and English's).
static LOADERS: [OnceLock<FluentLanguageLoader>; 5] = [const { OnceLock::new() }; Lang::ALL.len()];

/// The messages of `lang`, falling back to English.
pub fn loader(lang: Lang) -> &'static FluentLanguageLoader {
    let i = Lang::ALL
        .iter()
        .position(|l| *l == lang)
        .expect("ALL holds every language");
    LOADERS[i].get_or_init(|| {
        let loader = FluentLanguageLoader::new("amanat", Lang::En.id());
        i18n_embed::LanguageLoader::load_languages(&loader, &Localizations, &[lang.id()])
            .expect("the embedded message files parse (the tests load each)");
        loader.set_use_isolating(false);
        loader
    })
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the process's language, once, before the first message (the command line does it
/// first thing); later calls change nothing.
pub fn set(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The process's language: English until [`set`].
pub fn current() -> Lang {
    CURRENT.get().copied().unwrap_or(Lang::En)
}

/// A message of the Fluent files, by a dynamic id, in `lang` (falling back to English);
/// `None` if no language has it. For the command line's help, whose ids follow its commands.
pub fn lookup(lang: Lang, id: &str) -> Option<String> {
    let l = loader(lang);
    l.has(id).then(|| l.get(id))
}

/// A message in the process's language, checked at compile time against the English file:
/// `tr!("message-id")`, `tr!("message-id", count = n, name = s)`.
#[macro_export]
macro_rules! tr {
    ($($args:tt)*) => {
        $crate::tr_in!($crate::i18n::current(), $($args)*)
    };
}

/// A message in a given language: `tr_in!(lang, "message-id", name = s)`.
#[macro_export]
macro_rules! tr_in {
    ($lang:expr, $($args:tt)*) => {
        i18n_embed_fl::fl!($crate::i18n::loader($lang), $($args)*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_locales_name_their_language() {
        for (tag, lang) in [
            ("en", Some(Lang::En)),
            ("en_GB.UTF-8", Some(Lang::En)),
            ("ru", Some(Lang::Ru)),
            ("ru_RU.UTF-8", Some(Lang::Ru)),
            ("kk", Some(Lang::Kk)),
            ("kk_KZ.UTF-8", Some(Lang::Kk)),
            ("kk-Cyrl-KZ", Some(Lang::Kk)),
            ("kk-Latn", Some(Lang::KkLatn)),
            ("KK-latn-kz", Some(Lang::KkLatn)),
            ("kk_KZ.UTF-8@latin", Some(Lang::KkLatn)),
            ("ug", Some(Lang::Ug)),
            ("ug_CN.UTF-8", Some(Lang::Ug)),
            ("ug-Arab", Some(Lang::Ug)),
            ("de_DE.UTF-8", None),
            ("C", None),
            ("POSIX", None),
            ("C.UTF-8", None),
            ("", None),
            ("kkk", None),
        ] {
            assert_eq!(Lang::parse(tag), lang, "{tag:?}");
        }
    }

    #[test]
    fn the_first_source_set_decides_and_unknown_is_english() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::choose(None, env(&[])), Lang::En);
        assert_eq!(
            Lang::choose(Some("ru"), env(&[("AMANAT_LANG", "kk")])),
            Lang::Ru
        );
        assert_eq!(
            Lang::choose(None, env(&[("AMANAT_LANG", "kk"), ("LANG", "ru")])),
            Lang::Kk
        );
        assert_eq!(
            Lang::choose(
                None,
                env(&[
                    ("LC_ALL", "ug_CN.UTF-8"),
                    ("LC_MESSAGES", "ru"),
                    ("LANG", "kk")
                ])
            ),
            Lang::Ug
        );
        assert_eq!(
            Lang::choose(None, env(&[("LC_MESSAGES", "ru"), ("LANG", "kk")])),
            Lang::Ru
        );
        assert_eq!(
            Lang::choose(None, env(&[("LC_ALL", ""), ("LANG", "kk_KZ.UTF-8")])),
            Lang::Kk
        );
        assert_eq!(Lang::choose(Some("tlh"), env(&[("LANG", "ru")])), Lang::En);
        assert_eq!(
            Lang::choose(None, env(&[("AMANAT_LANG", "de"), ("LANG", "ru")])),
            Lang::En
        );
    }

    #[test]
    fn every_language_loads_and_speaks_its_own_words() {
        for lang in Lang::ALL {
            let l = loader(lang);
            assert!(l.has("tour-intro"), "{}", lang.code());
        }
        assert!(lookup(Lang::Ru, "help-usage").is_some_and(|u| u == "Использование"));
        assert!(lookup(Lang::Ug, "no-such-message").is_none());
        assert_eq!(Lang::Ug.dir(), "rtl");
        assert_eq!(Lang::KkLatn.dir(), "ltr");
    }
}
