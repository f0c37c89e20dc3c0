//! The national files, read back through the application's own importer.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use schoolsight_bundle::{INSPECTIONS_FILE, REGISTER_FILE, assemble};
use schoolsight_ingest::{FileKind, ParsedFile, parse_file};

fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// One assembly shared by the tests: it is the slow part.
struct Assembled {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    register: ParsedFile,
    inspections: ParsedFile,
}

fn assembled() -> &'static Assembled {
    static ONCE: OnceLock<Assembled> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let files = assemble(&shared_data(), dir.path()).unwrap();
        eprintln!("assemble took {:?}", started.elapsed());
        let parse = |p: &Path| parse_file(p, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        Assembled { register: parse(&files[0]), inspections: parse(&files[1]), files, _dir: dir }
    })
}

#[test]
fn returns_the_generated_files_then_the_real_extracts_in_import_order() {
    let a = assembled();
    let names: Vec<String> = a.files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names[..4], [REGISTER_FILE, INSPECTIONS_FILE, "2021_936_gias.csv", "20220420_gias.csv"]);
    assert_eq!(names.len(), 4 + schoolsight_bundle::REAL_PERFORMANCE.len() + schoolsight_bundle::HISTORY.len());
    assert!(a.files[2].starts_with(shared_data()), "real extracts are not copied");
    for file in &a.files[2..4] {
        let parsed = parse_file(file, &mut |_, _| {}).unwrap();
        assert_eq!(parsed.kind, FileKind::GiasEstablishments);
        assert!(!parsed.extract.schools.is_empty());
    }
    let performance_end = 4 + schoolsight_bundle::REAL_PERFORMANCE.len();
    for file in &a.files[4..performance_end] {
        let parsed = parse_file(file, &mut |_, _| {}).unwrap();
        assert_eq!(parsed.kind, FileKind::PerformanceTables, "{}", file.display());
        assert!(!parsed.extract.measures.is_empty());
    }
}

#[test]
fn the_register_covers_england_as_at_june_2019() {
    let register = &assembled().register;
    assert_eq!(register.kind, FileKind::GiasEstablishments);
    assert_eq!(register.extract_date.unwrap().to_string(), "2019-06-01");
    let schools = &register.extract.schools;
    eprintln!("register: {} schools", schools.len());
    assert!(schools.len() > 20_000);
    assert!(register.extract.inspections.is_empty(), "ratings belong to the MI file");
    assert!(schools.iter().filter(|s| s.la_name == "Derby").count() > 50);
    // No LA is left without a name, including the three Dorset codes retired in April 2019.
    assert!(schools.iter().all(|s| !s.la_name.starts_with("LA ")));
    assert!(schools.iter().any(|s| s.la_name == "Poole" && s.la_code.as_deref() == Some("836")));
}

#[test]
fn academies_carry_their_trust_and_gias_type() {
    let schools = &assembled().register.extract.schools;
    // Grace Academy Solihull joined Tove Learning Trust on 1 April 2019 (grouplinks, June 2019).
    let grace = schools.iter().find(|s| s.urn.0 == 129342).unwrap();
    assert_eq!(grace.name, "Grace Academy Solihull");
    assert_eq!(grace.trust.as_deref(), Some("TOVE LEARNING TRUST"));
    assert_eq!(grace.type_name, "Academy sponsor led");
    assert_eq!(grace.la_name, "Solihull");
    let with_trust = schools.iter().filter(|s| s.trust.is_some()).count();
    eprintln!("register: {with_trust} schools with a trust");
    assert!(with_trust > 8_000);
}

