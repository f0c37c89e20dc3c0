//! Places in letters: postcodes, towns in address blocks, and local authorities named by their
//! council ("Stoke-on-Trent City Council"), in a title ("Derby City LA – focused inspections")
//! or in passing ("the director of children's services for Liverpool").

use std::sync::LazyLock;

use regex::Regex;

use schoolsight_domain::la_names::authority_place;

use crate::words::name_case;

/// A UK postcode closing a line ("M1 2WD", "ST16 2DH", "WC2B 6SE").
static TRAILING_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)[,\s]*\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\.?$").expect("valid postcode pattern")
});

/// Counties in addresses, which name no town ("Liverpool, Merseyside").
const COUNTIES: &[&str] = &[
    "avon",
    "bedfordshire",
    "berkshire",
    "buckinghamshire",
    "cambridgeshire",
    "cheshire",
    "cleveland",
    "cornwall",
    "county durham",
    "cumbria",
    "derbyshire",
    "devon",
    "dorset",
    "durham",
    "east sussex",
    "east yorkshire",
    "essex",
    "gloucestershire",
    "greater london",
    "greater manchester",
    "hampshire",
    "herefordshire",
    "hertfordshire",
    "isle of wight",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "middlesex",
    "norfolk",
    "north yorkshire",
    "northamptonshire",
    "northumberland",
    "nottinghamshire",
    "oxfordshire",
    "rutland",
    "shropshire",
    "somerset",
    "south yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "tyne and wear",
    "warwickshire",
    "west midlands",
    "west sussex",
    "west yorkshire",
    "wiltshire",
    "worcestershire",
];

/// Organisations that are councils.
static COUNCIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bcouncil(?:['’]s)?$|^(?:the\s+)?(?:london|royal)\s+borough\s+of\b")
        .expect("valid council pattern")
});

/// The capitalised words before "LA" or "local authority" in a title: "Derby City LA – focused
/// inspections", "STAFFORDSHIRE LOCAL AUTHORITY FOCUSED INSPECTIONS", "Focused visit to York
/// local authority children's services".
static LA_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Z][\w'’-]*(?:\s+(?:upon|on|and|of|with|&|[A-Z][\w'’-]*))*)\s+(?:LA\b|(?i:local\s+authority\b))")
        .expect("valid LA title pattern")
});

/// "Focused visit to Dorset children's services".
static SERVICES_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:visit\s+to|inspection\s+of)\s+(.+?)\s+(?i:children['’]s\s+services)")
        .expect("valid services title pattern")
});

static DCS_FOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:director\s+of\s+children['’]s\s+services\s+for)\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:upon|on|and|[A-Z][\w'’-]*))*)")
        .expect("valid DCS pattern")
});

/// A place name's shape: capitalised words, with the particles and commas inside names
/// ("Stoke-on-Trent", "Kingston upon Hull", "Blackburn with Darwen", "Bournemouth, Christchurch
/// and Poole").
static PLACE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][\w'’.-]*(?:,?\s+(?:upon|on|and|of|the|with|&|[A-Z][\w'’.-]*)){0,5}$")
        .expect("valid place pattern")
});

/// Words that open titles, headings and the names of councils, never place names.
const NOT_PLACES: &[&str] = &[
    "inspection",
    "focused",
    "monitoring",
    "letter",
    "visit",
    "the",
    "re",
    "council",
    "county",
    "borough",
    "city",
];

/// A line split into what comes before its closing postcode, and the postcode.
pub(crate) fn split_postcode(line: &str) -> (&str, Option<&str>) {
    match TRAILING_POSTCODE.captures(line.trim()) {
        Some(caps) => (
            caps.get(1).map_or("", |m| m.as_str().trim()),
            caps.get(2).map(|m| m.as_str()),
        ),
        None => (line.trim(), None),
    }
}

fn is_county(part: &str) -> bool {
    COUNTIES.contains(&part.trim().to_lowercase().as_str())
}

/// The town of an address: its last part (before the postcode) that is not a county.
pub(crate) fn town_of(address: &[String]) -> Option<String> {
    address
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .rfind(|part| !part.is_empty() && split_postcode(part).1.is_none() && !is_county(part))
        .map(str::to_string)
}

/// The checked form of a candidate place name: in name case, or `None` if it isn't shaped like
/// one.
pub(crate) fn place(candidate: &str) -> Option<String> {
    let name = name_case(candidate.trim().trim_matches(|c: char| !c.is_alphanumeric()));
    let first_word = name.split([' ', '-']).next().unwrap_or("").to_lowercase();
    (PLACE_NAME.is_match(&name) && !NOT_PLACES.contains(&first_word.as_str())).then_some(name)
}

/// The place in an authority's name ("Dudley Metropolitan Borough Council" → "Dudley"), as the
/// domain reads the names people give authorities (the same reading resolves `--la`).
fn authority(text: &str) -> Option<String> {
    let named = authority_place(text);
    // The one authority whose name keeps its "City of" (which `place` would refuse).
    if named.to_lowercase().starts_with("city of london") {
        return Some("City of London".to_string());
    }
    place(named)
}

