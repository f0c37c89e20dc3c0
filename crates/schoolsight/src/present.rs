//! Terminal output of the query commands: JSON for scripts, aligned text for people.

use std::fmt::Write;

use anyhow::Result;
use schoolsight_domain::analysis::{LaProfile, Movement, OutcomeSummary};
use schoolsight_domain::analysis::day_words;
use schoolsight_domain::words::{count_digits, verb_digits};
use schoolsight_domain::{CategoryOfConcern, Governance};
use schoolsight_store::SchoolHistory;
use serde::Serialize;

pub fn emit<T: Serialize>(json: bool, value: &T, text: fn(&T) -> String) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        print!("{}", text(value));
    }
    Ok(())
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

pub fn la_profile(p: &LaProfile) -> String {
    let mut out = String::new();
    for line in schoolsight_domain::analysis::describe_context(p) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    let _ = writeln!(out, "{} — state-funded schools open on {}", p.la_name, p.at);
    let _ = writeln!(
        out,
        "  {}; {} {} at least one of them{}",
        count_digits(p.schools, "school", "schools"),
        count_digits(p.trusts, "trust", "trusts"),
        verb_digits(p.trusts, "runs", "run"),
        // Trusts no dated file shows on the day are not counted: said, not hidden.
        if p.trusts_unknown > 0 { format!(" ({} whose trust that day is not known)", count_digits(p.trusts_unknown, "academy", "academies")) } else { String::new() }
    );
    for phase in &p.phases {
        let kinds: Vec<String> = phase
            .by_governance
            .iter()
            .map(|(g, n)| format!("{n} {}", g.label()))
            .collect();
        let _ = writeln!(out, "  {:<20} {:>4}  ({})", phase.label, phase.total, kinds.join(", "));
    }
    let academies: usize = p.by_governance.iter().filter(|(g, _)| g.is_academy()).map(|(_, n)| n).sum();
    let maintained = p.by_governance.get(&Governance::Maintained).copied().unwrap_or(0);
    let _ = writeln!(out, "  {maintained} maintained by the LA, {academies} academies or free schools");
    let _ = writeln!(
        out,
        "\n  Good or outstanding   {:>8} {:<22} {:>8} {:<26}  rank among LAs (ranked when at least {:.0}% known)",
        "LA",
        "  judgements known",
        "England",
        "  judgements known",
        p.thresholds.min_coverage_percent
    );
    for s in &p.shares {
        let rank = match (s.rank, &s.standing, &s.not_ranked) {
            (Some(r), Some(words), _) => format!("{r} of {} — {words}", s.out_of),
            (_, _, Some(why)) => format!("not ranked: {why}"),
            _ => "not ranked: no school has a known judgement".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<20} {:>8}   {:<20} {:>8}   {:<24}  {rank}",
            s.label,
            percent(s.la_percent),
            s.la.coverage_words(),
            percent(s.england_percent),
            s.england.coverage_words()
        );
    }
    out
}

pub fn outcomes(s: &OutcomeSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} from {} to {}", s.la_name, count_digits(s.inspected, "graded inspection", "graded inspections"), s.from, s.to);
    let phases: Vec<String> = s.by_phase.iter().map(|(p, n)| format!("{n} {}", p.label())).collect();
    if !phases.is_empty() {
        let _ = writeln!(out, "  by phase: {}", phases.join(", "));
    }
    for j in s.judgements.iter().filter(|j| j.count > 0) {
        let moves: Vec<String> = [Movement::Improved, Movement::Held, Movement::Declined, Movement::NoPrevious]
            .iter()
            .filter_map(|m| j.movements.get(m).map(|n| format!("{n} {}", m.label())))
            .collect();
        let categories: Vec<String> = [CategoryOfConcern::SpecialMeasures, CategoryOfConcern::SeriousWeaknesses]
            .iter()
            .filter_map(|c| j.categories.get(c).map(|n| format!("{n} {}", c.label())))
            .collect();
        let cat = if categories.is_empty() { String::new() } else { format!(" [{}]", categories.join(", ")) };
        let _ = writeln!(out, "  {:<22} {:>3}{cat}: {}", j.label, j.count, moves.join(", "));
    }
    let _ = writeln!(out, "\n  {}\n", schoolsight_domain::analysis::narrate(s).join("\n  "));
    for school in &s.schools {
        let previous = match (school.previous, school.previous_urn) {
            (Some(p), Some(urn)) => format!("{}, predecessor URN {urn}", p.label()),
            (Some(p), None) => p.label().to_string(),
            (None, _) => "none".to_string(),
        };
        let _ = writeln!(
            out,
            "    {} {:<45} {:<22} (previous {previous}: {})",
            school.start_date,
            school.name,
            school.judgement.label(),
            school.movement.label()
        );
    }
    out
}

