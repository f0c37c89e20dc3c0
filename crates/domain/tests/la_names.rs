//! LA names as people write them, on the real list: the DfE's LA code lookup shipped with the
//! 2018/19 performance tables (the names the bundled register carries) and the ONS codes DfE's
//! KS4 school information for 2023/24 gives beside the old ones.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use schoolsight_domain::la_names::{self, LaEntry, LaMatch};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel)
}

/// Splits one CSV line with quoted fields ("Bristol, City of").
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The register's LAs: (code, name) from `la_and_region_codes_meta.csv`.
fn register_las() -> Vec<LaEntry> {
    let text = std::fs::read_to_string(shared("dfe-performance-tables-2018-19/la_and_region_codes_meta.csv")).unwrap();
    let mut las: Vec<LaEntry> = text
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = fields(l);
            LaEntry { name: f[1].clone(), code: Some(f[0].clone()) }
        })
        .collect();
    las.dedup();
    las
}

/// Old code → ONS code, from the KS4 school information (`old_la_code`, `new_la_code`).
fn ons_codes() -> HashMap<String, String> {
    let text = std::fs::read_to_string(shared("ees-ks4-school-info-2023-24-and-gias-links-2025/ks4_school_info_2024.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header = fields(lines.next().unwrap());
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (old, new) = (at("old_la_code"), at("new_la_code"));
    lines.map(fields).map(|f| (f[old].clone(), f[new].clone())).collect()
}

fn resolves(query: &str, las: &[LaEntry]) -> String {
    match la_names::resolve(query, las) {
        LaMatch::Found(name) => name,
        other => panic!("'{query}': {other:?}"),
    }
}

#[test]
fn the_code_table_is_the_published_pairing() {
    let published = ons_codes();
    assert_eq!(published.len(), 153, "153 LAs in the 2023/24 KS4 information");
    assert_eq!(la_names::LA_CODES.len(), published.len());
    for (old, new) in la_names::LA_CODES {
        assert_eq!(published.get(*old).map(String::as_str), Some(*new), "{old}");
    }
}

#[test]
fn every_la_on_the_real_list_answers_to_its_name_its_council_and_its_codes() {
    let las = register_las();
    assert_eq!(las.len(), 151, "151 rows in the lookup, one per LA");
    let ons = ons_codes();
    for la in &las {
        let code = la.code.as_deref().unwrap();
        assert_eq!(resolves(&la.name, &las), la.name);
        assert_eq!(resolves(&la.name.to_uppercase(), &las), la.name);
        assert_eq!(resolves(code, &las), la.name, "old code {code}");
        if let Some(new) = ons.get(code) {
            assert_eq!(resolves(new, &las), la.name, "ONS code {new}");
        }
        let place = la_names::authority_place(&la.name);
        assert_eq!(resolves(&format!("{place} Council"), &las), la.name);
    }
}

#[test]
fn names_from_the_letters_and_common_forms() {
    let las = register_las();
    for (query, name) in [
        ("Derby City", "Derby"),
        ("Derby City Council", "Derby"),
        ("City of Derby", "Derby"),
        ("E06000015", "Derby"),
        ("831", "Derby"),
        ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
        ("Stoke on Trent", "Stoke-on-Trent"),
        ("Staffordshire County Council", "Staffordshire"),
        ("County Durham", "County Durham"),
        ("Durham", "County Durham"),
        ("Durham County Council", "County Durham"),
        ("Bristol City Council", "Bristol, City of"),
        ("City of Bristol", "Bristol, City of"),
        ("Kingston upon Hull City Council", "Kingston Upon Hull, City of"),
        ("Herefordshire Council", "Herefordshire, County of"),
        ("London Borough of Newham", "Newham"),
        ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("Westminster City Council", "Westminster"),
        ("City of London", "City of London"),
        ("St Helens", "St. Helens"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("Liverpool City Council", "Liverpool"),
        ("Nottingham City Council", "Nottingham"),
        ("Nottinghamshire County Council", "Nottinghamshire"),
    ] {
        assert_eq!(resolves(query, &las), name, "{query}");
    }
}

#[test]
fn a_miss_suggests_the_nearest_names() {
    let las = register_las();
    match la_names::resolve("Darby", &las) {
        LaMatch::Missing { nearest } => assert_eq!(nearest.first().map(String::as_str), Some("Derby"), "{nearest:?}"),
        other => panic!("{other:?}"),
    }
    match la_names::resolve("Stokee-on-Trent", &las) {
        LaMatch::Missing { nearest } => assert_eq!(nearest.first().map(String::as_str), Some("Stoke-on-Trent"), "{nearest:?}"),
        other => panic!("{other:?}"),
    }
    match la_names::resolve("Atlantis", &las) {
        LaMatch::Missing { nearest } => assert_eq!(nearest.len(), 3),
        other => panic!("{other:?}"),
    }
}
