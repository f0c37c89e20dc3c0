//! Files written by the fixture API read back through the application's importer.

use schoolsight_bundle::gias::{self, GiasRow};
use schoolsight_bundle::mi::{self, MiRow, Vintage};
use schoolsight_bundle::{Day, Encoding};
use schoolsight_ingest::{FileKind, ParsedFile, SourceText, parse_source};

use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade};
use schoolsight_domain::Urn;
use schoolsight_bundle::mi::VINTAGES;
const ENCODINGS: [Encoding; 2] = [Encoding::Windows1252, Encoding::Utf8Bom];
/// A curly apostrophe and an accent: both in Windows-1252, neither in ASCII.
const NAME: &str = "St Mary\u{2019}s Caf\u{e9} School";

fn day(year: i32, month: u32, d: u32) -> Option<Day> {
    Some(Day::new(year, month, d).unwrap())
}

fn parse(name: &str, bytes: &[u8]) -> ParsedFile {
    let source = SourceText::from_bytes(name, bytes).unwrap();
    parse_source(&source, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn mi_row() -> MiRow {
    MiRow {
        urn: 100123,
        laestab: Some("2013614".into()),
        school_name: NAME.into(),
        local_authority: "Derby".into(),
        ofsted_phase: "Primary".into(),
        type_of_education: "Academy converter".into(),
        postcode: Some("DE1 1AA".into()),
        pupils: Some(210),
        inspection_number: Some("10012345".into()),
        inspection_type: Some("S5 Inspection".into()),
        start_date: day(2019, 3, 5),
        end_date: day(2019, 3, 6),
        publication_date: day(2019, 4, 2),
        overall: "4".into(),
        category: "SWK".into(),
        previous_start_date: day(2015, 11, 10),
        previous_overall: "Good".into(),
        previous_urn: Some(100007),
        quality_of_education: "3".into(),
        safeguarding_effective: "Yes".into(),
        curriculum_and_teaching: "Needs attention".into(),
        safeguarding_standards: "Met".into(),
        ..MiRow::default()
    }
}

#[test]
fn mi_files_round_trip_in_every_vintage_and_encoding() {
    for vintage in VINTAGES {
        for encoding in ENCODINGS {
            let bytes = mi::to_bytes(vintage, &[mi_row()], encoding);
            let parsed = parse("mi.csv", &bytes);
            let context = format!("{vintage:?} {encoding:?}");
            assert_eq!(parsed.kind, FileKind::OfstedInspections, "{context}");
            assert_eq!(parsed.rows, 1, "{context}");

            let school = &parsed.extract.mentioned_schools[0];
            assert_eq!(school.name, NAME, "{context}");
            assert_eq!(school.la_name, "Derby", "{context}");
            assert_eq!(school.la_code.as_deref(), Some("201"), "{context}");
            assert_eq!(school.pupils, Some(210), "{context}");

            let [latest, previous] = &parsed.extract.inspections[..] else {
                panic!("{context}: {:?}", parsed.extract.inspections)
            };
            assert_eq!(latest.start_date.to_string(), "2019-03-05", "{context}");
            assert_eq!(latest.publication_date.unwrap().to_string(), "2019-04-02", "{context}");
            assert_eq!(latest.number.as_deref(), Some("10012345"), "{context}");
            if vintage == Vintage::ReportCards2026 {
                // A report card: grades by area, no overall grade.
                assert_eq!(latest.judgement, None, "{context}");
                assert_eq!(
                    latest.detail.report_card,
                    vec![(ReportCardArea::Safeguarding, ReportCardGrade::Met), (ReportCardArea::CurriculumAndTeaching, ReportCardGrade::NeedsAttention)],
                    "{context}"
                );
            } else {
                assert_eq!(latest.judgement.map(|j| j.grade()), Some(4), "{context}");
                assert_eq!(format!("{:?}", latest.category), "Some(SeriousWeaknesses)", "{context}");
            }
            let has_sub_judgements = matches!(vintage, Vintage::Latest2021 | Vintage::Latest2024 | Vintage::Latest2025);
            let expected_quality = has_sub_judgements.then_some(3);
            assert_eq!(latest.detail.sub_judgements.quality_of_education, expected_quality, "{context}");

            assert_eq!(previous.start_date.to_string(), "2015-11-10", "{context}");
            assert_eq!(previous.judgement.map(|j| j.grade()), Some(2), "{context}");
            // A visit is filed under the URN it had then, linked to the school's current URN;
            // the old all-inspections file has no column for the URN at the time.
            let expected = if vintage == Vintage::All2005To2015 { Urn(100123) } else { Urn(100007) };
            assert_eq!(previous.urn, expected, "{context}");
            let linked: Vec<_> = parsed.extract.links.iter().map(|l| (l.urn, l.linked_urn)).collect();
            let expected_links = if expected == Urn(100123) { vec![] } else { vec![(Urn(100123), Urn(100007))] };
            assert_eq!(linked, expected_links, "{context}");
        }
    }
}

#[test]
fn mi_files_carry_the_published_header_and_encoding() {
    let bytes = mi::to_bytes(Vintage::Outcomes2016, &[mi_row()], Encoding::Windows1252);
    let header = std::str::from_utf8(bytes.split(|b| *b == b'\r').next().unwrap()).unwrap();
    assert!(header.starts_with("\"Web Link\",\"URN\",\"LAESTAB\",\"School name\""));
    assert_eq!(header.split("\",\"").count(), mi::header(Vintage::Outcomes2016).len());
    assert!(bytes.windows(3).any(|w| w == b"\x92s "), "curly apostrophe as Windows-1252");
    assert!(String::from_utf8_lossy(&bytes).contains("\"05/03/2019\""), "dates dd/mm/yyyy");

    let utf8 = mi::to_bytes(Vintage::Outcomes2016, &[mi_row()], Encoding::Utf8Bom);
    assert!(utf8.starts_with(b"\xEF\xBB\xBF\"Web Link\""));
}

#[test]
fn a_school_never_inspected_has_a_row_and_no_inspection() {
    let row =
        MiRow { urn: 150000, school_name: "New School".into(), local_authority: "Derby".into(), ..MiRow::default() };
    for vintage in VINTAGES {
        let parsed = parse("mi.csv", &mi::to_bytes(vintage, std::slice::from_ref(&row), Encoding::Windows1252));
        assert_eq!(parsed.rows, 1);
        assert!(parsed.extract.inspections.is_empty(), "{vintage:?}");
    }
}

#[test]
fn mi_write_puts_the_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Management_information_as_at_31_Aug_2019.csv");
    mi::write(&path, Vintage::Latest2021, &[mi_row()], Encoding::Windows1252).unwrap();
    let parsed = schoolsight_ingest::parse_file(&path, &mut |_, _| {}).unwrap();
    assert_eq!(parsed.extract_date.unwrap().to_string(), "2019-08-31");
    assert_eq!(parsed.extract.inspections.len(), 2);
}

#[test]
fn gias_files_round_trip_in_both_encodings() {
    let row = GiasRow {
        urn: 140001,
        la_code: "831".into(),
        la_name: "Derby".into(),
        establishment_number: "2001".into(),
        name: NAME.into(),
        type_name: "Academy converter".into(),
        type_group: "Academies".into(),
        status: "Closed".into(),
        open_date: day(2013, 9, 1),
        close_date: day(2020, 8, 31),
        phase: "Primary".into(),
        statutory_low_age: Some(4),
        statutory_high_age: Some(7),
        census_date: day(2019, 1, 17),
        pupils: Some(180),
        percentage_fsm: Some(12.345),
        trust: "Example Learning Trust".into(),
        town: "Derby".into(),
        postcode: "DE1 1AA".into(),
        ofsted_last_inspection: day(2018, 5, 9),
        ofsted_rating: "Requires improvement".into(),
    };
    for encoding in ENCODINGS {
        let parsed = parse("edubasealldata20200901.csv", &gias::to_bytes(std::slice::from_ref(&row), encoding));
        assert_eq!(parsed.kind, FileKind::GiasEstablishments);
        let school = &parsed.extract.schools[0];
        assert_eq!(school.name, NAME, "{encoding:?}");
        assert_eq!(school.la_code.as_deref(), Some("831"));
        assert_eq!(school.trust.as_deref(), Some("Example Learning Trust"));
        assert_eq!(format!("{:?}", school.status), "Closed");
        assert_eq!(school.close_date.unwrap().to_string(), "2020-08-31");
        assert_eq!(school.open_date.unwrap().to_string(), "2013-09-01");
        assert_eq!(format!("{:?}/{:?}", school.governance, school.phase), "AcademyConverter/Infant");
        assert_eq!(school.fsm_percent, Some(12.3));
        let [recorded] = &parsed.extract.inspections[..] else { panic!() };
        assert_eq!(recorded.start_date.to_string(), "2018-05-09");
        assert_eq!(recorded.judgement.map(|j| j.grade()), Some(3));
    }
}
