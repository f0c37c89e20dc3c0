//! A school's risk explained in a governor's words: each factor's Shapley contribution to the
//! score, grouped (the phase columns are one factor), and said as "last judged requires
//! improvement raised the risk" or "judged outstanding at some point lowered it".

use schoolsight_domain::words;
use schoolsight_domain::{Governance, Judgement, Phase};
use serde::Serialize;

use crate::features::Feature;

/// One factor behind a school's risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The factor's stable name (the feature key, or `phase` / `governance` for a group).
    pub factor: String,
    /// The sentence: what the school's record says and which way it moved the risk.
    pub text: String,
    /// Contribution to the log-odds: positive raised the risk, negative lowered it.
    pub effect: f64,
}

/// Contributions smaller than this (in log-odds) move the probability by well under a point.
const NOTICEABLE: f64 = 0.02;

/// The `limit` factors that moved the school's risk most, largest first.
pub fn reasons(
    columns: &[Feature],
    values: &[f64],
    contributions: &[f64],
    limit: usize,
) -> Vec<Reason> {
    let mut factors: Vec<(String, Option<String>, f64)> = Vec::new();
    for ((feature, value), effect) in columns.iter().zip(values).zip(contributions) {
        let (factor, description) = match feature {
            Feature::Phase(p) => (
                "phase".to_string(),
                (*value == 1.0).then(|| describe_phase(*p)),
            ),
            Feature::Governance(g) => (
                "governance".to_string(),
                (*value == 1.0).then(|| describe_governance(*g).to_string()),
            ),
            other => (other.key(), describe(*other, *value)),
        };
        match factors.iter_mut().find(|(f, _, _)| *f == factor) {
            Some(existing) => {
                existing.2 += effect;
                existing.1 = existing.1.take().or(description);
            }
            None => factors.push((factor, description, *effect)),
        }
    }
    factors.retain(|(_, description, effect)| description.is_some() && effect.abs() >= NOTICEABLE);
    factors.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()));
    factors
        .into_iter()
        .take(limit)
        .map(|(factor, description, effect)| {
            let verdict = if effect > 0.0 {
                "raised the risk"
            } else {
                "lowered it"
            };
            Reason {
                factor,
                text: format!("{} {verdict}", description.unwrap_or_default()),
                effect,
            }
        })
        .collect()
}

fn describe_phase(phase: Phase) -> String {
    let article = if matches!(phase, Phase::Infant | Phase::AllThrough | Phase::Other) {
        "an"
    } else {
        "a"
    };
    format!("being {article} {} school", phase.label())
}

fn describe_governance(governance: Governance) -> &'static str {
    match governance {
        Governance::Maintained => "being maintained by the LA",
        Governance::AcademyConverter => "being a converter academy",
        Governance::AcademySponsorLed => "being a sponsor-led academy",
        Governance::FreeSchool => "being a free school",
        Governance::Independent => "being independent",
        Governance::Other => "being neither maintained nor an academy",
    }
}

fn judgement(grade: f64) -> &'static str {
    Judgement::from_grade(grade as i64).map_or("not judged", Judgement::label)
}

/// A feature's count in words ("no open action", "one graded inspection", "three times").
fn count(n: f64, one: &str, many: &str) -> String {
    words::count(n as usize, one, many)
}

