//! The command line's help in the user's language.
//!
//! The English help is the doc comments of the argument definitions (`clap`'s derive), kept
//! in one place: the English file has none of the ids below. Every other language gives each
//! text in its Fluent file, by an id that follows the command: `cmd-<path>` for a command's
//! summary, `cmd-<path>-long` for its longer text, `arg-<path>-<argument>` for an argument's
//! (the path of `amanat contact add` is `contact-add`; of the top level, `amanat`). The tests
//! below check that every language but English has every id, and no id that names nothing.
use amanat::i18n::{self, Lang};
use amanat::tr_in;
use clap::Command;

/// `cmd` with its help texts, and those of every subcommand, in the process's language.
pub fn localized(cmd: Command) -> Command {
    let lang = i18n::current();
    let mut cmd = localize(cmd, "amanat", lang);
    // clap adds `--help`, `--version` and the `help` command when it builds the definition:
    // built now, so that they are worded too.
    cmd.build();
    builtins(cmd, lang)
}

/// The flags and the command clap adds, in `lang`, under the same heading as the others.
fn builtins(mut cmd: Command, lang: Lang) -> Command {
    for (id, key) in [("help", "help-flag"), ("version", "help-version-flag")] {
        if cmd.get_arguments().any(|a| a.get_id() == id) {
            cmd = cmd.mut_arg(id, |a| {
                let text = i18n::lookup(lang, key).unwrap_or_default();
                a.help(text.clone())
                    .long_help(text)
                    .help_heading(tr_in!(lang, "help-options"))
            });
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |s| {
            let s = builtins(s, lang);
            match name.as_str() {
                "help" => s.about(tr_in!(lang, "help-subcommand")),
                _ => s,
            }
        });
    }
    cmd
}

/// clap's help layout, with its one heading in the language.
fn template(lang: Lang) -> String {
    format!(
        "{{before-help}}{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        tr_in!(lang, "help-usage")
    )
}

fn localize(mut cmd: Command, path: &str, lang: Lang) -> Command {
    if let Some(t) = i18n::lookup(lang, &format!("cmd-{path}")) {
        cmd = cmd.about(t);
    }
    if let Some(t) = i18n::lookup(lang, &format!("cmd-{path}-long")) {
        cmd = cmd.long_about(t);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("arg-{path}-{id}");
        cmd = cmd.mut_arg(&id, |mut a| {
            if let Some(t) = i18n::lookup(lang, &key) {
                a = a.help(t);
            }
            if let Some(t) = i18n::lookup(lang, &format!("{key}-long")) {
                a = a.long_help(t);
            }
            if a.get_help_heading().is_none() {
                a = a.help_heading(tr_in!(lang, "help-options"));
            }
            a
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in subs {
        let sub = sub_path(path, &name);
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub, lang));
    }
    cmd.help_template(template(lang))
        .subcommand_help_heading(tr_in!(lang, "help-commands"))
        // Placeholders stay as the definitions name them (COMMAND, like DIR and PATH).
        .subcommand_value_name("COMMAND")
}

/// The path of subcommand `name` of the command at `path`, as help ids name it.
fn sub_path(path: &str, name: &str) -> String {
    if path == "amanat" {
        name.to_owned()
    } else {
        format!("{path}-{name}")
    }
}

#[cfg(test)]
/// Every command and argument help id the command line has, with its English text from the
/// definitions: what the tests below check the Fluent files against.
pub fn ids(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(t) = cmd.get_about() {
        out.push((format!("cmd-{path}"), t.to_string()));
    }
    if let Some(t) = cmd.get_long_about() {
        out.push((format!("cmd-{path}-long"), t.to_string()));
    }
    for a in cmd.get_arguments() {
        let key = format!("arg-{path}-{}", a.get_id());
        if let Some(t) = a.get_help() {
            out.push((key.clone(), t.to_string()));
        }
        if let Some(t) = a.get_long_help() {
            out.push((format!("{key}-long"), t.to_string()));
        }
    }
    for s in cmd.get_subcommands() {
        ids(s, &sub_path(path, s.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The help ids of a language's file.
    fn help_ids_of(lang: Lang) -> Vec<String> {
        let l = i18n::loader(lang);
        let id = lang.code().parse().unwrap();
        l.with_message_iter(&id, |msgs| {
            msgs.map(|m| m.id.name.to_owned())
                .filter(|n| n.starts_with("cmd-") || n.starts_with("arg-"))
                .collect()
        })
    }

    #[test]
    fn every_language_has_the_help_of_every_command_and_argument_and_no_other() {
        let mut known = Vec::new();
        ids(&super::super::Cli::command(), "amanat", &mut known);
        assert!(known.len() > 150, "{}", known.len());
        let known: std::collections::BTreeSet<String> = known.into_iter().map(|(k, _)| k).collect();
        assert!(
            help_ids_of(Lang::En).is_empty(),
            "English help is in the doc comments"
        );
        for lang in Lang::ALL.into_iter().skip(1) {
            let have: std::collections::BTreeSet<String> = help_ids_of(lang).into_iter().collect();
            let unknown: Vec<&String> = have.difference(&known).collect();
            assert!(
                unknown.is_empty(),
                "{}: {unknown:?} name nothing",
                lang.code()
            );
            let missing: Vec<&String> = known.difference(&have).collect();
            assert!(
                missing.is_empty(),
                "{} lacks the help {missing:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn a_translated_help_text_replaces_the_english_one() {
        let cmd = localize(super::super::Cli::command(), "amanat", Lang::Ru);
        assert_eq!(cmd.get_subcommand_help_heading(), Some("Команды"));
    }
}
