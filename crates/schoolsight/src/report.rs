//! `schoolsight report letter`: the draft focused-inspection letter for an LA and a period
//! (issue 17 point 3), from the shared workflow in `schoolsight_app::draft_letter`.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use schoolsight_app::draft_letter::{LetterFormat, draft_letter_with_survey, parse_phase, render};
use schoolsight_domain::{Phase, Thresholds};
use schoolsight_store::Store;

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
        /// md, html or json.
        #[arg(long, default_value = "md", value_parser = LetterFormat::parse)]
        format: LetterFormat,
        /// A headteacher survey round of the LA's (its id) whose coded answers become the
        /// survey findings; without it the letter says it has none.
        #[arg(long)]
        survey_round: Option<String>,
    },
}

pub async fn command(store: &Store, command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Letter { la, from, to, phase, format, survey_round } => {
            if from > to {
                bail!("--from {from} is after --to {to}");
            }
            let letter = draft_letter_with_survey(store, &la, from, to, phase, &Thresholds::from_env()?, survey_round.as_deref()).await?;
            match render(&letter, format) {
                Some(text) => print!("{text}"),
                None => println!("{}", serde_json::to_string_pretty(&letter)?),
            }
        }
    }
    Ok(())
}
