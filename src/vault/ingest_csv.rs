//! Ingest of a CSV in the shape `export --csv` writes and HURIDOCS Uwazi imports (FORMAT.md
//! 11.1): a header naming columns, then a row a record. Every cell is read as an ingest
//! line's field is; a header naming a column this does not read refuses the whole file, so
//! that nothing is silently left out.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ingest::IngestLine;
use crate::error::{Error, Result, Words};
use crate::format::case::{Case, Person, Relation, StatusEvent, Unread};
use crate::format::manifest::csv::{case_cells, header_key, split, unguard, COLUMNS};
use crate::words;

/// The columns of the case that are written from it (`persons` … `consent`), in the order
/// of [`case_cells`].
const DERIVED: [&str; 5] = [
    "persons",
    "relations",
    "statuses",
    "verification",
    "consent",
];

/// One row's cells by column.
struct Row<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl Row<'_> {
    /// The cell of `column`, as written before [`crate::format::manifest::csv::guard`]; `None` if
    /// empty or not there.
    fn get(&self, column: &str) -> Option<String> {
        let c = unguard(self.cells.get(column)?);
        (!c.trim().is_empty()).then(|| c.to_owned())
    }
}

/// The rows of `text` as ingest lines, each with its line number, or why that row was not
/// read. An unknown, repeated or missing header is an error for the whole file.
pub fn rows(
    text: &str,
    base: &Path,
) -> Result<Vec<(usize, std::result::Result<IngestLine, Words>)>> {
    let first = text.lines().next().unwrap_or("");
    // Uwazi takes a comma or a semicolon, as a spreadsheet writes it.
    let delimiter = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    let mut r = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let bad = |why: Words| Error::Invalid(words!("d-csv-header", why = why));
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| bad(words!("d-io-other", why = e.to_string())))?
        .iter()
        .map(header_key)
        .collect();
    let known = |h: &str| COLUMNS.contains(&h) || h == "identity";
    let unknown: Vec<&str> = headers
        .iter()
        .map(String::as_str)
        .filter(|h| !known(h))
        .collect();
    if !unknown.is_empty() {
        return Err(bad(words!(
            "d-csv-unknown-columns",
            columns = unknown.join(", "),
            known = format!("{}, identity", COLUMNS.join(", "))
        )));
    }
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(bad(words!("d-csv-column-twice", column = h.clone())));
        }
    }
    if !headers.iter().any(|h| h == "title") {
        return Err(bad(words!("d-csv-no-title")));
    }
    let mut out = Vec::new();
    for (i, record) in r.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| p.line() as usize);
        let row = match record {
            Ok(record) => line_of(&headers, &record, base),
            Err(e) => Err(words!("d-io-other", why = e.to_string())),
        };
        out.push((line, row));
    }
    Ok(out)
}

/// One row as an ingest line.
fn line_of(
    headers: &[String],
    record: &::csv::StringRecord,
    base: &Path,
) -> std::result::Result<IngestLine, Words> {
    let row = Row {
        cells: headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect(),
    };
    let paths = |column: &str| -> std::result::Result<Vec<PathBuf>, Words> {
        let cell = row.get(column).unwrap_or_default();
        split(&cell).map(|p| inside(base, column, p)).collect()
    };
    let path = |column: &str| {
        row.get(column)
            .map(|p| inside(base, column, &p))
            .transpose()
    };
    Ok(IngestLine {
        title: row.get("title").unwrap_or_default(),
        tags: row
            .get("tags")
            .map(|c| split(&c).map(str::to_owned).collect())
            .unwrap_or_default(),
        witness: row.get("witness"),
        language: row.get("language"),
        place: row.get("place"),
        // Uwazi writes dates as YYYY/MM/DD too.
        date: row.get("date").map(|d| d.trim().replace('/', "-")),
        interviewer: row.get("interviewer"),
        note: row.get("note"),
        testimony: path("testimony")?,
        attachments: paths("attachments")?,
        identity: path("identity")?,
        identities: Default::default(),
        case: case_of(&row)?,
    })
}

/// A path a CSV names, which must stay inside the CSV's directory: a CSV often comes from
/// other hands (another tool, a spreadsheet someone sent), and one naming `/home/…/.ssh/…`
/// or `../../` would seal files the user never meant into records that may be shared.
/// A symbolic link that leads out of the folder counts as outside too.
fn inside(base: &Path, column: &str, p: &str) -> std::result::Result<PathBuf, Words> {
    use std::path::Component;
    let path = PathBuf::from(p);
    let lexical = path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    // A file that is not there fails when it is opened, with its own error; any other
    // failure to resolve it (a path longer than resolving takes) counts as outside.
    let resolved = match (base.canonicalize(), base.join(&path).canonicalize()) {
        (Ok(b), Ok(f)) => f.starts_with(b),
        (Ok(_), Err(e)) => e.kind() == std::io::ErrorKind::NotFound,
        (Err(_), _) => false,
    };
    match lexical && resolved {
        true => Ok(path),
        false => Err(words!(
            "d-csv-path-outside",
            column = column,
            path = format!("{p:?}")
        )),
    }
}

/// The row's case: its `case` cell (JSON, as `show --json` prints it), which the cells
/// written from it must then agree with; or, without one, its `persons`, `relations` and
/// `statuses` in their compact forms.
fn case_of(row: &Row<'_>) -> std::result::Result<Case, Words> {
    if let Some(json) = row.get("case") {
        let case: Case = serde_json::from_str(&json)
            .map_err(|e| words!("d-csv-case-json", why = e.to_string()))?;
        let written = case_cells(Some(&case))?;
        for (column, cell) in DERIVED.iter().zip(written) {
            if row.get(column).is_some_and(|c| c != cell) {
                return Err(words!("d-csv-case-disagrees", column = *column));
            }
        }
        return Ok(case);
    }
    for column in ["verification", "consent"] {
        if row.get(column).is_some() {
            return Err(words!("d-csv-needs-case", column = column));
        }
    }
    let mut case = Case::default();
    let each = |column: &'static str| {
        let cell = row.get(column).unwrap_or_default();
        split(&cell).map(str::to_owned).collect::<Vec<_>>()
    };
    let unread = |column: &'static str, value: &str| {
        let value = format!("{value:?}");
        move |u| match u {
            Unread::Shape => words!("d-csv-shape", column = column, value = value.clone()),
            Unread::Word { value: v, words } => {
                words!(
                    "d-csv-word",
                    column = column,
                    value = format!("{v:?}"),
                    words = words
                )
            }
        }
    };
    for p in each("persons") {
        case.persons
            .push(Person::parse_compact(&p).map_err(unread("persons", &p))?);
    }
    for r in each("relations") {
        case.relations
            .push(Relation::parse_compact(&r).map_err(unread("relations", &r))?);
    }
    for s in each("statuses") {
        case.statuses
            .push(StatusEvent::parse_compact(&s).map_err(unread("statuses", &s))?);
    }
    Ok(case)
}
