//! The register and the judgements as they stood on a day, through the real import path
//! (a GIAS extract, a GIAS links file, Ofsted's all-inspections file) on both back ends.
//!
//! The fixture: Stoke Academy (140001) converted on 1 April 2016 from Old Stoke Primary
//! (123999), which no register extract describes any more but whose inspections Ofsted's file
//! holds under its own URN (satisfactory 2010, good 2013); the academy was outstanding in 2018.
//! Stoke Free School (140002) opened in September 2016; Closed Primary (123001) closed in
//! August 2013; Kept Primary (123000) was inadequate in 2014.

use chrono::NaiveDate;
use schoolsight_bundle::gias::{self, GiasRow};
use schoolsight_bundle::mi::{self, MiRow, Vintage};
use schoolsight_bundle::{Day, Encoding};
use schoolsight_domain::analysis::{Movement, PhaseGroup};
use schoolsight_domain::as_at::TrustAt;
use schoolsight_domain::{Governance, Judgement, Thresholds, Urn};
use schoolsight_ingest::{SourceText, parse_source};
use schoolsight_store::testing::{TestBackend, TestDatabase};
use schoolsight_store::{Store, test_each_backend};

fn day(y: i32, m: u32, d: u32) -> Day {
    Day::new(y, m, d).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn school(urn: i64, name: &str, type_name: &str, open: Option<Day>, close: Option<Day>) -> GiasRow {
    GiasRow {
        urn,
        la_code: "861".into(),
        la_name: "Stoke-on-Trent".into(),
        name: name.into(),
        type_name: type_name.into(),
        status: if close.is_some() { "Closed" } else { "Open" }.into(),
        open_date: open,
        close_date: close,
        phase: "Primary".into(),
        statutory_low_age: Some(4),
        statutory_high_age: Some(11),
        trust: if type_name.starts_with("Academy") { "Stoke Trust".into() } else { String::new() },
        ..GiasRow::default()
    }
}

fn register() -> Vec<GiasRow> {
    vec![
        school(140001, "Stoke Academy", "Academy converter", Some(day(2016, 4, 1)), None),
        school(140002, "Stoke Free School", "Free schools", Some(day(2016, 9, 1)), None),
        school(123000, "Kept Primary", "Community school", None, None),
        school(123001, "Closed Primary", "Community school", None, Some(day(2013, 8, 31))),
    ]
}

fn visit(urn: i64, name: &str, start: Day, grade: &str) -> MiRow {
    MiRow {
        urn,
        school_name: name.into(),
        local_authority: "Stoke-on-Trent".into(),
        ofsted_phase: "Primary".into(),
        type_of_education: "Community school".into(),
        inspection_number: Some(format!("{urn}{}", start.dd_mm_yyyy_slash().replace('/', ""))),
        start_date: Some(start),
        end_date: Some(start),
        overall: grade.into(),
        ..MiRow::default()
    }
}

fn inspections() -> Vec<MiRow> {
    vec![
        visit(123999, "Old Stoke Primary", day(2010, 5, 4), "3"),
        visit(123999, "Old Stoke Primary", day(2013, 5, 7), "2"),
        visit(140001, "Stoke Academy", day(2018, 1, 10), "1"),
        visit(123000, "Kept Primary", day(2014, 1, 14), "4"),
    ]
}

const LINKS: &str = "\"URN\",\"LinkURN\",\"LinkName\",\"LinkType\",\"LinkEstablishedDate\"\n\
140001,123999,\"Old Stoke Primary\",\"Predecessor\",\"01-04-2016\"\n\
123999,140001,\"Stoke Academy\",\"Successor\",\"01-04-2016\"\n";

async fn import(store: &Store, name: &str, bytes: Vec<u8>) {
    let parsed = parse_source(&SourceText::from_bytes(name, &bytes).unwrap(), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap();
}

async fn loaded(db: &TestDatabase) -> Store {
    let store = db.store().await;
    import(&store, "edubasealldata20190601.csv", gias::to_bytes(&register(), Encoding::Windows1252)).await;
    import(&store, "links_edubasealldata20210601.csv", LINKS.as_bytes().to_vec()).await;
    import(&store, "all_inspections_2005_2015.csv", mi::to_bytes(Vintage::All2005To2015, &inspections(), Encoding::Windows1252)).await;
    store
}

test_each_backend!(a_converted_school_counts_as_it_then_was, super::a_converted_school_counts_as_it_then_was);
async fn a_converted_school_counts_as_it_then_was(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = loaded(&db).await;
    let t = Thresholds::default();
    let before = store.la_profile("Stoke-on-Trent", d(2015, 1, 27), &t).await.unwrap();
    // Old Stoke Primary (maintained, good) and Kept Primary; not the academy, not the free
    // school (neither open yet), not Closed Primary.
    assert_eq!(before.schools, 2);
    assert_eq!(before.by_governance.get(&Governance::Maintained), Some(&2));
    assert_eq!(before.trusts, 0, "no trust ran a school before the conversion");
    let all = &before.shares[0];
    assert_eq!((all.la.schools, all.la.inspected, all.la.good_or_outstanding, all.la.carried), (2, 2, 1, 0));
    let listed: Vec<i64> = store.la_schools("Stoke-on-Trent", d(2015, 1, 27)).await.unwrap().iter().map(|s| s.urn.0).collect();
    assert!(listed.contains(&123999) && !listed.contains(&140001), "{listed:?}");

    let after = store.la_profile("Stoke-on-Trent", d(2017, 1, 1), &t).await.unwrap();
    assert_eq!(after.schools, 3);
    // The register of 1 June 2019 names the academies' trust, but nothing dates it earlier.
    assert_eq!(after.trusts, 0, "a trust named in 2019 is not assumed in 2017");
    assert!(after.caveats.contains(&"On 1 January 2017 the trust of two of Stoke-on-Trent's two academies and free schools is not known: no dated file (a GIAS group-links snapshot, a register extract) lists them then, and none is guessed from a later one.".to_string()), "{:?}", after.caveats);
    assert_eq!(after.trusts_unknown, 2);
    assert!(
        schoolsight_domain::analysis::describe_context(&after)
            .contains(&"No trust is known to run any of its schools: the trust of two academies is not known on that day.".to_string()),
        "not 'no trust runs any of its schools'"
    );
    assert_eq!(store.la_profile("Stoke-on-Trent", d(2019, 6, 1), &t).await.unwrap().trusts, 1, "on the register's own day");
    let all = &after.shares[0];
    // The academy carries its predecessor's good; the free school has no judgement.
    assert_eq!((all.la.schools, all.la.inspected, all.la.good_or_outstanding, all.la.carried), (3, 2, 1, 1));
    assert!(all.rank.is_none(), "two of three known is below 80%");
    assert_eq!(
        all.not_ranked.as_deref(),
        Some("judgements known for 67% of Stoke-on-Trent's schools on 1 January 2017: not enough to rank (the threshold is 80%)")
    );
    let academy = store.la_schools("Stoke-on-Trent", d(2017, 1, 1)).await.unwrap().into_iter().find(|s| s.urn == Urn(140001)).unwrap();
    assert_eq!((academy.latest, academy.carried_from), (Some(Judgement::Good), Some(Urn(123999))));
    db.remove().await;
}

test_each_backend!(outcomes_carry_the_predecessors_judgement, super::outcomes_carry_the_predecessors_judgement);
async fn outcomes_carry_the_predecessors_judgement(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = loaded(&db).await;
    let s = store.outcomes("Stoke-on-Trent", d(2018, 1, 1), d(2018, 1, 31)).await.unwrap();
    assert_eq!(s.inspected, 1);
    let academy = &s.schools[0];
    assert_eq!((academy.previous, academy.previous_urn, academy.movement), (Some(Judgement::Good), Some(Urn(123999)), Movement::Improved));
    assert_eq!((s.previous_known, s.previous_carried), (1, 1));
    // The predecessor's own 2013 inspection belongs to the LA under its old URN.
    let old = store.outcomes("Stoke-on-Trent", d(2013, 1, 1), d(2013, 12, 31)).await.unwrap();
    assert_eq!(old.schools.iter().map(|s| (s.urn.0, s.movement)).collect::<Vec<_>>(), vec![(123999, Movement::Improved)]);
    db.remove().await;
}

test_each_backend!(the_series_runs_yearly_with_coverage, super::the_series_runs_yearly_with_coverage);
async fn the_series_runs_yearly_with_coverage(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = loaded(&db).await;
    let series = store.series().await.unwrap();
    let days: Vec<NaiveDate> = series.iter().map(|p| p.at).collect();
    assert_eq!(days.first(), Some(&d(2006, 8, 31)));
    assert_eq!(days.last(), Some(&d(2018, 1, 10)), "ends on the newest inspection");
    let at_2014 = series.iter().find(|p| p.at == d(2014, 8, 31)).unwrap();
    // Old Stoke Primary good, Kept Primary inadequate; Closed Primary closed a year before.
    assert_eq!((at_2014.england.schools, at_2014.england.inspected, at_2014.england.good_or_outstanding), (2, 2, 1));
    assert_eq!(at_2014.las["Stoke-on-Trent"].percent(), Some(50.0));
    // Asked again with the data unchanged, the same series comes from memory.
    assert!(std::sync::Arc::ptr_eq(&series, &store.series().await.unwrap()));
    let ranking = store.ranking(d(2014, 8, 31), PhaseGroup::All, &Thresholds::default()).await.unwrap();
    assert_eq!(ranking.las[0].rank, Some(1));
    db.remove().await;
}

fn shared(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

async fn import_real(store: &Store, rel: &str) -> schoolsight_store::ImportOutcome {
    let parsed = schoolsight_ingest::parse_file(&shared(rel), &mut |_, _| {}).unwrap();
    store.import(&parsed, &mut |_, _| {}).await.unwrap()
}

const SNAPSHOTS: [&str; 12] =
    ["20180501", "20180601", "20180701", "20180801", "20180902", "20181001", "20181101", "20181201", "20190101", "20190301", "20190501", "20190601"];

fn known(trust: &str, since: NaiveDate) -> TrustAt {
    TrustAt::Known { trust: trust.to_string(), since: Some(since) }
}

// Pyrford Church of England Primary School (URN 140929, Surrey), as the files print it:
// GIAS's extract of 20 April 2022 gives "OpenDate 01-06-2014, Trusts (name) THE NEWARK TRUST";
// the group links of May to 2 September 2018 list it in its own single-academy trust
// (UID 4266, "Joined date 01-06-2014"), and those of October 2018 to June 2019 in THE NEWARK
// TRUST (UID 17103, "Joined date 06-09-2018"). Checked with zcat and the csv, not the program.
test_each_backend!(a_schools_trust_is_known_only_where_a_file_dates_it, super::a_schools_trust_is_known_only_where_a_file_dates_it);
async fn a_schools_trust_is_known_only_where_a_file_dates_it(backend: TestBackend) {
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    import_real(&store, "hampshire-surrey-2017-2022/20220420_gias.csv").await;
    for day in SNAPSHOTS {
        import_real(&store, &format!("gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree{day}.csv.gz")).await;
    }
    let history = store.register_history().await.unwrap();
    let pyrford = Urn(140929);
    let own_trust = "PYRFORD CHURCH OF ENGLAND PRIMARY SCHOOL";
    assert_eq!(history.trust_at(pyrford, d(2014, 5, 31)), TrustAt::None, "not yet an academy");
    assert_eq!(history.trust_at(pyrford, d(2016, 1, 1)), known(own_trust, d(2014, 6, 1)));
    assert_eq!(history.trust_at(pyrford, d(2018, 9, 2)), known(own_trust, d(2014, 6, 1)), "the last snapshot listing it there");
    // Between that snapshot and the day it joined The Newark Trust no file says where it was.
    assert_eq!(history.trust_at(pyrford, d(2018, 9, 5)), TrustAt::Unknown);
    assert_eq!(history.trust_at(pyrford, d(2018, 9, 6)), known("THE NEWARK TRUST", d(2018, 9, 6)), "the joined date, not the lagging snapshot");
    assert_eq!(history.trust_at(pyrford, d(2021, 1, 1)), known("THE NEWARK TRUST", d(2018, 9, 6)), "the 2022 register names the same trust");
    assert_eq!(history.trust_at(pyrford, d(2023, 1, 1)), TrustAt::Unknown, "no file dates it after April 2022");

    // Importing a snapshot again changes nothing.
    let again = import_real(&store, "gias-grouplinks-2018-2019/grouplinks_edubaseallacademiesandfree20190601.csv.gz").await;
    assert!(matches!(again, schoolsight_store::ImportOutcome::AlreadyImported { .. }));

    let later = store.la_profile("Surrey", d(2023, 1, 1), &Thresholds::default()).await.unwrap();
    assert_eq!(later.trusts, 0, "no trust is known on a day no file dates");
    assert!(later.caveats.iter().any(|c| c.starts_with("On 1 January 2023 the trust of ") && c.contains("of Surrey's") && c.contains("is not known")), "{:?}", later.caveats);
    let then = store.la_profile("Surrey", d(2019, 1, 1), &Thresholds::default()).await.unwrap();
    assert!(then.trusts > 0);
    db.remove().await;
}
