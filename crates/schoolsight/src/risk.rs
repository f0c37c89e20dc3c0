//! `schoolsight risk`: the early-warning model over the database — back-tests by time, an LA's
//! schools ranked by risk as at a date, and one school's risk over the years.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::ConcernCategory;
use schoolsight_risk::{
    BacktestReport, CaseworkFlag, CategoryThresholds, DEFAULT_SEED, History, InspectionEvent,
    LetterAction, PublishedMeasure, Reason, SchoolFacts, assess, backtest, standard_windows,
};
use schoolsight_store::{RiskRecords, Store};
use serde::Serialize;

use crate::present::emit;

#[derive(Subcommand)]
pub enum RiskCommand {
    /// Back-test the models by time: each window trained only on what came before its cut-off.
    Backtest {
        #[arg(long)]
        json: bool,
    },
    /// An LA's schools open on DATE, riskiest first, from a model trained on outcomes known by DATE.
    List {
        #[arg(long)]
        la: String,
        #[arg(long, value_parser = crate::day)]
        at: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// A school's risk each 1 September beside its judgements.
    School {
        urn: i64,
        #[arg(long)]
        json: bool,
    },
}

/// The database's records as the model's dated facts.
fn history(records: RiskRecords) -> History {
    let mut predecessors: HashMap<Urn, Vec<Urn>> = HashMap::new();
    for (newer, older) in records.predecessors {
        predecessors.entry(newer).or_default().push(older);
    }
    let schools = records
        .schools
        .iter()
        .map(|r| {
            let links = predecessors.remove(&r.school.urn).unwrap_or_default();
            SchoolFacts::from_school(&r.school, r.recorded_on, links)
        })
        .collect();
    let measures = records
        .figures
        .into_iter()
        .map(|f| PublishedMeasure {
            urn: f.urn,
            measure: f.measure,
            year: f.year,
            value: f.value,
        })
        .collect();
    History::new(
        records
            .inspections
            .iter()
            .map(InspectionEvent::from_inspection)
            .collect(),
    )
    .with_schools(schools)
    .with_measures(measures)
    .with_letter_actions(
        records
            .letter_actions
            .into_iter()
            .map(|s| LetterAction {
                urn: s.urn,
                opened: s.opened,
                closed: s.closed,
            })
            .collect(),
    )
    .with_casework(
        records
            .cases
            .into_iter()
            .map(|s| CaseworkFlag {
                urn: s.urn,
                opened: s.opened,
                closed: s.closed,
            })
            .collect(),
    )
}

/// One school in an LA's risk list.
#[derive(Debug, Serialize)]
struct ListedSchool {
    urn: Urn,
    name: String,
    probability: f64,
    category: ConcernCategory,
    reasons: Vec<Reason>,
}

#[derive(Debug, Serialize)]
struct RiskList {
    la: String,
    at: NaiveDate,
    schools: Vec<ListedSchool>,
}

/// One point of a school's risk history.
#[derive(Debug, Serialize)]
struct RiskPoint {
    at: NaiveDate,
    probability: f64,
    category: ConcernCategory,
    reasons: Vec<Reason>,
}

#[derive(Debug, Serialize)]
struct SchoolRiskHistory {
    urn: Urn,
    name: String,
    risk: Vec<RiskPoint>,
    /// Its graded judgements (its predecessors' too), oldest first: date and grade 1..4.
    judgements: Vec<(NaiveDate, u8)>,
}

pub async fn command(store: &Store, command: RiskCommand) -> Result<()> {
    let history = history(store.risk_records().await?);
    let thresholds = CategoryThresholds::default();
    match command {
        RiskCommand::Backtest { json } => {
            let report = backtest(&history, &standard_windows(), DEFAULT_SEED);
            emit(json, &report, backtest_text)
        }
        RiskCommand::List { la, at, json } => {
            let la = store.resolve_la(&la).await?;
            let urns: Vec<Urn> = history
                .urns()
                .into_iter()
                .filter(|u| {
                    history.school(*u).is_some_and(|s| {
                        s.la_name.as_deref() == Some(la.as_str()) && s.is_open_on(at)
                    })
                })
                .collect();
            if urns.is_empty() {
                bail!("no school of {la} was open on {at}");
            }
            let risks = assess(&history, at, &urns, &thresholds, DEFAULT_SEED)?;
            let schools = risks
                .into_iter()
                .map(|r| ListedSchool {
                    urn: r.urn,
                    name: history
                        .school(r.urn)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    probability: r.probability,
                    category: r.category,
                    reasons: r.reasons,
                })
                .collect();
            emit(json, &RiskList { la, at, schools }, list_text)
        }
        RiskCommand::School { urn, json } => {
            let urn = Urn(urn);
            let name = history
                .school(urn)
                .map(|s| s.name.clone())
                .with_context(|| format!("no school with URN {urn}"))?;
            let mut risk = Vec::new();
            for at in yearly_points(&history, urn) {
                // A year the history cannot train for is left out, not guessed.
                if let Ok(mut found) = assess(&history, at, &[urn], &thresholds, DEFAULT_SEED) {
                    let r = found.remove(0);
                    risk.push(RiskPoint {
                        at,
                        probability: r.probability,
                        category: r.category,
                        reasons: r.reasons,
                    });
                }
            }
            let today = chrono::Local::now().date_naive();
            let judgements = history.graded_timeline(urn, today);
            emit(
                json,
                &SchoolRiskHistory {
                    urn,
                    name,
                    risk,
                    judgements,
                },
                school_text,
            )
        }
    }
}

/// The last six 31 Augusts (the eve of each inspection year) on which the school was open and
/// there were inspections on record.
fn yearly_points(history: &History, urn: Urn) -> Vec<NaiveDate> {
    let Some(last) = history.latest_event() else {
        return Vec::new();
    };
    let mut points: Vec<NaiveDate> = (0..6)
        .filter_map(|back| NaiveDate::from_ymd_opt(last.year() - back, 8, 31))
        .filter(|d| history.is_open_on(urn, *d))
        .collect();
    points.reverse();
    points
}

fn metric(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

fn backtest_text(report: &BacktestReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Back-test by time: each window's models learned only from inspections before its cut-off."
    );
    let _ = writeln!(
        out,
        "{:<11} {:>6} {:>6}  {:<27} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
        "cut-off", "schools", "rate", "model", "AUC", "Brier", "P@10%", "R@10%", "P@20%", "R@20%"
    );
    for w in &report.windows {
        let models = [
            ("gradient-boosted trees", &w.models.gbdt),
            ("logistic regression", &w.models.logistic),
            ("previous judgement", &w.models.baseline_previous),
            (
                "previous judgement + time",
                &w.models.baseline_previous_and_time,
            ),
        ];
        for (i, (name, s)) in models.iter().enumerate() {
            let (cutoff, n, rate) = if i == 0 {
                (
                    w.cutoff.to_string(),
                    w.inspections.to_string(),
                    format!("{:.1}%", 100.0 * w.below_good_rate),
                )
            } else {
                Default::default()
            };
            let _ = writeln!(
                out,
                "{cutoff:<11} {n:>6} {rate:>6}  {name:<27} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
                metric(s.auc),
                metric(Some(s.brier)),
                metric(Some(s.precision_top10)),
                metric(Some(s.recall_top10)),
                metric(Some(s.precision_top20)),
                metric(Some(s.recall_top20)),
            );
        }
    }
    for s in &report.skipped {
        let _ = writeln!(out, "{}: not tested — {}", s.cutoff, s.reason);
    }
    out
}

fn category_words(category: ConcernCategory) -> String {
    category.key().replace('_', " ")
}

fn list_text(list: &RiskList) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} schools open on {}, riskiest first (chance the next graded inspection is below good)",
        list.la,
        list.schools.len(),
        list.at
    );
    for s in &list.schools {
        let _ = writeln!(
            out,
            "{:>7}  {:<45} {:>5.1}%  {}",
            s.urn,
            s.name,
            100.0 * s.probability,
            category_words(s.category)
        );
        for r in &s.reasons {
            let _ = writeln!(out, "           {}", r.text);
        }
    }
    out
}

fn school_text(h: &SchoolRiskHistory) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", h.name, h.urn);
    for (date, grade) in &h.judgements {
        let _ = writeln!(out, "  judged {date}: grade {grade}");
    }
    for p in &h.risk {
        let _ = writeln!(
            out,
            "  risk as at {}: {:.1}% ({})",
            p.at,
            100.0 * p.probability,
            category_words(p.category)
        );
        for r in &p.reasons {
            let _ = writeln!(out, "      {}", r.text);
        }
    }
    out
}
