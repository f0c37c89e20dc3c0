//! A draft focused-inspection letter (issue 17 point 3), in seed letters 003 and 004's order:
//! context, outline of inspection activities, inspection outcomes, survey findings, strengths,
//! areas for improvement. Written only from the data for an LA and a period; every figure keeps
//! the rows it was counted from (URN, name, inspection date) so a reader can trace it, and the
//! Markdown is written so the letters' own parser reads its counts back.
//! Pure: the caller brings the outcomes, the LA's context and (where it has one) a survey.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::analysis::{InspectedSchool, Movement, OutcomeSummary, day_words};
use crate::casework::QuestionSummary;
use crate::words::{capitalised, count, number_words, pronoun, verb};
use crate::{Judgement, Phase};

/// One inspection a figure counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub urn: i64,
    pub name: String,
    pub inspected: NaiveDate,
}

/// A figure the letter states and the rows it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub id: String,
    pub label: String,
    pub value: usize,
    pub sources: Vec<SourceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub bullets: Vec<String>,
    /// A paragraph after the bullets (the outcomes' overall sentence).
    pub closing: Vec<String>,
}

/// A headteacher survey round's coded summary, when the caller holds one for the LA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyInput {
    pub round: String,
    pub opened_on: NaiveDate,
    pub questions: Vec<QuestionSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftLetter {
    pub title: String,
    pub la_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub phase: Option<Phase>,
    pub sections: Vec<Section>,
    pub figures: Vec<Figure>,
}

fn rows<'a>(schools: impl Iterator<Item = &'a InspectedSchool>) -> Vec<SourceRow> {
    schools.map(|s| SourceRow { urn: s.urn.0, name: s.name.clone(), inspected: s.start_date }).collect()
}

fn section(heading: &str, paragraphs: Vec<String>) -> Section {
    Section { heading: heading.to_string(), paragraphs, bullets: Vec::new(), closing: Vec::new() }
}

/// The outcomes restricted to one reporting phase (letter 003 is about primaries alone).
pub fn for_phase(s: &OutcomeSummary, phase: Option<Phase>) -> OutcomeSummary {
    let Some(group) = phase else { return s.clone() };
    let schools = s.schools.iter().filter(|i| i.phase.reporting_group() == group).cloned().collect();
    OutcomeSummary::build(&s.la_name, s.from, s.to, schools)
}

/// The previous judgement as it was named on its day (grade 3 before September 2012 was
/// "satisfactory").
fn previous_name(s: &InspectedSchool) -> String {
    match (s.previous, s.previous_date) {
        (Some(p), Some(d)) => p.label_at(d).to_string(),
        (Some(p), None) => p.label().to_string(),
        (None, _) => String::new(),
    }
}

/// One outcome bullet in letter 003's words, in the verbs the letters parser counts
/// ("improved", "maintained", "declined"): "seven were graded good: five had maintained the
/// previous good judgement and one had improved from a previous satisfactory judgement".
fn outcome_bullet(judgement: Judgement, label: &str, of: &[&InspectedSchool]) -> String {
    let n = of.len();
    let judged = match judgement {
        Judgement::RequiresImprovement => "judged to require improvement".to_string(),
        Judgement::Inadequate => "judged inadequate".to_string(),
        _ => format!("graded {label}"),
    };
    let mut origins: BTreeMap<(Movement, String), usize> = BTreeMap::new();
    for s in of {
        *origins.entry((s.movement, previous_name(s))).or_insert(0) += 1;
    }
    let parts: Vec<String> = origins
        .iter()
        .map(|((movement, previous), k)| {
            // "the school", not "it": the parser counts a clause by its number or "school".
            let who = if n == 1 { "the school".to_string() } else if *k == n && n == 2 { "both".to_string() } else if *k == n { format!("all {}", number_words(n)) } else { number_words(*k) };
            match movement {
                Movement::Improved => format!("{who} had improved from a previous {previous} judgement"),
                Movement::Held => format!("{who} had maintained the previous {previous} judgement"),
                Movement::Declined => format!("{who} had declined from a previous {previous} judgement"),
                Movement::NoPrevious => format!("{who} had no earlier judgement in the data"),
            }
        })
        .collect();
    let head = format!("{} {} {judged}", number_words(n), verb(n, "was", "were"));
    // Semicolons, not commas: the letters' parser reads one movement per clause, and splits
    // clauses at semicolons (letter 003 writes "five … had maintained …; one had improved …").
    if parts.is_empty() { head } else { format!("{head}: {}", parts.join("; ")) }
}

fn school_list(of: &[&InspectedSchool]) -> String {
    // A predecessor's name already carries its URN ("… (predecessor, URN 124204)").
    let names: Vec<String> = of
        .iter()
        .map(|s| if s.name.contains(&format!("URN {}", s.urn)) { s.name.clone() } else { format!("{} (URN {})", s.name, s.urn) })
        .collect();
    crate::words::and_list(&names)
}

