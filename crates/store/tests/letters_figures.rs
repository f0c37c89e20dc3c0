//! The seed letters' own figures, from the real files in ../shared/data through the real
//! import path (the bundled national data as `import-bundled` lays it out, then the scraped
//! inspection history, the DfE 2017/18 spine and the national GIAS links file), on both back
//! ends. Where the files cannot give a letter's figure, the difference and its cause are
//! written beside it and the test asserts the figure the cause explains, not the letter's.
//!
//! Run with `-- --nocapture` to print the table the README shows (letter beside Schoolsight).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schoolsight_domain::analysis::{LaProfile, Movement, OutcomeSummary};
use schoolsight_domain::{Governance, Judgement, Phase, Thresholds};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{Store, test_each_backend};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The bundled data and the history files, each parsed and imported as `schoolsight import`
/// does (a file already imported, same bytes, is skipped).
async fn import_real_files(store: &Store) {
    let out = tempfile::tempdir().unwrap();
    let mut files = schoolsight_bundle::assemble(&shared(""), out.path()).unwrap();
    files.extend([
        shared("ofsted-inspection-history-2005-2020-scraped/ofsted_ratings_2018.csv"),
        shared("ofsted-inspection-history-2005-2020-scraped/2017-2018_england_spine.xlsx"),
        shared("hampshire-surrey-2017-2022/2021_giaslinks.csv"),
    ]);
    for path in &files {
        let parsed = schoolsight_ingest::parse_file(path, &mut |_, _| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        store.import(&parsed, &mut |_, _| {}).await.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// One line of the README's table: what the letter says, what Schoolsight says, and why they
/// differ where they do.
struct Figure {
    letter: &'static str,
    what: &'static str,
    says: String,
    ours: String,
    note: &'static str,
}

fn routes(p: &LaProfile, group: Phase) -> BTreeMap<Governance, usize> {
    let mut by = BTreeMap::new();
    for phase in p.phases.iter().filter(|b| b.phase.reporting_group() == group) {
        for (g, n) in &phase.by_governance {
            *by.entry(*g).or_insert(0) += n;
        }
    }
    by
}

fn route_words(by: &BTreeMap<Governance, usize>) -> String {
    let n = |g| by.get(&g).copied().unwrap_or(0);
    format!(
        "{} ({} maintained, {} converters, {} sponsor-led, {} free schools)",
        by.values().sum::<usize>(),
        n(Governance::Maintained),
        n(Governance::AcademyConverter),
        n(Governance::AcademySponsorLed),
        n(Governance::FreeSchool)
    )
}

/// Judgement → (movement → count) over the inspections of one reporting phase.
fn movements(s: &OutcomeSummary, group: Option<Phase>) -> BTreeMap<Judgement, BTreeMap<Movement, usize>> {
    let mut out: BTreeMap<Judgement, BTreeMap<Movement, usize>> = BTreeMap::new();
    for i in s.schools.iter().filter(|i| group.is_none_or(|g| i.phase.reporting_group() == g)) {
        *out.entry(i.judgement).or_default().entry(i.movement).or_insert(0) += 1;
    }
    out
}

fn movement_words(m: &BTreeMap<Judgement, BTreeMap<Movement, usize>>) -> String {
    m.iter()
        .map(|(j, moves)| {
            let total: usize = moves.values().sum();
            let parts: Vec<String> = moves.iter().map(|(mv, n)| format!("{n} {}", mv.label())).collect();
            format!("{total} {} ({})", j.label(), parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn count(m: &BTreeMap<Judgement, BTreeMap<Movement, usize>>, j: Judgement, mv: Movement) -> usize {
    m.get(&j).and_then(|moves| moves.get(&mv)).copied().unwrap_or(0)
}

async fn letter_002(store: &Store, figures: &mut Vec<Figure>) {
    let t = Thresholds::default();
    let p = store.la_profile("Stoke-on-Trent", d(2015, 1, 27), &t).await.unwrap();
    let primary = routes(&p, Phase::Primary);
    let secondary = routes(&p, Phase::Secondary);
    let n = |by: &BTreeMap<Governance, usize>, g| by.get(&g).copied().unwrap_or(0);
    // Letter 002: 71 primary schools, 45 maintained, 21 converters, 5 sponsor-led. Two primaries
    // (Whitfield Valley 141346, 16 September 2014; Mill Hill 141405, 24 September 2014) became
    // sponsor-led academies at the start of that school year; the letter's context still counts
    // them maintained. So on 27 January 2015 the files give 45 − 2 maintained and 5 + 2
    // sponsor-led, and on 31 August 2014 exactly the letter's figures.
    assert_eq!(primary.values().sum::<usize>(), 71);
    assert_eq!((n(&primary, Governance::Maintained), n(&primary, Governance::AcademyConverter), n(&primary, Governance::AcademySponsorLed)), (45 - 2, 21, 5 + 2));
    let start_of_year = store.la_profile("Stoke-on-Trent", d(2014, 8, 31), &t).await.unwrap();
    let primary_then = routes(&start_of_year, Phase::Primary);
    assert_eq!(
        (primary_then.values().sum::<usize>(), n(&primary_then, Governance::Maintained), n(&primary_then, Governance::AcademyConverter), n(&primary_then, Governance::AcademySponsorLed)),
        (71, 45, 21, 5)
    );
    figures.push(Figure {
        letter: "002 Stoke-on-Trent, 27 Jan 2015",
        what: "primary schools",
        says: "71 (45 maintained, 21 converters, 5 sponsor-led)".into(),
        ours: format!("{}; on 31 Aug 2014: {}", route_words(&primary), route_words(&primary_then)),
        note: "two primaries became sponsor-led academies in September 2014; the letter counts them maintained",
    });
    // Letter 002: 16 secondary schools, 3 maintained, 5 converters, 8 sponsor-led. GIAS types two
    // of them studio schools (139590, 138256: the free-school route); the letter names no free
    // schools, so its eight sponsor-led academies include them: 6 + 2. Two free schools of
    // Stoke's (Co-op Academy Florence MacWilliams, URN 150790, registered in 2023; the special
    // free school 150771) come from files that give no opening day and show them open only
    // years later: they are left out of 27 January 2015, and the profile says so (issue 13
    // point 3: not counted as open on every date).
    let listed: Vec<String> = store
        .la_schools("Stoke-on-Trent", d(2015, 1, 27))
        .await
        .unwrap()
        .iter()
        .filter(|s| s.governance == Governance::FreeSchool && s.urn.0 >= 150_000)
        .map(|s| s.urn.to_string())
        .collect();
    assert!(listed.is_empty(), "150790 and 150771 did not exist in 2015: {listed:?}");
    assert!(
        p.caveats.contains(&"Two academies or free schools are left out: no file gives the day they opened, and none shows them open by 27 January 2015 (an inspection, joining a trust, a register extract).".to_string()),
        "{:?}",
        p.caveats
    );
    assert_eq!(secondary.values().sum::<usize>(), 16);
    assert_eq!(
        (n(&secondary, Governance::Maintained), n(&secondary, Governance::AcademyConverter), n(&secondary, Governance::AcademySponsorLed), n(&secondary, Governance::FreeSchool)),
        (3, 5, 8 - 2, 2)
    );
    figures.push(Figure {
        letter: "002 Stoke-on-Trent, 27 Jan 2015",
        what: "secondary schools",
        says: "16 (3 maintained, 5 converters, 8 sponsor-led)".into(),
        ours: route_words(&secondary),
        note: "GIAS types two of the letter's sponsor-led academies as studio schools (free-school route); two free schools with no opening day in any file, first shown open years later, are left out (stated)",
    });
    // "One of the 10 worst in England for the proportion of primary schools that are good or
    // outstanding" (data for 2014). Ranked only with enough judgements known; the files put Stoke
    // in the bottom fifth, not quite the bottom ten: they carry a converted school's
    // predecessor's judgement (Ofsted's statistics leave an academy not yet inspected out) and
    // lack schools closed before 2017/18.
    let primary_share = p.shares.iter().find(|s| s.label == "primary").unwrap();
    let words = match (primary_share.rank, &primary_share.standing, &primary_share.not_ranked) {
        (Some(rank), Some(standing), _) => {
            assert!(rank as f64 > 0.8 * primary_share.out_of as f64, "{primary_share:?}");
            format!("{standing} ({rank} of {})", primary_share.out_of)
        }
        (_, _, Some(why)) => why.clone(),
        _ => panic!("{primary_share:?}"),
    };
    figures.push(Figure {
        letter: "002 Stoke-on-Trent, 27 Jan 2015",
        what: "primary % good or outstanding",
        says: "one of the 10 worst in England (data for 2014)".into(),
        ours: format!(
            "{:.0}% (England {:.0}%), judgements known for {}, {} carried from predecessors: {words}",
            primary_share.la_percent.unwrap_or(0.0),
            primary_share.england_percent.unwrap_or(0.0),
            primary_share.la.coverage_words(),
            primary_share.la.carried
        ),
        note: "predecessors' judgements carried (Ofsted's statistics leave uninspected academies out); schools closed before 2017/18 are missing",
    });
}

async fn letter_003(store: &Store, figures: &mut Vec<Figure>) {
    let s = store.outcomes("Staffordshire", d(2014, 3, 11), d(2014, 3, 28)).await.unwrap();
    let m = movements(&s, Some(Phase::Primary));
    let total: usize = m.values().flat_map(|moves| moves.values()).sum();
    // Letter 003's eighteen are its focused sample; the files hold 21 primary inspections in
    // those days. Outstanding and good match the letter row for row, plus one good infant school
    // (Thomas Russell, 124058) whose earlier judgement is in no file. Requires improvement has the
    // letter's four declines, one more held at grade 3 than its sample took, and one school
    // (St Patrick's, 124362) with no earlier judgement in any file. Inadequate: the letter's three
    // special-measures schools, one of them (Silkmore, 124204) with no earlier judgement in any
    // file, so two "declined from good" (the scrape carries no category of concern).
    assert_eq!(total, 18 + 1 + 2);
    assert_eq!(count(&m, Judgement::Outstanding, Movement::Improved), 2, "both outstanding up from good");
    assert_eq!(
        (count(&m, Judgement::Good, Movement::Held), count(&m, Judgement::Good, Movement::Improved), count(&m, Judgement::Good, Movement::Declined)),
        (5, 1, 1)
    );
    assert_eq!(count(&m, Judgement::Good, Movement::NoPrevious), 1);
    assert_eq!(
        (count(&m, Judgement::RequiresImprovement, Movement::Declined), count(&m, Judgement::RequiresImprovement, Movement::Held), count(&m, Judgement::RequiresImprovement, Movement::NoPrevious)),
        (4, 2 + 1, 1)
    );
    assert_eq!(
        (count(&m, Judgement::Inadequate, Movement::Declined), count(&m, Judgement::Inadequate, Movement::NoPrevious)),
        (3 - 1, 1)
    );
    figures.push(Figure {
        letter: "003 Staffordshire primaries, 11–28 Mar 2014",
        what: "inspections and movements",
        says: "18: 2 outstanding (2 improved); 7 good (5 held, 1 improved, 1 declined); 6 RI (4 declined, 2 held); 3 special measures (3 declined)".into(),
        ours: format!("{total}: {}", movement_words(&m)),
        note: "the letter's 18 are a focused sample: the files hold one RI school more and two with no earlier judgement in any file; one special-measures school's earlier judgement is in no file; the scrape has no category",
    });
}

async fn letter_004(store: &Store, figures: &mut Vec<Figure>) {
    let s = store.outcomes("Derby", d(2013, 1, 17), d(2013, 1, 23)).await.unwrap();
    let m = movements(&s, None);
    // Letter 004: ten inspected (one nursery, five primary, two junior, one secondary, one
    // special). One school judged to require improvement (previously satisfactory) is in no
    // file: a school closed or converted before the 2017/18 spine the history was scraped for.
    assert_eq!(s.inspected, 10 - 1);
    assert_eq!((count(&m, Judgement::Good, Movement::Improved), count(&m, Judgement::Good, Movement::Held)), (4, 2));
    assert_eq!(count(&m, Judgement::RequiresImprovement, Movement::Held), 3 - 1, "previously satisfactory, not improved");
    let special = s.schools.iter().find(|i| i.phase == Phase::Special).unwrap();
    assert_eq!((special.judgement, special.movement), (Judgement::Outstanding, Movement::Held), "the special school sustained outstanding");
    figures.push(Figure {
        letter: "004 Derby, 17–23 Jan 2013",
        what: "inspections and movements",
        says: "10: 6 good (4 improved, 2 held); 3 RI (3 held at satisfactory); 1 outstanding special (held)".into(),
        ours: format!("{}: {}", s.inspected, movement_words(&m)),
        note: "one school judged to require improvement is in no file",
    });
}

test_each_backend!(the_seed_letters_figures_from_the_real_files, super::the_seed_letters_figures_from_the_real_files);
/// Issue 13 point 3: Firs Primary School (Derby, a sponsor-led academy, URN 142041) has no
/// OpenDate in the bundled register; the 2017/18 school list gives OPENDATE 43101 (an Excel
/// day: 1 January 2018, read from the xlsx with Python's zipfile), so it is counted from then,
/// not on every date.
async fn an_academys_opening_comes_from_the_school_list(store: &Store) {
    let firs = schoolsight_domain::Urn(142041);
    assert_eq!(store.school(firs).await.unwrap().unwrap().school.open_date, Some(d(2018, 1, 1)));
    let before = store.la_schools("Derby", d(2017, 12, 31)).await.unwrap();
    let after = store.la_schools("Derby", d(2018, 1, 1)).await.unwrap();
    assert!(!before.iter().any(|s| s.urn == firs) && after.iter().any(|s| s.urn == firs));
}

async fn the_seed_letters_figures_from_the_real_files(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import_real_files(&store).await;
    an_academys_opening_comes_from_the_school_list(&store).await;
    let mut figures = Vec::new();
    letter_002(&store, &mut figures).await;
    letter_003(&store, &mut figures).await;
    letter_004(&store, &mut figures).await;
    println!("| letter | figure | the letter | Schoolsight | why they differ |\n|---|---|---|---|---|");
    for f in &figures {
        println!("| {} | {} | {} | {} | {} |", f.letter, f.what, f.says, f.ours, f.note);
    }
    db.remove().await;
}
