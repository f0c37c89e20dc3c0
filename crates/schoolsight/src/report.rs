//! `schoolsight report letter`: the draft focused-inspection letter for an LA and a period
//! (issue 17 point 3), from the shared workflow in `schoolsight_app::draft_letter`.
//! `schoolsight report la`: the LA report (issue 17 point 1) from `schoolsight_app::la_report`,
//! written by the dashboard's own renderer. `schoolsight report school`: the school report for a
//! link officer's visit (issue 17 point 2) from `schoolsight_app::school_report`, rendered as its
//! page is. Every report prints to an A4 PDF (`print`).

use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use schoolsight_app::draft_letter::{LetterFormat, draft_letter_with_survey, parse_phase, render};
use schoolsight_app::la_report::{LaReportRequest, Reader, la_report};
use schoolsight_app::risk::Risk;
use schoolsight_app::school_report::{CaseworkAccess, school_report};
use schoolsight_domain::{Phase, Thresholds, Urn};
use schoolsight_risk::CategoryThresholds;
use schoolsight_store::Store;

use crate::print::{ReportFormat, deliver};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// A draft letter in seed letters 003 and 004's structure (context, inspection outcomes,
    /// survey findings, strengths, areas for improvement), every figure listed with its rows.
    Letter {
        /// The local authority, as people write it ("Derby", its DfE or ONS code).
        #[arg(long)]
        la: String,
        /// First day of the period, inclusive.
        #[arg(long, value_parser = crate::day)]
        from: NaiveDate,
        /// Last day of the period, inclusive.
        #[arg(long, value_parser = crate::day)]
        to: NaiveDate,
        /// Only this reporting phase's schools (letter 003 is about primaries): primary,
        /// secondary, special, nursery, pupil_referral_unit.
        #[arg(long, value_parser = parse_phase)]
        phase: Option<Phase>,
        /// md, html, json or pdf (printed from the HTML by headless Chromium; needs --out).
        #[arg(long, default_value = "md", value_parser = ReportFormat::parse)]
        format: ReportFormat,
        /// Write the report to this file instead of standard output (required for pdf).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A headteacher survey round of the LA's (its id) whose coded answers become the
        /// survey findings; without it the letter says it has none.
        #[arg(long)]
        survey_round: Option<String>,
    },
    /// The LA report: register and routes as at the day, % good or outstanding against England
    /// with rank and trend, pupil outcomes against England, inspection outcomes for a period,
    /// schools at risk with their reasons, and the LA's casework (the operator reads it all).
    La {
        /// The local authority, as people write it ("Derby", its DfE or ONS code).
        #[arg(long)]
        la: String,
        /// The day the report is as at (default: today).
        #[arg(long, value_parser = crate::day)]
        at: Option<NaiveDate>,
        /// First day of the inspection-outcomes period (default: twelve months before --to).
        #[arg(long, value_parser = crate::day)]
        from: Option<NaiveDate>,
        /// Last day of the inspection-outcomes period (default: --at).
        #[arg(long, value_parser = crate::day)]
        to: Option<NaiveDate>,
        /// md, html, json or pdf (printed from the HTML by headless Chromium; needs --out).
        #[arg(long, default_value = "md", value_parser = ReportFormat::parse)]
        format: ReportFormat,
        /// Write the report to this file instead of standard output (required for pdf).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The school report for a link officer's visit: inspection history (predecessors'
    /// marked), the latest letter's actions, outcomes by group with lapses, risk over time with
    /// its reasons, and the casework and support received with its impact (the operator reads
    /// all casework).
    School {
        /// The school's URN.
        #[arg(long)]
        urn: i64,
        /// The day the report is as at (default: today).
        #[arg(long, value_parser = crate::day)]
        at: Option<NaiveDate>,
        /// md, html, json or pdf (printed from the HTML by headless Chromium; needs --out).
        #[arg(long, default_value = "md", value_parser = ReportFormat::parse)]
        format: ReportFormat,
        /// Write the report to this file instead of standard output (required for pdf).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn command(store: &Store, command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Letter { la, from, to, phase, format, out, survey_round } => {
            if from > to {
                bail!("--from {from} is after --to {to}");
            }
            let letter = draft_letter_with_survey(store, &la, from, to, phase, &Thresholds::from_env()?, survey_round.as_deref()).await?;
            let text = match render(&letter, format.rendered()) {
                Some(text) => text,
                None => format!("{}\n", serde_json::to_string_pretty(&letter)?),
            };
            deliver(format, &text, out.as_deref())?;
        }
        ReportCommand::La { la, at, from, to, format, out } => {
            let at = at.unwrap_or_else(|| chrono::Local::now().date_naive());
            let risk = Risk::new(store.clone(), CategoryThresholds::from_env()?);
            let request = LaReportRequest { la, at, from, to };
            let report = la_report(store, &risk, &request, &Thresholds::from_env()?, Reader::Operator).await?;
            let text = match format.rendered() {
                LetterFormat::Markdown => schoolsight_web::la_report::markdown(&report),
                LetterFormat::Html => schoolsight_web::la_report::standalone_html(report)?,
                LetterFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
            };
            deliver(format, &text, out.as_deref())?;
        }
        ReportCommand::School { urn, at, format, out } => {
            let at = at.unwrap_or_else(|| chrono::Local::now().date_naive());
            let risk = Risk::new(store.clone(), CategoryThresholds::from_env()?);
            let report = school_report(store, &risk, Urn(urn), at, &Thresholds::from_env()?, CaseworkAccess::Shown).await?;
            let text = match format.rendered() {
                LetterFormat::Markdown => schoolsight_web::school_report::markdown(&report),
                LetterFormat::Html => schoolsight_web::school_report::standalone_html(&report)?,
                LetterFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
            };
            deliver(format, &text, out.as_deref())?;
        }
    }
    Ok(())
}
