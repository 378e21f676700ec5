//! clap's parse errors in the user's language: an unknown argument, a missing or invalid
//! value, a wrong subcommand. clap words them in English only; outside English, this
//! formatter words each kind from the error's context (the argument, the value, the
//! suggestions), and the usage line follows with its translated title. English keeps
//! clap's own formatter, colours included.
use std::error::Error as _;

use amanat::tr;
use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};

/// Prints a parse error (or the help or version it carries) in the process's language.
pub fn print(e: clap::Error) -> std::io::Result<()> {
    // Help, the version, English and a kind not worded here: clap's own.
    if amanat::i18n::current() == amanat::i18n::Lang::En || sentence(&e).is_none() {
        return e.print();
    }
    e.apply::<Localized>().print()
}

struct Localized;

impl ErrorFormatter for Localized {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let what = sentence(error)
            .or_else(|| error.kind().as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut out = String::new();
        out.push_str(&tr!("cli-parse-error", what = what));
        if let Some(tip) = tip(error) {
            out.push_str("\n\n  ");
            out.push_str(&tip);
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let line = usage.strip_prefix("Usage:").unwrap_or(&usage).trim();
            out.push_str(&format!("\n\n{}: {line}", tr!("help-usage")));
        }
        out.push_str(&format!("\n\n{}\n", tr!("cli-parse-more")));
        let mut styled = StyledStr::new();
        styled.push_str(&out);
        styled
    }
}

fn text<F: ErrorFormatter>(e: &clap::error::Error<F>, k: ContextKind) -> Option<String> {
    match e.get(k)? {
        ContextValue::String(s) => Some(format!("'{s}'")),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What went wrong, in one sentence; `None` for a kind or context not worded here.
fn sentence<F: ErrorFormatter>(e: &clap::error::Error<F>) -> Option<String> {
    let arg = || text(e, ContextKind::InvalidArg);
    let value = || text(e, ContextKind::InvalidValue);
    Some(match e.kind() {
        ErrorKind::UnknownArgument => tr!("cli-parse-unknown-argument", arg = arg()?),
        ErrorKind::InvalidSubcommand => {
            tr!(
                "cli-parse-unknown-subcommand",
                name = text(e, ContextKind::InvalidSubcommand)?
            )
        }
        ErrorKind::MissingRequiredArgument => tr!("cli-parse-missing", args = arg()?),
        ErrorKind::MissingSubcommand => tr!(
            "cli-parse-missing-subcommand",
            name = text(e, ContextKind::InvalidSubcommand)?,
            values = text(e, ContextKind::ValidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value()? == "''" => {
            tr!("cli-parse-value-missing", arg = arg()?)
        }
        ErrorKind::InvalidValue => match text(e, ContextKind::ValidValue) {
            Some(values) => tr!(
                "cli-parse-invalid-value-of",
                value = value()?,
                arg = arg()?,
                values = values
            ),
            None => tr!("cli-parse-invalid-value", value = value()?, arg = arg()?),
        },
        ErrorKind::ValueValidation => tr!(
            "cli-parse-validation",
            value = value()?,
            arg = arg()?,
            why = e.source().map(|s| s.to_string()).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict if text(e, ContextKind::PriorArg) == arg() => {
            tr!("cli-parse-twice", arg = arg()?)
        }
        ErrorKind::ArgumentConflict => tr!(
            "cli-parse-conflict",
            arg = arg()?,
            other = text(e, ContextKind::PriorArg)?
        ),
        ErrorKind::NoEquals => tr!("cli-parse-no-equals", arg = arg()?),
        ErrorKind::TooManyValues => tr!("cli-parse-too-many", value = value()?, arg = arg()?),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => tr!(
            "cli-parse-wrong-number",
            arg = arg()?,
            expected = text(e, ContextKind::ExpectedNumValues)
                .or_else(|| text(e, ContextKind::MinValues))?,
            actual = text(e, ContextKind::ActualNumValues)?
        ),
        ErrorKind::InvalidUtf8 => tr!("cli-parse-utf8"),
        _ => return None,
    })
}

/// clap's suggestion, if it made one: a similar argument, subcommand or value, or `--`
/// before a value that looks like a flag.
fn tip<F: ErrorFormatter>(e: &clap::error::Error<F>) -> Option<String> {
    if let Some(ContextValue::Bool(true)) = e.get(ContextKind::TrailingArg) {
        return Some(tr!(
            "cli-parse-tip-dash",
            value = text(e, ContextKind::InvalidArg)?
        ));
    }
    [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| text(e, k))
    .map(|similar| tr!("cli-parse-tip", similar = similar))
}