pub fn school(h: &SchoolHistory) -> String {
    let s = &h.school;
    let mut out = String::new();
    let _ = writeln!(out, "{} (URN {})", s.name, s.urn);
    let place: Vec<&str> = [s.town.as_deref(), s.postcode.as_deref()].into_iter().flatten().collect();
    let _ = writeln!(out, "  {} · {} · {}", s.la_name, s.phase.label(), s.type_name);
    if !place.is_empty() {
        let _ = writeln!(out, "  {}", place.join(", "));
    }
    let _ = writeln!(out, "  status {}{}", s.status.key(), s.close_date.map_or(String::new(), |d| format!(" (closed {d})")));
    if let Some(trust) = &s.trust {
        let _ = writeln!(out, "  trust: {trust}");
    }
    if let Some(p) = s.pupils {
        let fsm = s.fsm_percent.map_or(String::new(), |f| format!(", {f:.1}% eligible for free school meals"));
        let _ = writeln!(out, "  {p} pupils{fsm}");
    }
    let _ = writeln!(out, "  inspections:");
    if h.timeline.is_empty() {
        let _ = writeln!(out, "    none recorded");
    }
    for e in &h.timeline {
        let judgement = e.judgement_label.as_deref().unwrap_or("no overall judgement");
        let movement = e.movement.map_or(String::new(), |m| format!(" — {}", m.label()));
        let kind = e.inspection.kind.as_deref().unwrap_or("inspection");
        let whose = e.whose().map_or(String::new(), |w| format!(" {w}"));
        let _ = writeln!(out, "    {}  {judgement}{movement}  ({kind}){whose}", e.inspection.start_date);
        if let Some(details) = e.details() {
            let _ = writeln!(out, "        {details}");
        }
    }
    out
}

fn list(out: &mut String, title: &str, items: &[schoolsight_letters::ListItem]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}:");
    for item in items {
        let _ = writeln!(out, "    - {}", item.text);
        for child in &item.children {
            let _ = writeln!(out, "        - {}", child.text);
        }
    }
}

pub fn letter(l: &schoolsight_letters::Letter) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", l.title.as_deref().unwrap_or("(untitled)"));
    let _ = writeln!(out, "  kind: {}{}", schoolsight_letters::kind_label(crate::letters::kind_key(&l.kind)), if l.kind_evidence.is_empty() { String::new() } else { format!(" (because: {})", l.kind_evidence.join("; ")) });
    if let Some(d) = l.letter_date {
        let _ = writeln!(out, "  dated {d}");
    }
    if let Some(v) = &l.visit_dates {
        let _ = writeln!(out, "  visit {} to {}", v.from, v.to);
    }
    if let Some(s) = &l.school {
        let place: Vec<&str> = [s.town.as_deref(), s.postcode.as_deref()].into_iter().flatten().collect();
        let _ = writeln!(out, "  school: {} {}", s.name, place.join(", "));
    }
    if let Some(la) = &l.la_name {
        let _ = writeln!(out, "  local authority: {la}");
    }
    if let Some(r) = &l.recipient {
        let _ = writeln!(out, "  to: {}{}", r.name, r.role.as_ref().map_or(String::new(), |role| format!(", {role}")));
    }
    if !l.inspectors.is_empty() {
        let _ = writeln!(out, "  inspectors: {}", l.inspectors.join(", "));
    }
    if let Some(m) = &l.monitoring_judgement {
        let _ = writeln!(out, "  leaders {} taking effective action", if m.effective { "are" } else { "are not" });
    }
    if let Some(j) = l.overall_effectiveness {
        let _ = writeln!(out, "  overall effectiveness: {}", j.label());
    }
    list(&mut out, "the school should take further action to", &l.further_actions);
    list(&mut out, "areas for improvement", &l.areas_for_improvement);
    list(&mut out, "strengths", &l.strengths);
    if let Some(f) = &l.focused {
        let _ = writeln!(out, "  focused inspections: {} inspected, {} surveyed", f.inspected.map_or("?".into(), |n| n.to_string()), f.surveyed.map_or("?".into(), |n| n.to_string()));
        for o in &f.outcomes {
            let moved: Vec<String> = [("improved", o.improved), ("held", o.held), ("declined", o.declined)]
                .iter()
                .filter_map(|(w, n)| n.map(|n| format!("{n} {w}")))
                .collect();
            let _ = writeln!(out, "    {} {}: {}", o.count, o.judgement.label(), moved.join(", "));
        }
    }
    let headings: Vec<&str> = l.sections.iter().map(|s| s.heading.as_str()).collect();
    if !headings.is_empty() {
        let _ = writeln!(out, "  sections: {}", headings.join(" · "));
    }
    out
}