/// What the school's value of a feature says, or `None` when it says nothing worth a sentence
/// (a flag that is off, a figure that is missing).
fn describe(feature: Feature, value: f64) -> Option<String> {
    let on = value == 1.0;
    if value.is_nan() {
        return matches!(feature, Feature::LastGrade)
            .then(|| "no graded inspection on record".to_string());
    }
    let text = match feature {
        Feature::LastGrade => format!("last judged {}", judgement(value)),
        Feature::PreviousGrade => format!("judged {} the time before", judgement(value)),
        Feature::GradeBeforeThat => format!("judged {} three inspections ago", judgement(value)),
        Feature::YearsSinceLast => format!("last graded inspection {value:.1} years ago"),
        Feature::YearsBetweenLastTwo => {
            format!("{value:.1} years between its last two graded inspections")
        }
        Feature::GradedInspections => format!(
            "{} on record",
            count(value, "graded inspection", "graded inspections")
        ),
        Feature::BelowGoodJudgements if value == 0.0 => "never judged below good".to_string(),
        Feature::BelowGoodJudgements => {
            format!("judged below good {}", count(value, "time", "times"))
        }
        Feature::EverInadequate if on => "judged inadequate at some point".to_string(),
        Feature::EverInadequate => "never judged inadequate".to_string(),
        Feature::BestGrade if value == 1.0 => "judged outstanding at some point".to_string(),
        Feature::BestGrade => format!("never better than {}", judgement(value)),
        Feature::TwiceBelowGood if on => "judged below good twice in a row".to_string(),
        Feature::SatisfactoryThenRequiresImprovement if on => {
            "judged satisfactory, then requires improvement".to_string()
        }
        Feature::DeclinedLastTime if on => "declined at its last inspection".to_string(),
        Feature::ImprovedLastTime if on => "improved at its last inspection".to_string(),
        Feature::LastInCategory if on => {
            "placed in special measures or serious weaknesses last time".to_string()
        }
        Feature::LastFramework => format!("last judged under the {value:.0} inspection framework"),
        Feature::LastSubJudgementBelowGood if on => {
            "a key judgement below good at its last inspection".to_string()
        }
        Feature::LastSubJudgementBelowGood => {
            "every key judgement good or better at its last inspection".to_string()
        }
        Feature::UngradedVisitsSinceLast if value > 0.0 => {
            format!(
                "{} since its last graded inspection",
                count(value, "ungraded visit", "ungraded visits")
            )
        }
        Feature::InspectionSchedule => {
            "the time since its last judgement, given what that judgement was".to_string()
        }
        Feature::PredecessorHistory if on => {
            "its record includes a predecessor school's inspections".to_string()
        }
        Feature::TrustSize if value == 0.0 => "not in a multi-academy trust".to_string(),
        Feature::TrustSize => format!("in a trust of {}", count(value, "school", "schools")),
        Feature::SchoolAgeYears => format!("open for {value:.0} years"),
        Feature::Pupils => format!("{value:.0} pupils"),
        Feature::FsmPercent => format!("{value:.0}% of pupils eligible for free school meals"),
        Feature::LaGoodShare => format!("{:.0}% of its LA's schools good or better", 100.0 * value),
        Feature::MeasureValue(m) => format!("{} of {value:.1}", m.label()),
        Feature::MeasureChange(m) => {
            format!("{} changing by {value:+.1} on the year before", m.label())
        }
        Feature::OpenLetterActions if value > 0.0 => {
            format!(
                "{} from inspection letters",
                count(value, "open action", "open actions")
            )
        }
        Feature::OpenCasework if on => "an open case of concern".to_string(),
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_which_way_each_factor_moved_the_risk_largest_first() {
        let columns = [
            Feature::LastGrade,
            Feature::TwiceBelowGood,
            Feature::Phase(Phase::Primary),
            Feature::Phase(Phase::Secondary),
            Feature::YearsSinceLast,
        ];
        let values = [3.0, 1.0, 0.0, 1.0, f64::NAN];
        let contributions = [0.8, 0.5, 0.1, -0.3, 0.4];
        let got = reasons(&columns, &values, &contributions, 3);
        let texts: Vec<&str> = got.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "last judged requires improvement raised the risk",
                "judged below good twice in a row raised the risk",
                "being a secondary school lowered it",
            ]
        );
        // The two phase columns are one factor: 0.1 - 0.3.
        assert!((got[2].effect + 0.2).abs() < 1e-12);
    }

    #[test]
    fn outstanding_at_the_last_inspection_lowered_it() {
        let got = reasons(
            &[Feature::LastGrade, Feature::OpenCasework],
            &[1.0, 0.0],
            &[-0.6, 0.3],
            5,
        );
        assert_eq!(got.len(), 1, "a flag that is off says nothing");
        assert_eq!(got[0].text, "last judged outstanding lowered it");
    }
}
