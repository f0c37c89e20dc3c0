//! Ofsted management information on state-funded schools, in the header sets Ofsted has
//! published it under (2005–2015, 2016–2019, 2021, and the monthly layouts of 2023/24, 2024/25
//! and the 2025/26 report cards as `../shared/data/OFSTED-MI-LAYOUTS.md` gives them).

use std::path::Path;

use crate::table::{self, Filler};
use crate::{BundleError, Day, Encoding};

/// Which publication's header a file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vintage {
    /// "State-funded schools latest inspections", 2021 onwards: one row a school, with the
    /// previous graded inspection beside the latest.
    Latest2021,
    /// The 2015–2019 "inspections and outcomes" files: one row a school, previous beside latest.
    Outcomes2016,
    /// The "all inspections 2005–2015" file: one row an inspection.
    All2005To2015,
    /// The monthly "latest inspections" file of 2023/24 (layouts §1).
    Latest2024,
    /// 2024/25 (§2): no end dates; since September 2024 graded visits are "Not judged" overall.
    Latest2025,
    /// 2025/26 (§3a): the latest full inspection is a report card; the last old-framework graded
    /// inspection sits beside it under "Latest OEIF …"; no previous block.
    ReportCards2026,
}

/// Every vintage, oldest layout last.
pub const VINTAGES: [Vintage; 6] = [
    Vintage::ReportCards2026,
    Vintage::Latest2025,
    Vintage::Latest2024,
    Vintage::Latest2021,
    Vintage::Outcomes2016,
    Vintage::All2005To2015,
];

#[rustfmt::skip]
const LATEST_2021: &[&str] = &[
    "Web link", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "School open date", "Admissions policy", "Sixth form", "Designated religious character",
    "Religious ethos", "Faith grouping", "Ofsted region", "Region", "Local authority",
    "Parliamentary constituency", "Postcode",
    "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
    "Latest ungraded inspection number since last graded inspection",
    "Does the ungraded inspection relate to the URN of the current school?",
    "URN at time of the ungraded inspection", "LAESTAB at time of the ungraded inspection",
    "School name at time of the ungraded inspection", "School type at time of the ungraded inspection",
    "Number of ungraded inspections since the last graded inspection",
    "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Did the latest ungraded inspection convert to a graded inspection?",
    "Ungraded inspection overall outcome",
    "Number of monitoring and urgent inspections since last graded inspection",
    "Inspection number of latest graded inspection", "Inspection type", "Inspection type grouping",
    "Event type grouping", "Inspection start date", "Inspection end date", "Publication date",
    "Does the latest graded inspection relate to the URN of the current school?",
    "URN at time of latest graded inspection", "LAESTAB at time of latest graded inspection",
    "School name at time of latest graded inspection", "School type at time of latest graded inspection",
    "Overall effectiveness", "Category of concern", "Quality of education", "Behaviour and attitudes",
    "Personal development", "Effectiveness of leadership and management",
    "Safeguarding is effective?", "Early years provision (where applicable)",
    "Sixth form provision (where applicable)", "Previous graded inspection number",
    "Previous inspection start date", "Previous inspection end date", "Previous publication date",
    "Does the previous graded inspection relate to the URN of the current school?",
    "URN at time of previous graded inspection", "LAESTAB at time of previous graded inspection",
    "School name at time of previous graded inspection",
    "School type at time of previous graded inspection",
    "Previous graded inspection overall effectiveness", "Previous category of concern",
    "Previous quality of education", "Previous behaviour and attitudes",
    "Previous personal development", "Previous effectiveness of leadership and management",
    "Previous safeguarding is effective?", "Previous early years provision (where applicable)",
    "Previous sixth form provision (where applicable)",
];

#[rustfmt::skip]
const OUTCOMES_2016: &[&str] = &[
    "Web Link", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "Admissions policy", "Sixth form", "Designated religious character", "Religious character",
    "Ofsted region", "Region", "Local authority", "Parliamentary constituency", "Postcode",
    "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
    "Inspection number", "Inspection type", "Inspection type grouping", "Event type grouping",
    "Inspection start date", "Inspection end date", "Publication date", "Overall effectiveness",
    "Category of concern", "Outcomes for pupils", "Quality of teaching, learning and assessment",
    "Effectiveness of leadership and management", "Personal development, behaviour and welfare",
    "Early years provision (where applicable)", "16-19 study programmes",
    "Previous inspection number", "Previous inspection start date", "Previous inspection end date",
    "Previous publication date", "Previous overall effectiveness", "Previous category of concern",
    "Previous outcomes for pupils", "Previous quality of teaching, learning and assessment",
    "Previous effectiveness of leadership and management",
    "Previous personal development, behaviour and welfare",
    "Previous early years provision (where applicable)", "Previous 16-19 study programmes",
    "Does the previous inspection relate to the school in its current form?",
    "URN at time of previous inspection", "LAESTAB at time of previous inspection",
    "School name at time of previous inspection", "School type at time of previous inspection",
];

