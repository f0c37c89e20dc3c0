//! Local authorities named as people write them: "Derby City", "Derby City Council", "City of
//! Derby", "Stoke-on-Trent City Council", "County Durham" or "Durham", "Bristol" for the register's
//! "Bristol, City of", the DfE's old three-digit code (831) or the ONS code (E06000015). The
//! letters' parser (`schoolsight-letters`) reads councils' names with [`authority_place`]; the
//! store resolves what a user typed against the register's names with [`resolve`], and on a miss
//! suggests the nearest.

/// An LA as the register holds it: its name and its DfE (old, three-digit) code when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaEntry {
    pub name: String,
    pub code: Option<String>,
}

/// What a name or code the user typed comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaMatch {
    Found(String),
    /// Several LAs fit equally well: their names.
    Ambiguous(Vec<String>),
    /// None fits: the nearest names, closest first.
    Missing { nearest: Vec<String> },
}

/// The DfE's three-digit LA codes and the ONS codes of the same authorities, as DfE's KS4
/// school information for 2023/24 pairs them (`old_la_code`, `new_la_code`; 153 LAs).
pub const LA_CODES: &[(&str, &str)] = &[
    ("201", "E09000001"), ("202", "E09000007"), ("203", "E09000011"), ("204", "E09000012"),
    ("205", "E09000013"), ("206", "E09000019"), ("207", "E09000020"), ("208", "E09000022"),
    ("209", "E09000023"), ("210", "E09000028"), ("211", "E09000030"), ("212", "E09000032"),
    ("213", "E09000033"), ("301", "E09000002"), ("302", "E09000003"), ("303", "E09000004"),
    ("304", "E09000005"), ("305", "E09000006"), ("306", "E09000008"), ("307", "E09000009"),
    ("308", "E09000010"), ("309", "E09000014"), ("310", "E09000015"), ("311", "E09000016"),
    ("312", "E09000017"), ("313", "E09000018"), ("314", "E09000021"), ("315", "E09000024"),
    ("316", "E09000025"), ("317", "E09000026"), ("318", "E09000027"), ("319", "E09000029"),
    ("320", "E09000031"), ("330", "E08000025"), ("331", "E08000026"), ("332", "E08000027"),
    ("333", "E08000028"), ("334", "E08000029"), ("335", "E08000030"), ("336", "E08000031"),
    ("340", "E08000011"), ("341", "E08000012"), ("342", "E08000013"), ("343", "E08000014"),
    ("344", "E08000015"), ("350", "E08000001"), ("351", "E08000002"), ("352", "E08000003"),
    ("353", "E08000004"), ("354", "E08000005"), ("355", "E08000006"), ("356", "E08000007"),
    ("357", "E08000008"), ("358", "E08000009"), ("359", "E08000010"), ("370", "E08000016"),
    ("371", "E08000017"), ("372", "E08000018"), ("373", "E08000019"), ("380", "E08000032"),
    ("381", "E08000033"), ("382", "E08000034"), ("383", "E08000035"), ("384", "E08000036"),
    ("390", "E08000037"), ("391", "E08000021"), ("392", "E08000022"), ("393", "E08000023"),
    ("394", "E08000024"), ("420", "E06000053"), ("800", "E06000022"), ("801", "E06000023"),
    ("802", "E06000024"), ("803", "E06000025"), ("805", "E06000001"), ("806", "E06000002"),
    ("807", "E06000003"), ("808", "E06000004"), ("810", "E06000010"), ("811", "E06000011"),
    ("812", "E06000012"), ("813", "E06000013"), ("815", "E06000065"), ("816", "E06000014"),
    ("821", "E06000032"), ("822", "E06000055"), ("823", "E06000056"), ("825", "E06000060"),
    ("826", "E06000042"), ("830", "E10000007"), ("831", "E06000015"), ("838", "E06000059"),
    ("839", "E06000058"), ("840", "E06000047"), ("841", "E06000005"), ("845", "E10000011"),
    ("846", "E06000043"), ("850", "E10000014"), ("851", "E06000044"), ("852", "E06000045"),
    ("855", "E10000018"), ("856", "E06000016"), ("857", "E06000017"), ("860", "E10000028"),
    ("861", "E06000021"), ("865", "E06000054"), ("866", "E06000030"), ("867", "E06000036"),
    ("868", "E06000040"), ("869", "E06000037"), ("870", "E06000038"), ("871", "E06000039"),
    ("872", "E06000041"), ("873", "E10000003"), ("874", "E06000031"), ("876", "E06000006"),
    ("877", "E06000007"), ("878", "E10000008"), ("879", "E06000026"), ("880", "E06000027"),
    ("881", "E10000012"), ("882", "E06000033"), ("883", "E06000034"), ("884", "E06000019"),
    ("885", "E10000034"), ("886", "E10000016"), ("887", "E06000035"), ("888", "E10000017"),
    ("889", "E06000008"), ("890", "E06000009"), ("891", "E10000024"), ("892", "E06000018"),
    ("893", "E06000051"), ("894", "E06000020"), ("895", "E06000049"), ("896", "E06000050"),
    ("908", "E06000052"), ("916", "E10000013"), ("919", "E10000015"), ("921", "E06000046"),
    ("925", "E10000019"), ("926", "E10000020"), ("929", "E06000057"), ("931", "E10000025"),
    ("933", "E06000066"), ("935", "E10000029"), ("936", "E10000030"), ("937", "E10000031"),
    ("938", "E10000032"), ("940", "E06000061"), ("941", "E06000062"), ("942", "E06000063"),
    ("943", "E06000064"),
];

