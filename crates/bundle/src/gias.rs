//! Get Information about Schools "all establishment data" extracts (`edubasealldata*.csv`).

use std::path::Path;

use crate::table::{self, Filler};
use crate::{BundleError, Day, Encoding};

/// The columns of a GIAS establishment extract, in the published order (as in the April 2022
/// extract, without the "Linked establishments" column a re-saver renamed into it).
#[rustfmt::skip]
pub const HEADER: &[&str] = &[
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)", "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (name)", "OpenDate", "ReasonEstablishmentClosed (name)", "CloseDate",
    "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge", "Boarders (name)",
    "NurseryProvision (name)", "OfficialSixthForm (name)", "Gender (name)",
    "ReligiousCharacter (name)", "ReligiousEthos (name)", "Diocese (name)",
    "AdmissionsPolicy (name)", "SchoolCapacity", "SpecialClasses (name)", "CensusDate",
    "NumberOfPupils", "NumberOfBoys", "NumberOfGirls", "PercentageFSM", "TrustSchoolFlag (name)",
    "Trusts (name)", "SchoolSponsorFlag (name)", "SchoolSponsors (name)", "FederationFlag (name)",
    "Federations (name)", "UKPRN", "FEHEIdentifier", "FurtherEducationType (name)",
    "OfstedLastInsp", "LastChangedDate", "Street", "Locality", "Address3", "Town", "County (name)",
    "Postcode", "SchoolWebsite", "TelephoneNum", "HeadTitle (name)", "HeadFirstName",
    "HeadLastName", "HeadPreferredJobTitle", "BSOInspectorateName (name)", "InspectorateReport",
    "DateOfLastInspectionVisit", "NextInspectionVisit", "TeenMoth (name)", "TeenMothPlaces",
    "CCF (name)", "SENPRU (name)", "EBD (name)", "PlacesPRU", "FTProv (name)", "EdByOther (name)",
    "Section41Approved (name)", "SEN1 (name)", "SEN2 (name)", "SEN3 (name)", "SEN4 (name)",
    "SEN5 (name)", "SEN6 (name)", "SEN7 (name)", "SEN8 (name)", "SEN9 (name)", "SEN10 (name)",
    "SEN11 (name)", "SEN12 (name)", "SEN13 (name)", "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity", "SenUnitOnRoll", "SenUnitCapacity",
    "GOR (name)", "DistrictAdministrative (name)", "AdministrativeWard (name)",
    "ParliamentaryConstituency (name)", "UrbanRural (name)", "GSSLACode (name)", "Easting",
    "Northing", "MSOA (name)", "LSOA (name)", "InspectorateName (name)", "SENStat", "SENNoStat",
    "PropsName", "OfstedRating (name)", "RSCRegion (name)", "Country (name)", "UPRN", "SiteName",
    "QABName (name)", "EstablishmentAccredited (name)", "QABReport", "CHNumber", "MSOA (code)",
    "LSOA (code)", "FSM",
];

/// One establishment: the columns a register row fills; the rest of the extract is blank.
/// Text left empty is written blank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GiasRow {
    pub urn: i64,
    pub la_code: String,
    pub la_name: String,
    pub establishment_number: String,
    pub name: String,
    /// "TypeOfEstablishment (name)", e.g. "Academy converter".
    pub type_name: String,
    /// "EstablishmentTypeGroup (name)", e.g. "Academies".
    pub type_group: String,
    /// "EstablishmentStatus (name)": "Open", "Closed", ...
    pub status: String,
    pub open_date: Option<Day>,
    pub close_date: Option<Day>,
    /// "PhaseOfEducation (name)", e.g. "Primary", "Not applicable".
    pub phase: String,
    pub statutory_low_age: Option<i64>,
    pub statutory_high_age: Option<i64>,
    pub census_date: Option<Day>,
    pub pupils: Option<i64>,
    /// Written to one decimal place, as GIAS does.
    pub percentage_fsm: Option<f64>,
    /// "Trusts (name)".
    pub trust: String,
    pub town: String,
    pub postcode: String,
    /// "OfstedLastInsp".
    pub ofsted_last_inspection: Option<Day>,
    /// "OfstedRating (name)", e.g. "Good", "Serious Weaknesses".
    pub ofsted_rating: String,
}

fn number(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn date(d: Option<Day>) -> String {
    d.map(Day::dd_mm_yyyy_dash).unwrap_or_default()
}

const FILLERS: &[Filler<GiasRow>] = &[
    ("URN", |r| r.urn.to_string()),
    ("LA (code)", |r| r.la_code.clone()),
    ("LA (name)", |r| r.la_name.clone()),
    ("EstablishmentNumber", |r| r.establishment_number.clone()),
    ("EstablishmentName", |r| r.name.clone()),
    ("TypeOfEstablishment (name)", |r| r.type_name.clone()),
    ("EstablishmentTypeGroup (name)", |r| r.type_group.clone()),
    ("EstablishmentStatus (name)", |r| r.status.clone()),
    ("OpenDate", |r| date(r.open_date)),
    ("CloseDate", |r| date(r.close_date)),
    ("PhaseOfEducation (name)", |r| r.phase.clone()),
    ("StatutoryLowAge", |r| number(r.statutory_low_age)),
    ("StatutoryHighAge", |r| number(r.statutory_high_age)),
    ("CensusDate", |r| date(r.census_date)),
    ("NumberOfPupils", |r| number(r.pupils)),
    ("PercentageFSM", |r| r.percentage_fsm.map(|p| format!("{p:.1}")).unwrap_or_default()),
    ("Trusts (name)", |r| r.trust.clone()),
    ("Town", |r| r.town.clone()),
    ("Postcode", |r| r.postcode.clone()),
    ("OfstedLastInsp", |r| date(r.ofsted_last_inspection)),
    ("OfstedRating (name)", |r| r.ofsted_rating.clone()),
];

/// The bytes of an extract holding `rows`, in their order.
pub fn to_bytes(rows: &[GiasRow], encoding: Encoding) -> Vec<u8> {
    table::to_bytes(HEADER, FILLERS, rows, encoding)
}

/// Writes an extract holding `rows` to `path`.
pub fn write(path: &Path, rows: &[GiasRow], encoding: Encoding) -> Result<(), BundleError> {
    table::write_file(path, &to_bytes(rows, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filled_column_is_in_the_header() {
        for (column, _) in FILLERS {
            assert!(HEADER.contains(column), "{column}");
        }
    }
}