#[rustfmt::skip]
const ALL_2005_TO_2015: &[&str] = &[
    "Web link", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "Local authority", "Postcode", "Total number of pupils", "Inspection number", "Inspection type",
    "Academic year", "Inspection start date", "Inspection end date", "First published date",
    "Latest published date", "Overall effectiveness", "Category of concern", "Sixth form provision",
    "Early years provision", "Achievement of pupils", "Behaviour and safety of pupils",
    "Quality of teaching", "Leadership and management", "Inspection number of the previous inspection",
    "Academic year of the previous inspection", "Inspection end date of the previous inspection",
    "Previous inspection - Overall effectiveness", "Previous inspection - Category",
    "Movement in overall effectiveness since previous inspection", "Time between inspections (months)",
];

#[rustfmt::skip]
const LATEST_2024: &[&str] = &[
    "Web link", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education", "School open date",
    "Admissions policy", "Sixth form", "Designated religious character", "Religious ethos", "Faith grouping",
    "Ofsted region", "Region", "Local authority", "Parliamentary constituency", "Postcode",
    "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
    "Latest ungraded inspection number since last graded inspection",
    "Does the ungraded inspection relate to the URN of the current school?", "URN at time of the ungraded inspection",
    "LAESTAB at time of the ungraded inspection", "School name at time of the ungraded inspection",
    "School type at time of the ungraded inspection", "Number of ungraded inspections since the last graded inspection",
    "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Did the latest ungraded inspection convert to a graded inspection?", "Ungraded inspection overall outcome",
    "Number of monitoring and urgent inspections since last graded inspection",
    "Inspection number of latest graded inspection", "Inspection type", "Inspection type grouping",
    "Event type grouping", "Inspection start date", "Inspection end date", "Publication date",
    "Does the latest graded inspection relate to the URN of the current school?",
    "URN at time of latest graded inspection", "LAESTAB at time of latest graded inspection",
    "School name at time of latest graded inspection", "School type at time of latest graded inspection",
    "Overall effectiveness", "Category of concern", "Quality of education", "Behaviour and attitudes",
    "Personal development", "Effectiveness of leadership and management", "Safeguarding is effective?",
    "Early years provision (where applicable)", "Sixth form provision (where applicable)",
    "Previous graded inspection number", "Previous inspection start date", "Previous inspection end date",
    "Previous publication date", "Does the previous graded inspection relate to the URN of the current school?",
    "URN at time of previous graded inspection", "LAESTAB at time of previous graded inspection",
    "School name at time of previous graded inspection", "School type at time of previous graded inspection",
    "Previous graded inspection overall effectiveness", "Previous category of concern",
    "Previous quality of education", "Previous behaviour and attitudes", "Previous personal development",
    "Previous effectiveness of leadership and management", "Previous safeguarding is effective?",
    "Previous early years provision (where applicable)", "Previous sixth form provision (where applicable)",
];

#[rustfmt::skip]
const LATEST_2025: &[&str] = &[
    "Web link (opens in new window)", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "School open date", "Admissions policy", "Sixth form", "Designated religious character", "Religious ethos",
    "Faith grouping", "Ofsted region", "Region", "Local authority", "Parliamentary constituency",
    "Multi-academy trust UID", "Multi-academy trust name", "Academy sponsor UID", "Academy sponsor name",
    "Postcode", "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
    "Statutory lowest age", "Statutory highest age",
    "Latest ungraded inspection number since last graded inspection",
    "Does the ungraded inspection relate to the URN of the current school?", "URN at time of the ungraded inspection",
    "LAESTAB at time of the ungraded inspection", "School name at time of the ungraded inspection",
    "School type at time of the ungraded inspection", "Number of ungraded inspections since the last graded inspection",
    "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Did the latest ungraded inspection convert to a graded inspection?", "Ungraded inspection overall outcome",
    "Number of monitoring and urgent inspections since last graded inspection",
    "Inspection number of latest graded inspection", "Inspection type", "Inspection type grouping",
    "Event type grouping", "Inspection start date", "Publication date",
    "Does the latest graded inspection relate to the URN of the current school?",
    "URN at time of latest graded inspection", "LAESTAB at time of latest graded inspection",
    "School name at time of latest graded inspection", "School type at time of latest graded inspection",
    "Overall effectiveness", "Category of concern", "Quality of education", "Behaviour and attitudes",
    "Personal development", "Effectiveness of leadership and management", "Safeguarding is effective?",
    "Early years provision (where applicable)", "Sixth form provision (where applicable)",
    "Previous graded inspection number", "Previous inspection start date", "Previous publication date",
    "Does the previous graded inspection relate to the URN of the current school?",
    "URN at time of previous graded inspection", "LAESTAB at time of previous graded inspection",
    "School name at time of previous graded inspection", "School type at time of previous graded inspection",
    "Previous graded inspection overall effectiveness", "Previous category of concern",
    "Previous quality of education", "Previous behaviour and attitudes", "Previous personal development",
    "Previous effectiveness of leadership and management", "Previous safeguarding is effective?",
    "Previous early years provision (where applicable)", "Previous sixth form provision (where applicable)",
];