/// Words an authority's name is wrapped in, at its start ("London Borough of Newham") …
const PREFIXES: &[&str] = &["the ", "london borough of ", "royal borough of ", "metropolitan borough of ", "borough of ", "city and county of ", "city of ", "county of ", "county "];

/// … and at its end ("Dudley Metropolitan Borough Council", "Derby City LA", "Bristol, City of").
const SUFFIXES: &[&str] = &[
    "'s", "’s", " council", " local authority", " la", ", city of", ", county of", " city", " county borough", " county",
    " metropolitan borough", " metropolitan district", " borough", " district", " mbc",
];

/// The place an authority's name names, in its own case: "Dudley Metropolitan Borough Council" →
/// "Dudley", "City of Derby" → "Derby", "Bristol, City of" → "Bristol". The City of London keeps
/// its "City of"; a name that is nothing but wrapping words is returned as it was.
pub fn authority_place(text: &str) -> &str {
    let mut place = text.trim();
    let lower = place.to_lowercase();
    if lower.trim_start_matches("the ").starts_with("city of london") {
        // "The City of London Corporation", "City of London Council": the authority itself.
        let at = lower.find("city of london").unwrap_or(0);
        return place.get(at..at + "city of london".len()).unwrap_or(place);
    }
    loop {
        let lower = place.to_lowercase();
        let before = place.len();
        if let Some(p) = PREFIXES.iter().find(|p| lower.starts_with(*p) && lower.len() > p.len()) {
            place = place[p.len()..].trim_start();
        }
        let lower = place.to_lowercase();
        if let Some(s) = SUFFIXES.iter().find(|s| lower.ends_with(*s) && lower.len() > s.len()) {
            place = place[..place.len() - s.len()].trim_end();
        }
        if place.len() == before {
            return place;
        }
    }
}

/// A name reduced for comparison: lower case, "&" as "and", no full stops, hyphens as spaces,
/// single spaces ("Stoke-on-Trent" = "stoke on trent", "St. Helens" = "st helens").
pub fn key(text: &str) -> String {
    let lower = text.to_lowercase().replace('&', " and ").replace(['-', '.', ',', '\'', '’'], " ");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ONS code's DfE code ("E06000015" → "831"), or the code itself when it is already one.
fn dfe_code(code: &str) -> Option<&str> {
    let code = code.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
        return Some(code);
    }
    LA_CODES.iter().find(|(_, new)| new.eq_ignore_ascii_case(code)).map(|(old, _)| *old)
}

/// The LA `query` names among `las`: by code (old or new), by the whole name or its place in any
/// of the common forms, then by the one name it begins or is found in.
pub fn resolve(query: &str, las: &[LaEntry]) -> LaMatch {
    let names = |fits: &dyn Fn(&LaEntry) -> bool| -> Vec<String> {
        let mut found: Vec<String> = las.iter().filter(|la| fits(la)).map(|la| la.name.clone()).collect();
        found.sort();
        found.dedup();
        found
    };
    if let Some(code) = dfe_code(query) {
        if let [one] = names(&|la: &LaEntry| la.code.as_deref() == Some(code)).as_slice() {
            return LaMatch::Found(one.clone());
        }
    }
    let whole = key(query);
    let place = key(authority_place(query));
    let tries: [&dyn Fn(&LaEntry) -> bool; 4] = [
        &|la| key(&la.name) == whole,
        &|la| key(authority_place(&la.name)) == place,
        &|la| !place.is_empty() && key(authority_place(&la.name)).starts_with(&place),
        &|la| !place.is_empty() && key(&la.name).contains(&place),
    ];
    for fits in tries {
        match names(fits).as_slice() {
            [] => continue,
            [one] => return LaMatch::Found(one.clone()),
            many => return LaMatch::Ambiguous(many.to_vec()),
        }
    }
    LaMatch::Missing { nearest: nearest(&place, las, 3) }
}

