//! The shape of the code, checked: the modules under `src/` stack in layers (i18n, crypto,
//! format, storage, ocr, vault, bundle, replica, web, then the command line), no module names a layer above
//! its own, no file is longer than 600 lines, and no function is longer than 120 lines
//! unless a comment above it says why ("is long because").
use std::fs;
use std::path::{Path, PathBuf};

/// The layers from the bottom. `error` is shared by every layer; `lib.rs` and `main.rs`
/// stand above them all.
const LAYERS: [&str; 10] = [
    "i18n", "crypto", "format", "storage", "ocr", "vault", "bundle", "replica", "web", "cli",
];
const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 120;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    rust_files(&src(), &mut v);
    v.sort();
    v
}

/// The rank of a module by its first path component (`crypto`, `vault`, …): its place in
/// [`LAYERS`], `None` for the shared `error` and the crate roots.
fn rank(first: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == first)
}

/// The layer a file belongs to.
fn layer_of(file: &Path) -> Option<usize> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_str()
        .unwrap();
    rank(first.trim_end_matches(".rs"))
}

/// The code of a line, without a trailing `//` comment (string contents are kept; a path
/// in a string is rare and would only make the check stricter).
fn code(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find("//") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    }
}

/// The top-level modules a line names through `crate::`: `crate::vault::x` names `vault`,
/// `crate::{format::id, vault}` names `format` and `vault`.
fn crate_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code(line);
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // e.g. `amanat_crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            let mut depth = 0;
            let mut item = String::new();
            for c in group[..end].chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.push(first_segment(&item));
        } else {
            out.push(first_segment(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

fn first_segment(s: &str) -> String {
    s.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let mut upward = Vec::new();
    for file in all_files() {
        let Some(own) = layer_of(&file) else {
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for m in crate_modules(line) {
                if rank(&m).is_some_and(|r| r > own) {
                    upward.push(format!(
                        "{}:{}: {} (layer {}) names {m} (layer {})",
                        file.strip_prefix(src()).unwrap().display(),
                        n + 1,
                        LAYERS[own],
                        own,
                        rank(&m).unwrap()
                    ));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "modules that name a layer above their own:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_layer_check_finds_an_upward_name() {
    assert_eq!(crate_modules("use crate::vault::Vault;"), ["vault"]);
    assert_eq!(
        crate_modules("use crate::{format::id::RecordId, storage::store::Store};"),
        ["format", "storage"]
    );
    assert_eq!(
        crate_modules("    // crate::bundle in a comment"),
        Vec::<String>::new()
    );
    assert_eq!(
        crate_modules("let x = crate::bundle::export::f(); // crate::cli"),
        ["bundle"]
    );
    assert_eq!(layer_of(&src().join("i18n/words.rs")), Some(0));
    assert_eq!(layer_of(&src().join("crypto/seal.rs")), Some(1));
    assert_eq!(layer_of(&src().join("vault/custody/log.rs")), Some(5));
    assert_eq!(layer_of(&src().join("error.rs")), None);
}

#[test]
fn no_file_is_longer_than_600_lines() {
    let long: Vec<String> = all_files()
        .into_iter()
        .filter_map(|f| {
            let n = fs::read_to_string(&f).unwrap().lines().count();
            (n > MAX_FILE_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// Functions in `text` longer than [`MAX_FN_LINES`] with no "is long because" in the
/// comments right above them: (first line, name, length).
fn long_functions(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(name) = fn_name(t) else {
            continue;
        };
        let indent = line.len() - t.len();
        // The body ends at the first `}` at the fn's own indentation.
        let end = lines[i + 1..]
            .iter()
            .position(|l| {
                let lt = l.trim_start();
                l.len() - lt.len() == indent && lt.starts_with('}')
            })
            .map(|p| i + 1 + p);
        let Some(end) = end else { continue };
        let len = end - i + 1;
        if len <= MAX_FN_LINES {
            continue;
        }
        let mut j = i;
        let mut reason = false;
        while j > 0 {
            j -= 1;
            let above = lines[j].trim_start();
            if above.starts_with("//") || above.starts_with("#[") {
                reason |= above.contains("is long because");
            } else {
                break;
            }
        }
        if !reason {
            out.push((i + 1, name, len));
        }
    }
    out
}

fn fn_name(t: &str) -> Option<String> {
    let mut rest = t;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    Some(first_segment(rest))
}

#[test]
fn no_function_is_longer_than_120_lines_without_a_reason() {
    let mut long = Vec::new();
    for f in all_files() {
        for (line, name, len) in long_functions(&fs::read_to_string(&f).unwrap()) {
            long.push(format!("{}:{line}: fn {name}, {len} lines", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines with no \"is long because\" above them:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_length_check_finds_a_long_function() {
    let body = "    x();\n".repeat(MAX_FN_LINES);
    let text = format!("/// Doc.\npub fn f() {{\n{body}}}\n");
    assert_eq!(
        long_functions(&text),
        [(2, "f".to_owned(), MAX_FN_LINES + 2)]
    );
    let excused = format!("/// Doc. It is long because it must be.\npub fn f() {{\n{body}}}\n");
    assert!(long_functions(&excused).is_empty());
    let short = "fn g() {\n    x();\n}\n";
    assert!(long_functions(short).is_empty());
}

/// The crash and pause hooks read their variables in one file only, where every function
/// that reads them is compiled only with the `test-hooks` feature (`.ci/run` checks the
/// release binary itself for the names).
#[test]
fn only_the_fault_module_reads_the_test_hooks_variables() {
    let mut readers = Vec::new();
    for f in all_files() {
        let text = fs::read_to_string(&f).unwrap();
        if (text.contains("\"AMANAT_CRASH_AT\"") || text.contains("\"AMANAT_PAUSE_AT\""))
            && !f.ends_with("storage/faults.rs")
        {
            readers.push(f.display().to_string());
        }
    }
    assert!(
        readers.is_empty(),
        "hooks read outside storage/faults.rs: {readers:?}"
    );
    let faults = fs::read_to_string(src().join("storage/faults.rs")).unwrap();
    for (i, line) in faults.lines().enumerate() {
        if line.contains("std::env::var_os") {
            let before: Vec<&str> = faults.lines().take(i).collect();
            let gated = before
                .iter()
                .rev()
                .find(|l| l.starts_with("#[cfg"))
                .copied();
            assert_eq!(
                gated,
                Some("#[cfg(feature = \"test-hooks\")]"),
                "line {} reads a variable outside the feature",
                i + 1
            );
        }
    }
}

/// sled is named in `storage` only: every other layer reads through `storage::store::Tree`
/// and writes through `Ops` and `Store::apply`.
#[test]
fn only_storage_names_sled() {
    let mut named = Vec::new();
    for f in all_files() {
        let rel = f.strip_prefix(src()).unwrap();
        if rel.starts_with("storage") {
            continue;
        }
        for (n, line) in fs::read_to_string(&f).unwrap().lines().enumerate() {
            if code(line).contains("sled::") {
                named.push(format!("{}:{}", rel.display(), n + 1));
            }
        }
    }
    assert!(named.is_empty(), "sled named outside storage/: {named:?}");
}

/// The library names no command-line flag in what it says: a refusal is typed, and
/// `src/cli/errors.rs` words it with the flags. (The arguments `ocr` gives the programs it
/// runs are not what it says.)
#[test]
fn the_library_names_no_command_line_flag() {
    let mut named = Vec::new();
    for f in all_files() {
        let rel = f.strip_prefix(src()).unwrap();
        if rel.starts_with("cli") || rel == Path::new("main.rs") {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        // Test code may drive the command line.
        let product = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in product.lines().enumerate() {
            let code = code(line);
            let mut rest = code;
            while let Some(i) = rest.find('"') {
                let after = &rest[i + 1..];
                let Some(j) = after.find('"') else { break };
                let literal = &after[..j];
                // `ocr` runs Tesseract and Poppler: a literal that is one of their flags
                // alone is an argument to them, not words for the user.
                let argument = rel.starts_with("ocr") && !literal.contains(' ');
                if !argument
                    && literal
                        .split(|c: char| c.is_whitespace() || c == '(' || c == '`')
                        .any(|w| {
                            w.starts_with("--")
                                && w[2..].starts_with(|c: char| c.is_ascii_lowercase())
                        })
                {
                    named.push(format!("{}:{}: {literal}", rel.display(), n + 1));
                }
                rest = &after[j + 1..];
            }
        }
    }
    assert!(
        named.is_empty(),
        "flags named in the library:\n{}",
        named.join("\n")
    );
}

/// The module a file belongs to, two levels deep: `crypto::seal`, `vault::custody`, `error`.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| c != "mod")
        .collect();
    parts.iter().take(2).cloned().collect::<Vec<_>>().join("::")
}

/// The modules two levels deep that a line names through `crate::a::b`.
fn crate_module_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code(line);
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let first = first_segment(rest);
        let after = &rest[first.len()..];
        let second = after
            .strip_prefix("::")
            .map(first_segment)
            .unwrap_or_default();
        if !first.is_empty() && !second.is_empty() && second.chars().next().unwrap().is_lowercase()
        {
            out.push(format!("{first}::{second}"));
        }
    }
    out
}

/// A cycle in `edges`, if there is one.
fn find_cycle(
    edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        state: &mut std::collections::HashMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        path.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let start = path.iter().position(|p| p == m).unwrap();
                    let mut cycle = path[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, edges, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = std::collections::HashMap::new();
    for n in edges.keys() {
        if !state.contains_key(n.as_str()) {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Modules import each other one way only: among the modules two levels deep (a module and
/// its own submodules aside), the graph of `crate::` paths has no cycle.
#[test]
fn the_module_graph_has_no_cycle() {
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for f in all_files() {
        if layer_of(&f).is_none() || layer_of(&f) == rank("cli") {
            continue;
        }
        let from = module_of(&f);
        let text = fs::read_to_string(&f).unwrap();
        let product = text.split("#[cfg(test)]").next().unwrap();
        for line in product.lines() {
            for to in crate_module_paths(line) {
                let related = to == from
                    || to.starts_with(&format!("{from}::"))
                    || from.starts_with(&format!("{to}::"))
                    || !from.contains("::");
                if !related {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    assert_eq!(find_cycle(&edges), None, "a cycle among modules");
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    edges
        .entry("a::x".into())
        .or_default()
        .insert("a::y".into());
    edges
        .entry("a::y".into())
        .or_default()
        .insert("b::z".into());
    assert_eq!(find_cycle(&edges), None);
    edges
        .entry("b::z".into())
        .or_default()
        .insert("a::x".into());
    assert!(find_cycle(&edges).is_some());
    assert_eq!(
        crate_module_paths("use crate::crypto::seal::{self, Recipients};"),
        ["crypto::seal"]
    );
    assert_eq!(
        module_of(&src().join("vault/custody/log.rs")),
        "vault::custody"
    );
    assert_eq!(module_of(&src().join("crypto/seal.rs")), "crypto::seal");
}
