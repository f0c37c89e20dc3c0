//! `schoolsight risk`: the early-warning model over the database — back-tests by time, an LA's
//! schools ranked by risk as at a date, and one school's risk over the years.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use schoolsight_domain::Urn;
use schoolsight_domain::casework::ConcernCategory;
use schoolsight_risk::backtest::samples_before;
use schoolsight_risk::gbdt::Gbdt;
use schoolsight_risk::metrics::auc;
use schoolsight_risk::models::{Schedule, recency_weight};
use schoolsight_risk::{
    Backtest, BacktestReport, CategoryThresholds, DEFAULT_SEED, Feature, History, Reason, Sample, Target, Window,
    assess, standard_windows,
};
use schoolsight_risk::backtest::run as run_backtest;
use schoolsight_app::risk::history;
use schoolsight_store::Store;
use serde::Serialize;

use crate::present::emit;

#[derive(Subcommand)]
pub enum RiskCommand {
    /// Back-test the models by time: each window trained only on what came before its cut-off.
    Backtest {
        #[arg(long)]
        json: bool,
        /// Also retrain the trees on the inspection history's features alone in each window,
        /// to show what the register, published measures and the LA's records add (trains twice).
        #[arg(long)]
        measure_gain: bool,
    },
    /// An LA's state-funded schools open on DATE, riskiest first, from a model trained on outcomes known by DATE.
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
    /// Export the feature matrix before and after a cut-off (CSV), for bench/run-risk.
    Export {
        #[arg(long, value_parser = crate::day)]
        cutoff: NaiveDate,
        #[arg(long)]
        out: PathBuf,
    },
    /// Train the trees on an exported matrix and score its test year, timing the training
    /// (the Rust side of bench/run-risk).
    FitMatrix {
        /// The folder `risk export --out` wrote.
        folder: PathBuf,
    },
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
    if let RiskCommand::FitMatrix { folder } = &command {
        return fit_matrix(folder);
    }
    let history = history(store.risk_records().await?);
    let thresholds = CategoryThresholds::from_env()?;
    match command {
        RiskCommand::Backtest { json, measure_gain } => {
            let mut config = Backtest::new(standard_windows(), DEFAULT_SEED);
            if measure_gain {
                config = config.with_history_only();
            }
            let report = run_backtest(&history, &config);
            emit(json, &report, backtest_text)
        }
        RiskCommand::List { la, at, json } => {
            let la = store.resolve_la(&la).await?;
            let urns: Vec<Urn> = history
                .urns()
                .into_iter()
                .filter(|u| history.is_state_funded_open_on(*u, at))
                .filter(|u| {
                    history
                        .school(*u)
                        .is_some_and(|s| s.la_name.as_deref() == Some(la.as_str()))
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
        RiskCommand::Export { cutoff, out } => export(&history, cutoff, &out),
        RiskCommand::FitMatrix { .. } => unreachable!("answered before the history is read"),
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
        "{:<11} {:>6} {:>6}  {:<30} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
        "cut-off", "schools", "rate", "model", "AUC", "Brier", "P@10%", "R@10%", "P@20%", "R@20%"
    );
    for w in &report.windows {
        let mut models = vec![
            ("gradient-boosted trees", &w.models.gbdt),
            ("logistic regression", &w.models.logistic),
            ("previous judgement", &w.models.baseline_previous),
            (
                "previous judgement + time",
                &w.models.baseline_previous_and_time,
            ),
        ];
        if let Some(scores) = &w.models.gbdt_history_only {
            models.push(("trees, inspection history only", scores));
        }
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
                "{cutoff:<11} {n:>6} {rate:>6}  {name:<30} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
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

/// Writes the feature matrix of the windows before `cutoff` (train.csv: every sample, with its
/// recency weight) and of the window from it (test.csv), as the trees read it: the schedule
/// baseline, fitted on the training rows, in its column. `bench/run-risk` trains on it.
fn export(history: &History, cutoff: NaiveDate, out: &Path) -> Result<()> {
    let (training, calibration) = samples_before(history, cutoff, Target::NextBelowGood)?;
    let newest = calibration
        .iter()
        .map(|s| s.as_at)
        .max()
        .context("no calibration samples")?;
    let train: Vec<&Sample> = training.iter().chain(&calibration).collect();
    let weights: Vec<f64> = train.iter().map(|s| recency_weight(s, newest)).collect();
    let test = Window::year_from(cutoff).samples(history, Target::NextBelowGood);
    let (train_rows, train_labels): (Vec<Vec<f64>>, Vec<bool>) =
        train.iter().map(|s| (s.features.clone(), s.label)).unzip();
    let (test_rows, test_labels): (Vec<Vec<f64>>, Vec<bool>) =
        test.iter().map(|s| (s.features.clone(), s.label)).unzip();
    let schedule = Schedule::fit(&Feature::columns(), &train_rows, &train_labels)?;
    std::fs::create_dir_all(out)?;
    write_matrix(&out.join("train.csv"), &schedule.fill(&train_rows), &train_labels, Some(&weights))?;
    write_matrix(&out.join("test.csv"), &schedule.fill(&test_rows), &test_labels, None)?;

    let result = serde_json::json!({
        "cutoff": cutoff,
        "train_rows": train.len(),
        "test_rows": test.len(),
        "features": Feature::columns().len(),
    });
    std::fs::write(
        out.join("matrix.json"),
        serde_json::to_string_pretty(&result)?,
    )?;
    println!("{result}");
    Ok(())
}

/// Reads back the matrices [`export`] wrote and trains the trees on them as the model does
/// (boosting from the schedule column), timing the training alone: the Rust side of
/// bench/run-risk, doing what LightGBM does there (read the same CSV, fit, score the test year).
fn fit_matrix(folder: &Path) -> Result<()> {
    let (rows, labels, weights) = read_matrix(&folder.join("train.csv"))?;
    let (test_rows, test_labels, _) = read_matrix(&folder.join("test.csv"))?;
    let schedule = Feature::columns()
        .iter()
        .position(|c| *c == Feature::InspectionSchedule)
        .context("no schedule column")?;
    let started = std::time::Instant::now();
    let model = Gbdt::fit(&rows, &labels, Some(&weights), Some(schedule), DEFAULT_SEED)?;
    let train_seconds = started.elapsed().as_secs_f64();
    let result = serde_json::json!({
        "auc": auc(&model.log_odds(&test_rows), &test_labels),
        "train_seconds": train_seconds,
    });
    println!("{result}");
    Ok(())
}

/// A matrix as [`write_matrix`] writes it: features (empty when missing), `label`, and a
/// `weight` column on training rows (1 where absent).
fn read_matrix(path: &Path) -> Result<(Vec<Vec<f64>>, Vec<bool>, Vec<f64>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().context("an empty matrix")?.split(',').collect();
    let label = header.iter().position(|h| *h == "label").context("no label column")?;
    let weight = header.iter().position(|h| *h == "weight");
    let (mut rows, mut labels, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    for (n, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let number = |i: usize| -> Result<f64> {
            let cell = cells.get(i).copied().unwrap_or_default();
            if cell.is_empty() {
                return Ok(f64::NAN);
            }
            cell.parse().with_context(|| format!("{}: row {}, column {}: {cell:?}", path.display(), n + 2, header[i]))
        };
        rows.push((0..label).map(number).collect::<Result<Vec<f64>>>()?);
        labels.push(number(label)? == 1.0);
        weights.push(weight.map(number).transpose()?.unwrap_or(1.0));
    }
    Ok((rows, labels, weights))
}

/// One row a sample: its features (empty when missing), then `label` (1 = below good) and,
/// for training rows, `weight`.
fn write_matrix(path: &Path, rows: &[Vec<f64>], labels: &[bool], weights: Option<&[f64]>) -> Result<()> {
    let mut header: Vec<String> = Feature::columns().into_iter().map(Feature::key).collect();
    header.push("label".into());
    if weights.is_some() {
        header.push("weight".into());
    }
    let mut text = header.join(",") + "\n";
    for (i, (row, label)) in rows.iter().zip(labels).enumerate() {
        let mut cells: Vec<String> = row
            .iter()
            .map(|v| {
                if v.is_finite() {
                    v.to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        cells.push(u8::from(*label).to_string());
        if let Some(w) = weights {
            cells.push(w[i].to_string());
        }
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