impl DraftLetter {
    /// Builds the letter. `context` is the LA context paragraph (`analysis::describe_context`)
    /// as at the period's end; `survey` the LA's survey round if the caller has one.
    pub fn build(all: &OutcomeSummary, phase: Option<Phase>, context: Vec<String>, survey: Option<&SurveyInput>) -> DraftLetter {
        let s = for_phase(all, phase);
        let la = &s.la_name;
        let period = format!("{} and {}", day_words(s.from), day_words(s.to));
        let phase_word = phase.map_or(String::new(), |p| format!("{} ", p.label()));
        let mut figures = Vec::new();
        let mut sections = Vec::new();
        let context = if context.is_empty() { vec![format!("The data hold no register context for {la}.")] } else { context };
        sections.push(section("Context", context));

        let all_rows: Vec<&InspectedSchool> = s.schools.iter().collect();
        figures.push(Figure { id: "inspected".into(), label: format!("{phase_word}schools inspected"), value: s.inspected, sources: rows(all_rows.iter().copied()) });
        sections.push(section(
            "Outline of inspection activities",
            vec![if s.inspected == 0 {
                format!("The data hold no graded inspection of a {phase_word}school in {la} between {period}.")
            } else {
                // "We inspected N … schools" is the phrase the letters parser takes the count from.
                format!("We inspected {} {phase_word}{} in {la} between {period}.", number_words(s.inspected), crate::words::noun(s.inspected, "school", "schools"))
            }],
        ));

        let mut outcomes = section("Inspection outcomes", Vec::new());
        if s.inspected == 0 {
            outcomes.paragraphs.push("There are no inspection outcomes to report for the period.".to_string());
        } else {
            outcomes.paragraphs.push(format!("Of the {} schools inspected between {period}:", number_words(s.inspected)));
            for j in s.judgements.iter().filter(|j| j.count > 0) {
                let of: Vec<&InspectedSchool> = s.schools.iter().filter(|i| i.judgement == j.judgement).collect();
                outcomes.bullets.push(outcome_bullet(j.judgement, &j.label, &of));
                figures.push(Figure { id: j.judgement.key().to_string(), label: format!("graded {}", j.label), value: of.len(), sources: rows(of.iter().copied()) });
                for m in [Movement::Improved, Movement::Held, Movement::Declined, Movement::NoPrevious] {
                    let moved: Vec<&InspectedSchool> = of.iter().copied().filter(|i| i.movement == m).collect();
                    if !moved.is_empty() {
                        figures.push(Figure { id: format!("{}.{}", j.judgement.key(), m.label().replace(' ', "_")), label: format!("graded {}, {}", j.label, m.label()), value: moved.len(), sources: rows(moved.into_iter()) });
                    }
                }
            }
            let moved = |m: Movement| s.movements.get(&m).copied().unwrap_or(0);
            outcomes.closing.push(format!(
                "In all, {} improved, {} stayed the same and {} declined since their previous inspection; for {} the data hold no earlier judgement.",
                count(moved(Movement::Improved), "school", "schools"),
                pronoun(moved(Movement::Held)),
                pronoun(moved(Movement::Declined)),
                pronoun(moved(Movement::NoPrevious))
            ));
        }
        sections.push(outcomes);
        sections.push(survey_section(la, survey));

        let improved: Vec<&InspectedSchool> = s.schools.iter().filter(|i| i.movement == Movement::Improved).collect();
        let good: Vec<&InspectedSchool> = s.schools.iter().filter(|i| i.judgement <= Judgement::Good).collect();
        let declined: Vec<&InspectedSchool> = s.schools.iter().filter(|i| i.movement == Movement::Declined).collect();
        let not_good: Vec<&InspectedSchool> = s.schools.iter().filter(|i| i.judgement > Judgement::Good).collect();
        let mut strengths = section("Strengths", Vec::new());
        if !good.is_empty() {
            strengths.bullets.push(format!("{} of the {} {} judged good or outstanding.", capitalised(&pronoun(good.len())), number_words(s.inspected), verb(good.len(), "was", "were")));
        }
        if !improved.is_empty() {
            strengths.bullets.push(format!("{} improved since {} previous inspection: {}.", capitalised(&count(improved.len(), "school", "schools")), if improved.len() == 1 { "its" } else { "their" }, school_list(&improved)));
        }
        if strengths.bullets.is_empty() {
            strengths.paragraphs.push("The inspection data for the period show no school judged good or better and none that improved.".to_string());
        }
        let mut areas = section("Areas for improvement", Vec::new());
        if !declined.is_empty() {
            areas.bullets.push(format!("{} declined since {} previous inspection: {}.", capitalised(&count(declined.len(), "school", "schools")), if declined.len() == 1 { "its" } else { "their" }, school_list(&declined)));
        }
        if !not_good.is_empty() {
            areas.bullets.push(format!("{} not yet good: {}.", capitalised(&count(not_good.len(), "school is", "schools are")), school_list(&not_good)));
        }
        if areas.bullets.is_empty() {
            areas.paragraphs.push("The inspection data for the period show no school that declined and none below good.".to_string());
        }
        figures.push(Figure { id: "good_or_better".into(), label: "judged good or outstanding".into(), value: good.len(), sources: rows(good.into_iter()) });
        figures.push(Figure { id: "improved".into(), label: "improved".into(), value: improved.len(), sources: rows(improved.into_iter()) });
        figures.push(Figure { id: "declined".into(), label: "declined".into(), value: declined.len(), sources: rows(declined.into_iter()) });
        figures.push(Figure { id: "not_yet_good".into(), label: "not yet good".into(), value: not_good.len(), sources: rows(not_good.into_iter()) });
        sections.push(strengths);
        sections.push(areas);
        DraftLetter {
            title: format!("{la} local authority – focused inspections – {} to {}", day_words(s.from), day_words(s.to)),
            la_name: la.clone(),
            from: s.from,
            to: s.to,
            phase,
            sections,
            figures,
        }
    }

    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        out.push_str("*Draft written from the data. Edit the prose; the figures and their sources are at the end.*\n\n");
        for s in &self.sections {
            out.push_str(&format!("## {}\n\n", s.heading));
            for p in &s.paragraphs {
                out.push_str(&format!("{p}\n\n"));
            }
            for b in &s.bullets {
                out.push_str(&format!("- {b}\n"));
            }
            if !s.bullets.is_empty() {
                out.push('\n');
            }
            for p in &s.closing {
                out.push_str(&format!("{p}\n\n"));
            }
        }
        out.push_str("## Figures and their sources\n\n| Figure | Value | Rows (URN, name, inspection date) |\n|---|---|---|\n");
        for f in &self.figures {
            let sources: Vec<String> = f.sources.iter().map(|r| format!("{} {} {}", r.urn, r.name.replace('|', "\\|"), r.inspected)).collect();
            out.push_str(&format!("| {} | {} | {} |\n", f.label, f.value, sources.join("; ")));
        }
        out
    }

    pub fn to_html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title></head><body>\n<h1>{0}</h1>\n<p><em>Draft written from the data. Edit the prose; the figures and their sources are at the end.</em></p>\n",
            escape(&self.title)
        );
        for s in &self.sections {
            out.push_str(&format!("<h2>{}</h2>\n", escape(&s.heading)));
            for p in &s.paragraphs {
                out.push_str(&format!("<p>{}</p>\n", escape(p)));
            }
            if !s.bullets.is_empty() {
                out.push_str("<ul>\n");
                for b in &s.bullets {
                    out.push_str(&format!("<li>{}</li>\n", escape(b)));
                }
                out.push_str("</ul>\n");
            }
            for p in &s.closing {
                out.push_str(&format!("<p>{}</p>\n", escape(p)));
            }
        }
        out.push_str("<h2>Figures and their sources</h2>\n<table><thead><tr><th>Figure</th><th>Value</th><th>Rows (URN, name, inspection date)</th></tr></thead><tbody>\n");
        for f in &self.figures {
            let sources: Vec<String> = f.sources.iter().map(|r| format!("{} {} {}", r.urn, escape(&r.name), r.inspected)).collect();
            out.push_str(&format!("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", escape(&f.label), f.value, sources.join("; ")));
        }
        out.push_str("</tbody></table>\n</body></html>\n");
        out
    }
}