#[rustfmt::skip]
const REPORT_CARDS_2026: &[&str] = &[
    "Web Link (opens in new window)", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "School open date", "Admissions policy", "Sixth form", "Designated religious character", "Religious ethos",
    "Faith grouping", "Ofsted region", "Region", "Local authority", "Parliamentary constituency", "Postcode",
    "Multi-academy trust UID", "Multi-academy trust name", "Academy sponsor UID", "Academy sponsor name",
    "The income deprivation affecting children index (IDACI) quintile", "Total number of pupils",
    "Statutory lowest age", "Statutory highest age",
    "Inspection number of latest full inspection", "Inspection type", "Inspection type grouping", "Event type grouping",
    "Inspection start date", "Publication date",
    "Does the latest full inspection relate to the URN of the current school?", "URN at time of latest full inspection",
    "LAESTAB at time of latest full inspection", "School name at time of latest full inspection",
    "School type at time of latest full inspection", "Category of concern",
    "Safeguarding standards", "Safeguarding standards - date of grade",
    "Inclusion", "Inclusion - date of grade",
    "Curriculum and teaching", "Curriculum and teaching - date of grade",
    "Achievement", "Achievement - date of grade",
    "Attendance and behaviour", "Attendance and behaviour - date of grade",
    "Personal development and wellbeing", "Personal development and wellbeing - date of grade",
    "Early years (where applicable)", "Early years - date of grade",
    "Post-16 provision (where applicable)", "Post-16 provision - date of grade",
    "Leadership and governance", "Leadership and governance - date of grade",
    "Inspection number of latest OEIF graded inspection", "Inspection type of latest OEIF graded inspection",
    "Inspection type grouping of latest OEIF graded inspection", "Event type grouping of latest OEIF graded inspection",
    "Inspection start date of latest OEIF graded inspection", "Publication date of latest OEIF graded inspection",
    "Does the latest OEIF graded inspection relate to the URN of the current school?",
    "URN at time of latest OEIF graded inspection", "LAESTAB at time of latest OEIF graded inspection",
    "School name at time of latest OEIF graded inspection", "School type at time of latest OEIF graded inspection",
    "Latest OEIF category of concern", "Latest OEIF overall effectiveness", "Latest OEIF quality of education",
    "Latest OEIF behaviour and attitudes", "Latest OEIF personal development",
    "Latest OEIF effectiveness of leadership and management", "Latest OEIF  safeguarding is effective?",
    "Latest OEIF early years provision (where applicable)", "Latest OEIF sixth form provision (where applicable)",
    "Latest ungraded inspection number", "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Does the ungraded inspection relate to the URN of the current school?", "URN at time of the ungraded inspection",
    "LAESTAB at time of the ungraded inspection", "School name at time of the ungraded inspection",
    "School type at time of the ungraded inspection", "Ungraded inspection overall outcome",
    "Most recent category of concern",
];

/// The vintage's header, exactly as published, in order.
pub fn header(v: Vintage) -> &'static [&'static str] {
    match v {
        Vintage::Latest2021 => LATEST_2021,
        Vintage::Outcomes2016 => OUTCOMES_2016,
        Vintage::All2005To2015 => ALL_2005_TO_2015,
        Vintage::Latest2024 => LATEST_2024,
        Vintage::Latest2025 => LATEST_2025,
        Vintage::ReportCards2026 => REPORT_CARDS_2026,
    }
}