/// The `n` names closest to `place` by edits between their places ("Darby" → Derby), closest
/// first, ties by name.
pub fn nearest(place: &str, las: &[LaEntry], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> =
        las.iter().map(|la| (edits(place, &key(authority_place(&la.name))), la.name.as_str())).collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, name)| name.to_string()).collect()
}

/// Levenshtein distance between two short strings, by characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// "did you mean Derby, Derbyshire or Darlington?" for a miss's message.
pub fn did_you_mean(nearest: &[String]) -> String {
    match nearest {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [rest @ .., last] => format!("; did you mean {} or {last}?", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn las(names: &[(&str, &str)]) -> Vec<LaEntry> {
        names.iter().map(|(name, code)| LaEntry { name: name.to_string(), code: Some(code.to_string()) }).collect()
    }

    fn sample() -> Vec<LaEntry> {
        las(&[
            ("Derby", "831"),
            ("Derbyshire", "830"),
            ("Darlington", "841"),
            ("Stoke-on-Trent", "861"),
            ("Staffordshire", "860"),
            ("Durham", "840"),
            ("Bristol, City of", "801"),
            ("City of London", "201"),
            ("Westminster", "213"),
            ("St. Helens", "342"),
            ("Telford and Wrekin", "894"),
            ("Herefordshire, County of", "884"),
        ])
    }

    fn found(query: &str) -> String {
        match resolve(query, &sample()) {
            LaMatch::Found(name) => name,
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn places_of_councils() {
        assert_eq!(authority_place("Derby City Council"), "Derby");
        assert_eq!(authority_place("Stoke-on-Trent City Council"), "Stoke-on-Trent");
        assert_eq!(authority_place("City of Derby"), "Derby");
        assert_eq!(authority_place("County Durham"), "Durham");
        assert_eq!(authority_place("Dudley Metropolitan Borough Council"), "Dudley");
        assert_eq!(authority_place("London Borough of Newham"), "Newham");
        assert_eq!(authority_place("Trafford Council's"), "Trafford");
        assert_eq!(authority_place("Bristol, City of"), "Bristol");
        assert_eq!(authority_place("City of London"), "City of London");
        assert_eq!(authority_place("the City of London Corporation"), "City of London");
        assert_eq!(authority_place("Council"), "Council");
        assert_eq!(authority_place("City of Bradford Metropolitan District Council"), "Bradford");
    }

    #[test]
    fn names_as_people_write_them() {
        for query in ["Derby", "derby", "Derby City", "Derby City Council", "City of Derby", "831", "E06000015", "e06000015"] {
            assert_eq!(found(query), "Derby", "{query}");
        }
        assert_eq!(found("Stoke-on-Trent City Council"), "Stoke-on-Trent");
        assert_eq!(found("stoke on trent"), "Stoke-on-Trent");
        assert_eq!(found("County Durham"), "Durham");
        assert_eq!(found("Durham County Council"), "Durham");
        assert_eq!(found("Bristol"), "Bristol, City of");
        assert_eq!(found("Bristol City Council"), "Bristol, City of");
        assert_eq!(found("City of London"), "City of London");
        assert_eq!(found("Westminster City Council"), "Westminster");
        assert_eq!(found("St Helens"), "St. Helens");
        assert_eq!(found("Telford & Wrekin"), "Telford and Wrekin");
        assert_eq!(found("Herefordshire Council"), "Herefordshire, County of");
        assert_eq!(found("Staff"), "Staffordshire", "the one name it begins");
    }

    #[test]
    fn ambiguity_and_misses() {
        assert_eq!(resolve("Der", &sample()), LaMatch::Ambiguous(vec!["Derby".into(), "Derbyshire".into()]));
        assert_eq!(
            resolve("Darby", &sample()),
            LaMatch::Missing { nearest: vec!["Derby".into(), "Durham".into(), "Derbyshire".into()] }
        );
        assert_eq!(resolve("999", &sample()), LaMatch::Missing { nearest: nearest("999", &sample(), 3) });
        assert_eq!(did_you_mean(&["Derby".into(), "Derbyshire".into(), "Darlington".into()]), "; did you mean Derby, Derbyshire or Darlington?");
        assert_eq!(did_you_mean(&["Derby".into()]), "; did you mean Derby?");
        assert_eq!(did_you_mean(&[]), "");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edits("derby", "derby"), 0);
        assert_eq!(edits("darby", "derby"), 1);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
