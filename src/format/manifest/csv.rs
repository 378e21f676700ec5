//! Records as a CSV of their metadata in the shape HURIDOCS Uwazi imports (FORMAT.md 11.1):
//! one row a record, one column a property, the values of a cell that holds several
//! separated by `|`. A partner bundle made with `export --csv` carries it as `import.csv`,
//! written from the manifest's records (so it says nothing the manifest does not), and
//! `ingest` reads the same shape.
use super::ManifestRecord;
use crate::error::Words;
use crate::format::case::Case;
use crate::words;

/// Where a partner bundle carries its CSV.
pub const CSV_PATH: &str = "import.csv";

/// The columns `export --csv` writes, in order; `ingest` reads these and `identity`.
pub const COLUMNS: [&str; 17] = [
    "title",
    "date",
    "place",
    "tags",
    "witness",
    "language",
    "interviewer",
    "note",
    "persons",
    "relations",
    "statuses",
    "verification",
    "consent",
    "case",
    "testimony",
    "attachments",
    "amanat_id",
];

/// What separates the values of a cell that holds several (Uwazi's multi-value separator).
pub const SEPARATOR: char = '|';

/// A header as Uwazi matches it to a property: trimmed, lower case, spaces as `_`, without a
/// byte order mark.
pub fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(' ', "_")
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first), or one that begins with `'`, gets a `'` in front, which spreadsheets
/// show as text; [`unguard`] takes it off again.
pub fn guard(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A cell as [`guard`] wrote it, without the `'` it added.
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// The values of a cell that holds several; empty values are dropped.
pub fn split(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Values joined into one cell; a value holding the separator cannot be told apart.
fn join<'a>(
    column: &str,
    values: impl IntoIterator<Item = &'a str>,
) -> std::result::Result<String, Words> {
    let values: Vec<&str> = values.into_iter().collect();
    if let Some(v) = values.iter().find(|v| v.contains(SEPARATOR)) {
        return Err(words!(
            "d-csv-separator",
            column = column,
            value = format!("{v:?}")
        ));
    }
    Ok(values.join("|"))
}

/// The cells of the case's columns (`persons` … `case`), empty without one.
pub fn case_cells(case: Option<&Case>) -> std::result::Result<[String; 6], Words> {
    let Some(c) = case else {
        return Ok(Default::default());
    };
    let persons: Vec<String> = c.persons.iter().map(|p| p.compact()).collect();
    let relations: Vec<String> = c.relations.iter().map(|r| r.compact()).collect();
    let statuses: Vec<String> = c.statuses.iter().map(|s| s.compact()).collect();
    Ok([
        join("persons", persons.iter().map(String::as_str))?,
        join("relations", relations.iter().map(String::as_str))?,
        join("statuses", statuses.iter().map(String::as_str))?,
        c.verification
            .last()
            .map(|v| v.level.as_str().to_owned())
            .unwrap_or_default(),
        c.consent
            .as_ref()
            .map(|k| k.scope.as_str().to_owned())
            .unwrap_or_default(),
        serde_json::to_string(c).expect("cases serialize"),
    ])
}

/// The CSV of a partner bundle's records: a header of [`COLUMNS`], then a row a record.
/// Identity parts are never named in it; a record's testimony goes in `testimony`, its
/// attachments and recognised text in `attachments`, as paths in the bundle.
pub fn write(records: &[ManifestRecord]) -> std::result::Result<Vec<u8>, Words> {
    let mut rows = Rows::new(Vec::new())?;
    for r in records {
        rows.row(r)?;
    }
    let csv = rows.finish()?;
    check_size(csv.len() as u64)?;
    Ok(csv)
}

/// [`write()`] a row at a time, into any writer (an import hashes the CSV of the records it
/// reads as they stream by, without keeping them).
pub struct Rows<W: std::io::Write>(::csv::Writer<W>);

fn csv_error(e: ::csv::Error) -> Words {
    words!("d-io-other", why = e.to_string())
}

impl<W: std::io::Write> Rows<W> {
    /// Writes the header.
    pub fn new(out: W) -> std::result::Result<Rows<W>, Words> {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(COLUMNS).map_err(csv_error)?;
        Ok(Rows(w))
    }

    /// Writes `r`'s row.
    pub fn row(&mut self, r: &ManifestRecord) -> std::result::Result<(), Words> {
        let parts = |kinds: &[&str]| {
            r.parts
                .iter()
                .filter(|p| kinds.contains(&p.kind.as_str()))
                .map(|p| p.path.as_str())
                .collect::<Vec<_>>()
        };
        let [persons, relations, statuses, verification, consent, case] =
            case_cells(r.case.as_ref())?;
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let row = [
            r.title.clone(),
            opt(&r.date),
            opt(&r.place),
            join("tags", r.tags.iter().map(String::as_str))?,
            opt(&r.witness),
            opt(&r.language),
            opt(&r.interviewer),
            opt(&r.note),
            persons,
            relations,
            statuses,
            verification,
            consent,
            case,
            parts(&["testimony"])
                .first()
                .copied()
                .unwrap_or("")
                .to_owned(),
            join("attachments", parts(&["attachment", "recognised"]))?,
            r.id.clone(),
        ];
        (self.0)
            .write_record(row.iter().map(|c| guard(c)))
            .map_err(csv_error)
    }

    /// Flushes the rows, and gives the writer back.
    pub fn finish(self) -> std::result::Result<W, Words> {
        (self.0)
            .into_inner()
            .map_err(|e| words!("d-io-other", why = e.to_string()))
    }
}

/// A CSV no larger than a receiver reads ([`super::MAX_SMALL_FILE`]): quotes doubled and
/// the case written twice can make it larger than the manifest.
pub fn check_size(len: u64) -> std::result::Result<(), Words> {
    if len > super::MAX_SMALL_FILE {
        return Err(words!(
            "d-csv-too-large",
            mib = len.div_ceil(1 << 20),
            max = super::MAX_SMALL_FILE >> 20
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guarded_cell_reads_back_as_it_was() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-", "@a", "'quoted", "plain", ""] {
            let g = guard(cell);
            assert!(!g.starts_with(['=', '+', '-', '@']), "{g}");
            assert_eq!(unguard(&g), cell);
        }
    }

    #[test]
    fn a_csv_is_no_larger_than_a_receiver_reads() {
        assert!(check_size(super::super::MAX_SMALL_FILE).is_ok());
        assert!(check_size(super::super::MAX_SMALL_FILE + 1).is_err());
    }

    #[test]
    fn headers_match_as_uwazi_matches_them() {
        assert_eq!(header_key("\u{feff} Amanat Id "), "amanat_id");
        assert_eq!(header_key("Title"), "title");
    }
}
