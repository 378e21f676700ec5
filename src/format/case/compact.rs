//! The compact forms of a person, a relation and a status event (FORMAT.md 7.4), as the
//! command line takes them and a CSV cell holds them: `CODE:ROLE[,ROLE]`, `PERSON:KIN:OF`
//! and `CODE:STATUS:DATE`.
use super::{Kin, Person, Relation, Role, Status, StatusEvent};

/// Why a compact form does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// It is not of the form's shape (a part missing or empty).
    Shape,
    /// `value` is not a word of the model; `words` are those there are.
    Word { value: String, words: String },
}

/// A word of the model, or why not.
fn word<T>(s: &str, parse: fn(&str) -> Option<T>, all: fn() -> String) -> Result<T, Unread> {
    parse(s).ok_or_else(|| Unread::Word {
        value: s.to_owned(),
        words: all(),
    })
}

/// `s` split at its first `n - 1` colons, every part non-empty.
fn split<const N: usize>(s: &str) -> Result<[&str; N], Unread> {
    let v: Vec<&str> = s.splitn(N, ':').collect();
    let parts: [&str; N] = v.try_into().map_err(|_| Unread::Shape)?;
    match parts.iter().all(|p| !p.is_empty()) {
        true => Ok(parts),
        false => Err(Unread::Shape),
    }
}

impl Person {
    /// `CODE:ROLE[,ROLE]`.
    pub fn parse_compact(s: &str) -> Result<Person, Unread> {
        let [code, roles] = split::<2>(s)?;
        let roles = roles
            .split(',')
            .map(|r| word(r, Role::parse, Role::spellings))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Person {
            code: code.to_owned(),
            roles,
        })
    }

    pub fn compact(&self) -> String {
        let roles: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        format!("{}:{}", self.code, roles.join(","))
    }
}

impl Relation {
    /// `PERSON:KIN:OF`.
    pub fn parse_compact(s: &str) -> Result<Relation, Unread> {
        let [person, kin, of] = split::<3>(s)?;
        Ok(Relation {
            person: person.to_owned(),
            kin: word(kin, Kin::parse, Kin::spellings)?,
            of: of.to_owned(),
        })
    }

    pub fn compact(&self) -> String {
        format!("{}:{}:{}", self.person, self.kin, self.of)
    }
}

impl StatusEvent {
    /// `CODE:STATUS:DATE`, without a place.
    pub fn parse_compact(s: &str) -> Result<StatusEvent, Unread> {
        let [person, status, date] = split::<3>(s)?;
        Ok(StatusEvent {
            person: person.to_owned(),
            status: word(status, Status::parse, Status::spellings)?,
            date: date.to_owned(),
            place: None,
        })
    }

    /// `CODE:STATUS:DATE` (its place, if any, is left out).
    pub fn compact(&self) -> String {
        format!("{}:{}:{}", self.person, self.status, self.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_forms_read_back_what_they_write() {
        let p = Person::parse_compact("V-7:victim,relative").unwrap();
        assert_eq!(p.compact(), "V-7:victim,relative");
        let r = Relation::parse_compact("W-1:sibling:V-7").unwrap();
        assert_eq!(r.compact(), "W-1:sibling:V-7");
        let s = StatusEvent::parse_compact("V-7:detained:2018-04").unwrap();
        assert_eq!(s.compact(), "V-7:detained:2018-04");
        for bad in ["V-7", ":victim", "V-7:", "V-7:victim,"] {
            assert!(Person::parse_compact(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Relation::parse_compact("W-1:sister:V-7"),
            Err(Unread::Word {
                value: "sister".into(),
                words: Kin::spellings()
            })
        );
        assert_eq!(StatusEvent::parse_compact("V-7::2018"), Err(Unread::Shape));
    }
}