/// The authority a council's name names ("Derby City Council" → "Derby"); `None` for an
/// organisation that is not a council.
pub(crate) fn la_from_council(organisation: &str) -> Option<String> {
    COUNCIL
        .is_match(organisation.trim())
        .then(|| authority(organisation))
        .flatten()
}

/// The authority a title names ("Derby City LA – …", "Focused visit to Dorset children's
/// services", "Dudley Metropolitan Borough Council").
pub(crate) fn la_from_title(title: &str) -> Option<String> {
    let named = |re: &Regex| re.captures(title).and_then(|c| authority(c.get(1)?.as_str()));
    named(&LA_TITLE)
        .or_else(|| named(&SERVICES_TITLE))
        .or_else(|| la_from_council(title))
}

/// The authority whose director of children's services a school letter is copied to.
pub(crate) fn la_from_copy_list(text: &str) -> Option<String> {
    place(DCS_FOR.captures(text)?.get(1)?.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_split_from_lines() {
        assert_eq!(split_postcode("Manchester M1 2WD"), ("Manchester", Some("M1 2WD")));
        assert_eq!(split_postcode("L18 3HS"), ("", Some("L18 3HS")));
        assert_eq!(
            split_postcode("Brades Road, Oldbury, West Midlands B69 2DP"),
            ("Brades Road, Oldbury, West Midlands", Some("B69 2DP"))
        );
        assert_eq!(split_postcode("Harthill Road"), ("Harthill Road", None));
    }

    #[test]
    fn towns_skip_counties_and_streets() {
        let address: Vec<String> = ["Harthill Road", "Liverpool", "Merseyside", "L18 3HS"]
            .map(String::from)
            .to_vec();
        assert_eq!(town_of(&address).as_deref(), Some("Liverpool"));
        assert_eq!(
            town_of(&["Brades Road, Oldbury, West Midlands".to_string()]).as_deref(),
            Some("Oldbury")
        );
        assert_eq!(town_of(&[]), None);
    }

    #[test]
    fn authorities_from_councils() {
        assert_eq!(
            la_from_council("Stoke-on-Trent City Council").as_deref(),
            Some("Stoke-on-Trent")
        );
        assert_eq!(
            la_from_council("Staffordshire County Council").as_deref(),
            Some("Staffordshire")
        );
        assert_eq!(
            la_from_council("Knowsley Metropolitan Borough Council").as_deref(),
            Some("Knowsley")
        );
        assert_eq!(la_from_council("London Borough of Newham").as_deref(), Some("Newham"));
        assert_eq!(la_from_council("Oldham Council").as_deref(), Some("Oldham"));
        assert_eq!(la_from_council("Calderstones School"), None);
    }

    #[test]
    fn authorities_from_titles_and_copy_lists() {
        assert_eq!(
            la_from_title("Derby City LA – focused inspections – 17 to 23 January 2013").as_deref(),
            Some("Derby")
        );
        assert_eq!(
            la_from_title("STAFFORDSHIRE LOCAL AUTHORITY FOCUSED INSPECTIONS 11-28 MARCH 2014").as_deref(),
            Some("Staffordshire")
        );
        assert_eq!(
            la_from_title("Focused visit to York local authority children’s services").as_deref(),
            Some("York")
        );
        assert_eq!(
            la_from_title("Focused visit to Knowsley Metropolitan Borough Council children’s services").as_deref(),
            Some("Knowsley")
        );
        assert_eq!(
            la_from_title("Focused visit to Trafford Council’s children’s services").as_deref(),
            Some("Trafford")
        );
        assert_eq!(
            la_from_title("Focused visit to Sheffield City children’s services").as_deref(),
            Some("Sheffield")
        );
        assert_eq!(
            la_from_title("Focused visit to Slough local authority children’s services").as_deref(),
            Some("Slough")
        );
        assert_eq!(
            la_from_title("Dudley Metropolitan Borough Council").as_deref(),
            Some("Dudley")
        );
        assert_eq!(
            la_from_title("Focused visit to Dudley MBC children’s services").as_deref(),
            Some("Dudley")
        );
        assert_eq!(
            la_from_title("Focused visit to Telford & Wrekin local authority children’s services").as_deref(),
            Some("Telford & Wrekin")
        );
        assert_eq!(
            la_from_title("Focused visit to Blackburn with Darwen children’s services").as_deref(),
            Some("Blackburn with Darwen")
        );
        assert_eq!(
            la_from_title("Focused visit to City of London children’s services").as_deref(),
            Some("City of London")
        );
        assert_eq!(
            la_from_council("Bournemouth, Christchurch and Poole Council").as_deref(),
            Some("Bournemouth, Christchurch and Poole")
        );
        assert_eq!(la_from_council("Harrow Council").as_deref(), Some("Harrow"));
        assert_eq!(la_from_council("Council"), None);
        assert_eq!(
            la_from_title("Requires improvement: monitoring inspection visit to Calderstones School"),
            None
        );
        assert_eq!(
            la_from_title("Inspection of local authority arrangements for supporting school improvement"),
            None
        );
        assert_eq!(
            la_from_copy_list("the director of children's services for Liverpool. This letter").as_deref(),
            Some("Liverpool")
        );
    }
}