pub fn hits(hits: &Vec<schoolsight_search::SearchHit>) -> String {
    let mut out = String::new();
    if hits.is_empty() {
        let _ = writeln!(out, "no letters match");
    }
    for h in hits {
        let about = h.about.as_ref().map_or(String::new(), |a| format!(", {a}"));
        let date = h.date.as_ref().map_or(String::new(), |d| format!(", {d}"));
        let _ = writeln!(out, "{}  {:.2}  {}  ({}{about}{date})", h.id, h.score, h.title, schoolsight_letters::kind_label(&h.kind));
        let plain = h.snippet_html.replace("<b>", "[").replace("</b>", "]");
        let _ = writeln!(out, "    {}", plain.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out
}

pub fn actions(actions: &Vec<schoolsight_store::LetterAction>) -> String {
    let mut out = String::new();
    if actions.is_empty() {
        let _ = writeln!(out, "no actions recorded");
    }
    for a in actions {
        let closed = a.closed_at.as_ref().map_or(String::new(), |at| format!(" (closed {at} by {})", a.closed_by.as_deref().unwrap_or("?")));
        let _ = writeln!(out, "{:<16} {:<6} {}{closed}", a.id, a.status, a.text);
    }
    out
}

/// A stored letter with its parsed record and its actions.
#[derive(Serialize)]
pub struct ShownLetter {
    pub letter: schoolsight_store::StoredLetter,
    pub record: schoolsight_letters::Letter,
    pub actions: Vec<schoolsight_store::LetterAction>,
}

pub fn shown_letter(s: &ShownLetter) -> String {
    let mut out = format!("letter {} ({}), stored {}\n  {}\n", s.letter.id, s.letter.name, s.letter.ingested_at, s.letter.link_note);
    out.push_str(&letter(&s.record));
    if !s.actions.is_empty() {
        out.push_str("  actions:\n");
        for line in actions(&s.actions).lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// How recent the data behind a question about today is: "latest data: inspections to 18 July
/// 2025, register extract of 1 June 2019 (this describes today, 2 December 2026; --at chooses
/// the day)".
pub fn latest_data(latest: &schoolsight_store::LatestData, today: chrono::NaiveDate) -> String {
    let parts: Vec<String> = [
        latest.newest_inspection.map(|d| format!("inspections to {}", day_words(d))),
        latest.register_extract.map(|d| format!("register extract of {}", day_words(d))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let latest = if parts.is_empty() { "none imported".to_string() } else { parts.join(", ") };
    format!("latest data: {latest} (this describes today, {}; --at chooses the day)", day_words(today))
}

/// The line of counts a letters run ends with: "11 letters stored, 0 already stored, 2 held
/// already in another format, 2 skipped (not letters), 0 refused; 11 searchable".
pub fn ingest_counts(report: &crate::letters::IngestReport, searchable: u64) -> String {
    format!(
        "{} stored, {} already stored, {} already in another format, {} skipped (not {}), {} refused; {} searchable",
        count_digits(report.stored, "letter", "letters"),
        report.already,
        report.other_format.len(),
        report.skipped.len(),
        verb_digits(report.skipped.len(), "a letter", "letters"),
        report.refused.len(),
        searchable
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn one_graded_inspection_is_singular() {
        // "1 graded inspections" was printed before the numbers module.
        let summary = schoolsight_domain::OutcomeSummary::build("Derby", day(2014, 1, 1), day(2014, 1, 31), vec![]);
        assert!(outcomes(&summary).starts_with("Derby: 0 graded inspections from 2014-01-01 to 2014-01-31"));
        assert_eq!(count_digits(1, "graded inspection", "graded inspections"), "1 graded inspection");
    }

    #[test]
    fn the_age_of_the_data_is_said() {
        let latest = schoolsight_store::LatestData { newest_inspection: Some(day(2025, 7, 18)), register_extract: Some(day(2019, 6, 1)) };
        assert_eq!(
            latest_data(&latest, day(2026, 12, 2)),
            "latest data: inspections to 18 July 2025, register extract of 1 June 2019 (this describes today, 2 December 2026; --at chooses the day)"
        );
        let none = schoolsight_store::LatestData { newest_inspection: None, register_extract: None };
        assert!(latest_data(&none, day(2026, 12, 2)).starts_with("latest data: none imported"));
    }

    #[test]
    fn ingest_counts_agree_in_number() {
        let report = crate::letters::IngestReport { stored: 1, skipped: vec!["README.md".into()], ..Default::default() };
        assert_eq!(ingest_counts(&report, 1), "1 letter stored, 0 already stored, 0 already in another format, 1 skipped (not a letter), 0 refused; 1 searchable");
    }
}