#[test]
fn maintained_schools_carry_census_figures_and_performance_table_details() {
    let schools = &assembled().register.extract.schools;
    // Census row: 100000, LA 201, ESTAB 3614, State-funded primary, NOR 285, NUMFSM 32.
    let school = schools.iter().find(|s| s.urn.0 == 100000).unwrap();
    assert_eq!(school.la_code.as_deref(), Some("201"));
    assert_eq!(school.type_name, "Local authority maintained school");
    assert_eq!(format!("{:?}/{:?}", school.governance, school.phase), "Maintained/Primary");
    assert_eq!(school.pupils, Some(285));
    assert_eq!(school.fsm_percent, Some(11.2));
    assert!(school.postcode.is_some() && school.town.is_some());
}

#[test]
fn converted_schools_are_closed_not_counted_twice() {
    let schools = &assembled().register.extract.schools;
    let closed: Vec<_> = schools.iter().filter(|s| s.close_date.is_some()).collect();
    eprintln!("register: {} closed by a successor", closed.len());
    assert!(closed.len() > 100);
    for school in &closed {
        assert_eq!(format!("{:?}", school.status), "Closed");
        assert!(school.close_date.unwrap().to_string().as_str() <= "2019-06-01");
    }
}

#[test]
fn the_inspections_file_has_a_row_per_open_state_funded_school() {
    let a = assembled();
    let inspections = &a.inspections;
    assert_eq!(inspections.kind, FileKind::OfstedInspections);
    assert_eq!(inspections.extract_date.unwrap().to_string(), "2021-03-31");
    let judged = inspections.extract.inspections.iter().filter(|i| i.judgement.is_some()).count();
    eprintln!(
        "inspections file: {} rows, {} inspections, {judged} with a judgement",
        inspections.rows,
        inspections.extract.inspections.len()
    );
    assert!(judged > 15_000);
    let open_state_funded = a
        .register
        .extract
        .schools
        .iter()
        .filter(|s| s.close_date.is_none() && !matches!(format!("{:?}", s.governance).as_str(), "Independent"))
        .count();
    assert_eq!(inspections.rows, open_state_funded);
    // Every school the file mentions is on the register under the same name.
    let register: std::collections::HashMap<_, _> = a.register.extract.schools.iter().map(|s| (s.urn, s)).collect();
    for school in &inspections.extract.mentioned_schools {
        assert_eq!(register[&school.urn].name, school.name);
    }
}

#[test]
fn judgements_come_from_the_scraped_ratings() {
    let inspections = &assembled().inspections.extract.inspections;
    // england_ks2final: 119910 Buckminster Primary School, Good, 20140204.
    let buckminster = inspections.iter().find(|i| i.urn.0 == 119910).unwrap();
    assert_eq!(buckminster.start_date.to_string(), "2014-02-04");
    assert_eq!(buckminster.judgement.map(|j| j.grade()), Some(2));
    assert!(buckminster.end_date.is_none() && buckminster.category.is_none());
}

#[test]
fn assembling_twice_gives_the_same_bytes() {
    let first = assembled();
    let again = tempfile::tempdir().unwrap();
    let files = assemble(&shared_data(), again.path()).unwrap();
    for (a, b) in first.files.iter().zip(&files).take(2) {
        assert!(std::fs::read(a).unwrap() == std::fs::read(b).unwrap(), "{} differs", b.display());
    }
}

#[test]
fn a_missing_source_is_named() {
    let empty = tempfile::tempdir().unwrap();
    let err = assemble(empty.path(), &empty.path().join("out")).unwrap_err();
    assert!(matches!(err, schoolsight_bundle::BundleError::Missing { .. }), "{err}");
}

#[test]
fn the_gias_header_is_the_published_one() {
    let real = std::fs::read_to_string(shared_data().join("hampshire-surrey-2017-2022/20220420_gias.csv")).unwrap();
    let first_line = real.lines().next().unwrap();
    let published: Vec<&str> = first_line.split(',').map(|h| h.trim_matches('"')).collect();
    assert_eq!(published.last(), Some(&"Linked establishments"));
    assert_eq!(schoolsight_bundle::gias::HEADER, &published[..published.len() - 1]);
}
