//! The words of an error's detail, kept as a message of the Fluent files and its arguments
//! until a front end words them in its reader's language: why a date is invalid, why a
//! bundle was rejected, what in a record is damaged. Every layer builds them with
//! [`words!`](crate::words), which checks at compile time, as `tr!` does, that the English
//! file has the message and each argument; their `Display` is English, for logs, `--json`
//! and the library's tests.
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use super::{loader, Lang};
use crate::error::Error;

/// A message id and its arguments, worded when shown ([`Words::in_lang`]).
#[derive(Clone)]
pub struct Words(Inner);

#[derive(Clone)]
enum Inner {
    Message {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    /// Text a front end already worded in its reader's language.
    Said(String),
}

/// An argument of a message: text quoted as it is (a path, a name, another program's
/// error), a number (which chooses a plural form), words of their own, or an error whose
/// words give the reason.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(u64),
    Words(Box<Words>),
    Error(Arc<Error>),
}

impl Words {
    /// Use [`words!`](crate::words), which checks the id and the arguments.
    #[doc(hidden)]
    pub fn new(id: &'static str, args: Vec<(&'static str, Arg)>) -> Words {
        Words(Inner::Message { id, args })
    }

    /// Text a front end has already worded in its reader's language (never the library's:
    /// its words go through [`words!`](crate::words)).
    pub fn said(text: impl Into<String>) -> Words {
        Words(Inner::Said(text.into()))
    }

    /// The message id, `None` for [`Words::said`] text.
    pub fn id(&self) -> Option<&'static str> {
        match &self.0 {
            Inner::Message { id, .. } => Some(id),
            Inner::Said(_) => None,
        }
    }

    /// The words in `lang`, falling back to English for a message `lang` lacks.
    pub fn in_lang(&self, lang: Lang) -> String {
        self.worded(lang, false)
    }

    /// [`Words::in_lang`] for a web page: every text argument is isolated (U+2068 …
    /// U+2069), so that a path or a name keeps its own order in a right-to-left sentence.
    pub fn isolated(&self, lang: Lang) -> String {
        self.worded(lang, true)
    }

    fn worded(&self, lang: Lang, iso: bool) -> String {
        let w = |s: String| match iso {
            true => format!("\u{2068}{s}\u{2069}"),
            false => s,
        };
        let (id, args) = match &self.0 {
            Inner::Said(s) => return s.clone(),
            Inner::Message { id, args } => (id, args),
        };
        let mut map = HashMap::new();
        for (k, v) in args {
            match v {
                Arg::Text(s) => map.insert(*k, w(s.clone()).into()),
                Arg::Number(n) => map.insert(*k, (*n).into()),
                Arg::Words(words) => map.insert(*k, words.worded(lang, iso).into()),
                Arg::Error(e) => map.insert(*k, super::errors::worded(lang, e, iso).into()),
            };
        }
        loader(lang).get_args_concrete(id, map)
    }
}

/// The same words, in English: two messages that say the same thing are equal.
impl PartialEq for Words {
    fn eq(&self, other: &Words) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Words {}

impl fmt::Display for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

impl fmt::Debug for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Message { id, args } => f.debug_tuple("Words").field(id).field(args).finish(),
            Inner::Said(s) => f.debug_tuple("Said").field(s).finish(),
        }
    }
}

impl serde::Serialize for Words {
    /// English, as the rest of what scripts read.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}

impl From<&Path> for Arg {
    fn from(p: &Path) -> Arg {
        Arg::Text(p.display().to_string())
    }
}

impl From<&std::path::PathBuf> for Arg {
    fn from(p: &std::path::PathBuf) -> Arg {
        Arg::Text(p.display().to_string())
    }
}

impl From<Error> for Arg {
    fn from(e: Error) -> Arg {
        Arg::Error(Arc::new(e))
    }
}

/// An error's own words, as the detail of another report (its message in the reader's
/// language, frame included).
impl From<Error> for Words {
    fn from(e: Error) -> Words {
        crate::words!("d-io-other", why = e)
    }
}

impl From<Words> for Arg {
    fn from(w: Words) -> Arg {
        Arg::Words(Box::new(w))
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {
        $(impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(u64::from(n))
            }
        })*
    };
}
numbers!(u8, u16, u32, u64);

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(u64::try_from(n).unwrap_or(u64::MAX))
    }
}

/// Words of the Fluent files for an error's detail: `words!("d-date", value = s)`. The
/// English file must have the message and every argument named (checked at compile time);
/// an argument is text, a number or other [`Words`].
#[macro_export]
macro_rules! words {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {{
        $(let $k = $crate::i18n::words::Arg::from($v);)*
        if false {
            // Never run: checks the id and the argument names against the English file.
            let _ = i18n_embed_fl::fl!(
                $crate::i18n::loader($crate::i18n::Lang::En),
                $id $(, $k = "")*
            );
        }
        $crate::i18n::words::Words::new($id, vec![$((stringify!($k), $k)),*])
    }};
}