/// One school's row: its latest inspection and, where the vintage has the columns, the one
/// before. Empty text and `None` are written blank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MiRow {
    pub urn: i64,
    pub laestab: Option<String>,
    pub school_name: String,
    pub local_authority: String,
    pub ofsted_phase: String,
    pub type_of_education: String,
    pub postcode: Option<String>,
    pub pupils: Option<i64>,
    pub inspection_number: Option<String>,
    pub inspection_type: Option<String>,
    pub start_date: Option<Day>,
    pub end_date: Option<Day>,
    pub publication_date: Option<Day>,
    /// Written as given: "2", "Good", "9", "".
    pub overall: String,
    pub category: String,
    pub previous_start_date: Option<Day>,
    pub previous_overall: String,
    pub previous_category: String,
    pub previous_urn: Option<i64>,
    /// Key judgements as written ("2", "9", ""), and `Yes`/`No` for safeguarding.
    pub quality_of_education: String,
    pub safeguarding_effective: String,
    pub ungraded_date: Option<Day>,
    pub ungraded_outcome: String,
    /// Report-card grades as written ("Expected standard", "Met").
    pub curriculum_and_teaching: String,
    pub safeguarding_standards: String,
}

fn text(t: &Option<String>) -> String {
    t.clone().unwrap_or_default()
}

fn date(d: Option<Day>) -> String {
    d.map(Day::dd_mm_yyyy_slash).unwrap_or_default()
}

fn number(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Every vintage's name for each field; a vintage's header holds one name of each at most.
const FILLERS: &[Filler<MiRow>] = &[
    ("URN", |r| r.urn.to_string()),
    ("LAESTAB", |r| text(&r.laestab)),
    ("School name", |r| r.school_name.clone()),
    ("Local authority", |r| r.local_authority.clone()),
    ("Ofsted phase", |r| r.ofsted_phase.clone()),
    ("Type of education", |r| r.type_of_education.clone()),
    ("Postcode", |r| text(&r.postcode)),
    ("Total number of pupils", |r| number(r.pupils)),
    ("Inspection number of latest graded inspection", |r| text(&r.inspection_number)),
    ("Inspection number", |r| text(&r.inspection_number)),
    ("Inspection type", |r| text(&r.inspection_type)),
    ("Inspection start date", |r| date(r.start_date)),
    ("Inspection end date", |r| date(r.end_date)),
    ("Publication date", |r| date(r.publication_date)),
    ("First published date", |r| date(r.publication_date)),
    ("Overall effectiveness", |r| r.overall.clone()),
    ("Category of concern", |r| r.category.clone()),
    ("Previous inspection start date", |r| date(r.previous_start_date)),
    // The old file dates the previous inspection only by its end.
    ("Inspection end date of the previous inspection", |r| date(r.previous_start_date)),
    ("Previous graded inspection overall effectiveness", |r| r.previous_overall.clone()),
    ("Previous overall effectiveness", |r| r.previous_overall.clone()),
    ("Previous inspection - Overall effectiveness", |r| r.previous_overall.clone()),
    ("Previous category of concern", |r| r.previous_category.clone()),
    ("Previous inspection - Category", |r| r.previous_category.clone()),
    ("URN at time of previous graded inspection", |r| number(r.previous_urn)),
    ("URN at time of previous inspection", |r| number(r.previous_urn)),
    ("Inspection number of latest full inspection", |r| text(&r.inspection_number)),
    ("Quality of education", |r| r.quality_of_education.clone()),
    ("Safeguarding is effective?", |r| r.safeguarding_effective.clone()),
    ("Date of latest ungraded inspection", |r| date(r.ungraded_date)),
    ("Ungraded inspection overall outcome", |r| r.ungraded_outcome.clone()),
    ("Curriculum and teaching", |r| r.curriculum_and_teaching.clone()),
    ("Safeguarding standards", |r| r.safeguarding_standards.clone()),
    // In the report-card layout the graded inspection before the report card is the last
    // old-framework ("OEIF") one.
    ("Inspection start date of latest OEIF graded inspection", |r| date(r.previous_start_date)),
    ("Latest OEIF overall effectiveness", |r| r.previous_overall.clone()),
    ("Latest OEIF category of concern", |r| r.previous_category.clone()),
    ("URN at time of latest OEIF graded inspection", |r| number(r.previous_urn)),
];

/// The bytes of a file of the vintage holding `rows`, in their order.
pub fn to_bytes(v: Vintage, rows: &[MiRow], encoding: Encoding) -> Vec<u8> {
    table::to_bytes(header(v), FILLERS, rows, encoding)
}

/// Writes `rows` under the vintage's exact header to `path`; columns a row has no field for are
/// blank; dates are dd/mm/yyyy.
pub fn write(path: &Path, v: Vintage, rows: &[MiRow], encoding: Encoding) -> Result<(), BundleError> {
    table::write_file(path, &to_bytes(v, rows, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_each_column_once() {
        for v in VINTAGES {
            let mut names = header(v).to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), header(v).len(), "{v:?}");
        }
    }

    #[test]
    fn every_filler_names_a_published_column() {
        for (name, _) in FILLERS {
            assert!(VINTAGES.iter().any(|v| header(*v).contains(name)), "{name}");
        }
    }
}
