//! `amanat vocab`: the terms (places, facilities, tags) whose every label search and the
//! tag and place filters take for any other (FORMAT.md 12.4).
use amanat::format::vocab::TermKind;
use amanat::tr;
use amanat::Vault;
use clap::builder::PossibleValuesParser;
use clap::Subcommand;

use super::safe::Safe;
use super::{print, print_json};

#[derive(Subcommand)]
pub enum VocabCommand {
    /// Say that these labels name one term (Құлжа Ghulja Yining 伊宁): search and the tag
    /// and place filters then take any of them for any other. Labels joining a term this
    /// vault added before are added to it
    Add {
        /// Two or more labels, in any scripts
        #[arg(required = true, num_args = 2.., value_name = "LABEL")]
        labels: Vec<String>,
        /// What the term names: place, facility or tag
        #[arg(long, default_value = "place", value_parser = PossibleValuesParser::new(["place", "facility", "tag"]))]
        kind: String,
    },
    /// List the terms: the built-in list for the region, then this vault's
    List {
        /// Only terms of this kind: place, facility or tag
        #[arg(long, value_parser = PossibleValuesParser::new(["place", "facility", "tag"]))]
        kind: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove the term this vault added that has this label (the built-in ones stay)
    Rm {
        /// One of the term's labels
        label: String,
    },
}

pub fn vocab(v: &Vault, c: VocabCommand) -> anyhow::Result<u8> {
    match c {
        VocabCommand::Add { labels, kind } => {
            let kind = TermKind::parse(&kind).expect("clap checked the kind");
            let added = v.vocab_add(kind, &labels)?;
            let labels = joined(&added.labels);
            let line = match added.extended {
                true => tr!("cli-vocab-extended", labels = labels),
                false => tr!("cli-vocab-added", labels = labels),
            };
            eprintln!("{line}");
        }
        VocabCommand::List { kind, json } => {
            let kind = kind.as_deref().and_then(TermKind::parse);
            let terms: Vec<_> = v
                .vocabulary()?
                .into_iter()
                .filter(|(t, _)| kind.is_none_or(|k| t.kind == k))
                .collect();
            if json {
                let out: Vec<serde_json::Value> = terms
                    .iter()
                    .map(|(t, built_in)| {
                        serde_json::json!({"kind": t.kind.as_str(), "labels": t.labels, "built_in": built_in})
                    })
                    .collect();
                print_json(&out)?;
                return Ok(0);
            }
            let mut s = String::new();
            for (t, built_in) in &terms {
                let mark = if *built_in { " " } else { "+" };
                s.push_str(&format!(
                    "{mark} {:<8} {}\n",
                    t.kind.as_str(),
                    joined(&t.labels)
                ));
            }
            print(&s)?;
        }
        VocabCommand::Rm { label } => {
            let t = v.vocab_remove(&label)?;
            eprintln!("{}", tr!("cli-vocab-removed", labels = joined(&t.labels)));
        }
    }
    Ok(0)
}

fn joined(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| Safe(l).to_string())
        .collect::<Vec<_>>()
        .join(" = ")
}
