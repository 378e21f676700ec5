//! Vocabularies (FORMAT.md 12.4): terms (places, facilities, tags) with labels in several
//! scripts, so that search and filters find a record whichever way its text spells a name
//! (Үрімші = Ürımşı = Urumqi = Ürümqi = ئۈرۈمچى = 乌鲁木齐). A small list for the region is
//! built in; a vault adds its own terms, sealed in its `contacts` tree.
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::Words;
use crate::words;

/// What a term names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
pub enum TermKind {
    #[serde(rename = "place")]
    Place,
    #[serde(rename = "facility")]
    Facility,
    #[serde(rename = "tag")]
    Tag,
}

impl TermKind {
    pub const ALL: [TermKind; 3] = [TermKind::Place, TermKind::Facility, TermKind::Tag];

    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::Place => "place",
            TermKind::Facility => "facility",
            TermKind::Tag => "tag",
        }
    }

    pub fn parse(s: &str) -> Option<TermKind> {
        TermKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One term: its kind and every label it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Term {
    #[zeroize(skip)]
    pub kind: TermKind,
    pub labels: Vec<String>,
}

/// Most labels of one term, and longest label.
pub const MAX_LABELS: usize = 32;
pub const MAX_LABEL: usize = 128;
/// Most terms a vault adds to the built-in list.
pub const MAX_TERMS: usize = 4096;

impl Term {
    /// A term as a user gives it: 1 to 32 labels of 1 to 128 bytes, no control characters,
    /// none that normalizes to nothing, none twice (folded by case). Labels that only
    /// normalize alike (`Үрімші`, `Ürımşı`) are both kept: the tag filter compares labels
    /// as written.
    pub fn check(&self) -> Result<(), Words> {
        if self.labels.is_empty() || self.labels.len() > MAX_LABELS {
            return Err(words!("d-vocab-labels", most = MAX_LABELS));
        }
        let mut seen = std::collections::HashSet::new();
        for l in &self.labels {
            let n = crate::format::text::normalize(l);
            if l.len() > MAX_LABEL || l.chars().any(char::is_control) || n.trim().is_empty() {
                return Err(words!("d-vocab-label", label = format!("{l:?}")));
            }
            if !seen.insert(crate::format::text::fold_case(l)) {
                return Err(words!("d-vocab-label-twice", label = format!("{l:?}")));
            }
        }
        Ok(())
    }
}

/// The built-in list: places of Xinjiang and Kazakhstan that testimonies name, the kinds of
/// facility they describe, and a few tags, each in the scripts its users write (Kazakh
/// Cyrillic and Latin, Uyghur Arabic script, Chinese, Russian, English). A starting point,
/// not reviewed by native speakers: `amanat vocab add` extends and corrects it.
const BUILT_IN: &[(TermKind, &[&str])] = &[
    (
        TermKind::Place,
        &[
            "Үрімші",
            "Ürımşı",
            "Urumqi",
            "Ürümqi",
            "Urumchi",
            "ئۈرۈمچى",
            "乌鲁木齐",
            "Урумчи",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Құлжа",
            "Qūlja",
            "Ghulja",
            "Gulja",
            "Yining",
            "غۇلجا",
            "伊宁",
            "Кульджа",
            "Инин",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Қашқар",
            "Qaşqar",
            "Kashgar",
            "Kashi",
            "قەشقەر",
            "喀什",
            "Кашгар",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Қорғас",
            "Qorğas",
            "Khorgos",
            "Horgos",
            "قورغاس",
            "霍尔果斯",
            "Хоргос",
        ],
    ),
    (
        TermKind::Place,
        &["Алтай", "Altai", "Altay", "ئالتاي", "阿勒泰"],
    ),
    (
        TermKind::Place,
        &[
            "Шәуешек",
            "Şäueşek",
            "Tacheng",
            "Chuguchak",
            "چۆچەك",
            "塔城",
            "Чугучак",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Қарамай",
            "Qaramai",
            "Karamay",
            "قاراماي",
            "克拉玛依",
            "Карамай",
        ],
    ),
    (
        TermKind::Place,
        &["Ақсу", "Aqsu", "Aksu", "ئاقسۇ", "阿克苏", "Аксу"],
    ),
    (
        TermKind::Place,
        &["Хотан", "Hotan", "Khotan", "خوتەن", "和田"],
    ),
    (
        TermKind::Place,
        &["Тұрфан", "Turfan", "Turpan", "تۇرپان", "吐鲁番", "Турфан"],
    ),
    (TermKind::Place, &["Корла", "Korla", "كورلا", "库尔勒"]),
    (
        TermKind::Place,
        &[
            "Бөртала",
            "Börtala",
            "Bortala",
            "Bole",
            "بۆرتالا",
            "博乐",
            "Боротала",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Дөрбілжін",
            "Dörbıljın",
            "Dorbiljin",
            "Emin",
            "دۆربىلجىن",
            "额敏",
        ],
    ),
    (
        TermKind::Place,
        &["Шыңжаң", "Şyñjañ", "Xinjiang", "شىنجاڭ", "新疆", "Синьцзян"],
    ),
    (
        TermKind::Place,
        &[
            "Алматы",
            "Almaty",
            "Alma-Ata",
            "Алма-Ата",
            "ئالمۇتا",
            "阿拉木图",
        ],
    ),
    (
        TermKind::Place,
        &[
            "Астана",
            "Astana",
            "Nur-Sultan",
            "Нұр-Сұлтан",
            "ئاستانا",
            "阿斯塔纳",
        ],
    ),
    (
        TermKind::Place,
        &["Жаркент", "Jarkent", "Zharkent", "جاركەنت", "Панфилов"],
    ),
    (
        TermKind::Facility,
        &["лагерь", "lager", "camp", "لاگېر", "营"],
    ),
    (
        TermKind::Facility,
        &["түрме", "türme", "prison", "тюрьма", "تۈرمە", "监狱"],
    ),
    (
        TermKind::Tag,
        &[
            "detention",
            "ұстау",
            "ustau",
            "задержание",
            "تۇتقۇن",
            "拘留",
        ],
    ),
];

/// The built-in terms.
pub fn built_in() -> Vec<Term> {
    BUILT_IN
        .iter()
        .map(|(kind, labels)| Term {
            kind: *kind,
            labels: labels.iter().map(|l| l.to_string()).collect(),
        })
        .collect()
}

/// Terms as search uses them: each normalized label, and the normalized labels of every
/// term it belongs to (terms sharing a label are one).
pub struct Thesaurus {
    groups: Vec<Vec<String>>,
    /// Each group's labels as they were written.
    written: Vec<Vec<String>>,
    by_label: std::collections::HashMap<String, usize>,
}

impl Thesaurus {
    pub fn new(terms: &[Term]) -> Thesaurus {
        let mut t = Thesaurus {
            groups: vec![],
            written: vec![],
            by_label: Default::default(),
        };
        for term in terms {
            let labels: Vec<String> = term
                .labels
                .iter()
                .map(|l| crate::format::text::normalize(l).trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect();
            // Every group one of its labels is in joins this one.
            let mut joined: Vec<usize> = labels
                .iter()
                .filter_map(|l| t.by_label.get(l).copied())
                .collect();
            joined.sort_unstable();
            joined.dedup();
            let into = match joined.first() {
                Some(&g) => g,
                None => {
                    t.groups.push(vec![]);
                    t.written.push(vec![]);
                    t.groups.len() - 1
                }
            };
            for &g in joined.iter().skip(1) {
                let moved = std::mem::take(&mut t.groups[g]);
                t.groups[into].extend(moved);
                let moved = std::mem::take(&mut t.written[g]);
                t.written[into].extend(moved);
            }
            t.groups[into].extend(labels);
            t.written[into].extend(term.labels.iter().cloned());
            t.groups[into].sort();
            t.groups[into].dedup();
            for l in t.groups[into].clone() {
                t.by_label.insert(l, into);
            }
        }
        t
    }

    /// Every form a normalized word may be found in: the labels of its term (those of one
    /// word, as search compares words), or the word alone.
    pub fn alternatives(&self, word: &str) -> Vec<String> {
        match self.by_label.get(word) {
            Some(&g) => {
                let mut v: Vec<String> = self.groups[g]
                    .iter()
                    .filter(|l| !l.contains(char::is_whitespace))
                    .cloned()
                    .collect();
                if !v.iter().any(|l| l == word) {
                    v.push(word.to_owned());
                }
                v
            }
            None => vec![word.to_owned()],
        }
    }

    /// Every label of the term `label` is a label of (compared normalized), as written.
    pub fn written_labels_of(&self, label: &str) -> Vec<String> {
        let n = crate::format::text::normalize(label).trim().to_owned();
        match self.by_label.get(&n) {
            Some(&g) => self.written[g].clone(),
            None => vec![label.to_owned()],
        }
    }

    /// Every label of the term `label` is one of (normalized), or `label` alone.
    pub fn labels_of(&self, label: &str) -> Vec<String> {
        let n = crate::format::text::normalize(label).trim().to_owned();
        match self.by_label.get(&n) {
            Some(&g) => self.groups[g].clone(),
            None => vec![n],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_place_finds_every_other() {
        let t = Thesaurus::new(&built_in());
        let n = |s: &str| crate::format::text::normalize(s).trim().to_owned();
        let alts = t.alternatives(&n("Urumqi"));
        for l in ["Үрімші", "Ürümqi", "ئۈرۈمچى", "乌鲁木齐", "Урумчи"] {
            assert!(alts.contains(&n(l)), "{l} in {alts:?}");
        }
        assert_eq!(t.alternatives("nowhere"), ["nowhere"]);
        for term in built_in() {
            assert!(term.check().is_ok(), "{:?}", term.labels);
        }
    }

    #[test]
    fn terms_sharing_a_label_are_one() {
        let mut terms = built_in();
        terms.push(Term {
            kind: TermKind::Place,
            labels: vec!["Ghulja".into(), "Ili".into()],
        });
        let t = Thesaurus::new(&terms);
        let alts = t.alternatives("ili");
        assert!(alts.contains(&"yining".to_owned()), "{alts:?}");
    }
}