/// The survey findings, or a plain statement that there are none (never invented).
fn survey_section(la: &str, survey: Option<&SurveyInput>) -> Section {
    let Some(round) = survey.filter(|r| r.questions.iter().any(|q| q.responses > 0)) else {
        return section("Survey findings", vec![format!("The data hold no headteacher survey responses for {la} to report with this draft.")]);
    };
    let mut out = section("Survey findings", vec![format!("Responses to the survey round \"{}\" (opened {}) were coded as follows:", round.round, day_words(round.opened_on))]);
    for q in &round.questions {
        out.bullets.push(format!(
            "{}: {} coded as {}, {} as {}, {} left uncoded.",
            q.text,
            count(q.strengths, "response", "responses"),
            crate::words::noun(q.strengths, "a strength", "strengths"),
            pronoun(q.areas_for_development),
            crate::words::noun(q.areas_for_development, "an area for development", "areas for development"),
            pronoun(q.uncoded)
        ));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_period_says_so_and_invents_nothing() {
        let day = NaiveDate::from_ymd_opt(2014, 3, 11).unwrap();
        let s = OutcomeSummary::build("Nowhere", day, day, Vec::new());
        let letter = DraftLetter::build(&s, None, Vec::new(), None);
        let md = letter.to_markdown();
        assert!(md.contains("The data hold no graded inspection of a school in Nowhere"), "{md}");
        assert!(md.contains("no headteacher survey responses"), "{md}");
        assert!(letter.figures.iter().all(|f| f.value == 0));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
