//! Pupil outcomes and attendance by group and year, as DfE's performance files publish them,
//! and the questions asked of them: the disadvantage gap, the trend of a measure over years,
//! a year that falls beyond normal variation (a lapse), and the schools most like a school.
//!
//! Measures changed over the years (KS2 levels became scaled scores in 2015/16; GCSE 5 A*–C
//! including English and maths gave way to Attainment 8 and grades 9–1). Each [`Measure`] says
//! when it was in force and which measure it succeeds, and a [`Series`] holds one measure only,
//! so a trend never joins two measures silently. Suppressed cells stay suppressed: a
//! [`Value`] is a number or the code the file printed, never a zero standing in for a code.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::parse::{ParseError, parse_number};
use crate::school::{Phase, Urn};

/// An academic year by the calendar year it starts in: `AcademicYear(2018)` is 2018/19.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AcademicYear(pub i32);

impl AcademicYear {
    /// An academic year as the files write it: `2018/19`, `2018-19`, `2018_19`, `2018-2019`
    /// or EES's `201819`. The second year must follow the first.
    pub fn from_label(text: &str) -> Option<AcademicYear> {
        let text = text.trim();
        let (first, second) = match text.find(['/', '-', '_']) {
            Some(i) => (&text[..i], &text[i + 1..]),
            None if text.len() == 6 => text.split_at(4),
            None => return None,
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if first.len() != 4 || !all_digits(first) || !all_digits(second) {
            return None;
        }
        let start: i32 = first.parse().ok()?;
        let end: i32 = second.parse().ok()?;
        let follows = match second.len() {
            2 => end == (start + 1) % 100,
            4 => end == start + 1,
            _ => false,
        };
        (follows && (1990..2100).contains(&start)).then_some(AcademicYear(start))
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

/// Why no school results exist for a year, where the reason is national: tests and exams
/// were not sat in summer 2020 or 2021 (COVID-19), so DfE published no KS2 or KS4 results.
pub fn no_results_published(year: AcademicYear) -> Option<&'static str> {
    matches!(year.0, 2019 | 2020).then_some("no tests or exams were sat that summer (COVID-19), so DfE published no school results")
}

/// What a measure's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    /// Points on the measure's own scale (Attainment 8, EBacc APS).
    Points,
    /// A value-added score centred on the national average of 0 (KS2 progress, Progress 8).
    ProgressScore,
    /// KS2 test scaled score (80–120, 100 being the expected standard).
    ScaledScore,
    Pupils,
}

/// The measures read from the performance tables, absence and census files.
///
/// Outcome measures have a direction (`higher_is_better`); context measures (cohort sizes and
/// make-up) have none. "Cohort" measures describe the pupils at the end of the key stage; "roll"
/// measures describe the whole school as the January census counts it. Read each with a
/// [`PupilGroup`]: `Ks2RwmExpected` for `Disadvantaged` is the percentage of disadvantaged
/// pupils meeting the standard; `Ks2CohortShare` for `Disadvantaged` is the percentage of the
/// KS2 cohort who are disadvantaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// % meeting the expected standard in reading, writing and maths (`PTRWM_EXP`), from 2015/16.
    Ks2RwmExpected,
    /// % achieving the higher standard in reading, writing and maths (`PTRWM_HIGH`), from 2015/16.
    Ks2RwmHigher,
    Ks2ReadingProgress,
    Ks2WritingProgress,
    Ks2MathsProgress,
    Ks2ReadingScaledScore,
    Ks2MathsScaledScore,
    /// % at level 4 or above in reading, writing (teacher assessment) and maths
    /// (`PTREADWRITTAMATX`), the headline until 2014/15.
    Ks2RwmLevel4,
    /// % at level 5 or above in reading, writing and maths (`PTREADWRITTAMATAX`), until 2014/15.
    Ks2RwmLevel5,
    /// Average Attainment 8 (`ATT8SCR`) on the 9–1 point scale, from 2016/17. The 2015/16
    /// figures used the old A*–G points and are a different measure.
    Ks4Attainment8,
    /// Progress 8 (`P8MEA`), from 2015/16.
    Ks4Progress8,
    /// % achieving grade 5 or above in English and maths (`PTL2BASICS_95`), from 2016/17.
    Ks4EnglishMathsGrade5,
    /// % achieving grade 4 or above in English and maths (`PTL2BASICS_94`), from 2016/17.
    Ks4EnglishMathsGrade4,
    /// % achieving A*–C in English and maths (`PTL2BASICS_PTQ_EE`, …), until 2015/16.
    Ks4EnglishMathsAtoC,
    /// % achieving 5+ A*–C or equivalents including English and maths (`PTAC5EM_PTQ_EE`, …),
    /// the headline until 2015/16.
    Ks4FiveAtoCEnglishMaths,
    /// EBacc average point score (`EBACCAPS`), from 2017/18.
    Ks4EbaccAps,
    /// % entering all EBacc subjects (`PTEBACC_E_PTQ_EE`).
    Ks4EbaccEntry,
    /// % of sessions missed (`PERCTOT`).
    OverallAbsence,
    /// % of pupils missing 10% or more of sessions (`PPERSABS10`), the definition since 2015/16.
    PersistentAbsence,
    /// % of pupils missing 15% or more of sessions (`PPERSABS15`), the definition before 2015/16.
    PersistentAbsence15,
    /// Pupils at the end of KS2 in the group (`TELIG`, `TFSM6CLA1A`, …).
    Ks2Cohort,
    /// % of the KS2 cohort in the group (`PTFSM6CLA1A`, `PTKS1GROUP_H`, `PSENELK`, …).
    Ks2CohortShare,
    /// Pupils at the end of KS4 in the group (`TPUP`, `TFSM6CLA1A`, `t_pupils`, …).
    Ks4Cohort,
    /// % of the KS4 cohort in the group (`PTFSM6CLA1A`, `PTPRIORHI`, `pt_sen`, …).
    Ks4CohortShare,
    /// Pupils on roll, all ages, in the group (`NOR`, `TOTPUPS`, `NUMFSM`, …).
    PupilsOnRoll,
    /// % of pupils on roll in the group (`PNUMFSMEVER`, `PSENELK`, `PNUMEAL`, …).
    RollShare,
}

impl Measure {
    pub const ALL: [Measure; 26] = [
        Measure::Ks2RwmExpected,
        Measure::Ks2RwmHigher,
        Measure::Ks2ReadingProgress,
        Measure::Ks2WritingProgress,
        Measure::Ks2MathsProgress,
        Measure::Ks2ReadingScaledScore,
        Measure::Ks2MathsScaledScore,
        Measure::Ks2RwmLevel4,
        Measure::Ks2RwmLevel5,
        Measure::Ks4Attainment8,
        Measure::Ks4Progress8,
        Measure::Ks4EnglishMathsGrade5,
        Measure::Ks4EnglishMathsGrade4,
        Measure::Ks4EnglishMathsAtoC,
        Measure::Ks4FiveAtoCEnglishMaths,
        Measure::Ks4EbaccAps,
        Measure::Ks4EbaccEntry,
        Measure::OverallAbsence,
        Measure::PersistentAbsence,
        Measure::PersistentAbsence15,
        Measure::Ks2Cohort,
        Measure::Ks2CohortShare,
        Measure::Ks4Cohort,
        Measure::Ks4CohortShare,
        Measure::PupilsOnRoll,
        Measure::RollShare,
    ];

    /// A stable key for URLs, JSON and the database.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Ks2RwmExpected => "ks2_rwm_expected",
            Measure::Ks2RwmHigher => "ks2_rwm_higher",
            Measure::Ks2ReadingProgress => "ks2_reading_progress",
            Measure::Ks2WritingProgress => "ks2_writing_progress",
            Measure::Ks2MathsProgress => "ks2_maths_progress",
            Measure::Ks2ReadingScaledScore => "ks2_reading_scaled_score",
            Measure::Ks2MathsScaledScore => "ks2_maths_scaled_score",
            Measure::Ks2RwmLevel4 => "ks2_rwm_level4",
            Measure::Ks2RwmLevel5 => "ks2_rwm_level5",
            Measure::Ks4Attainment8 => "ks4_attainment8",
            Measure::Ks4Progress8 => "ks4_progress8",
            Measure::Ks4EnglishMathsGrade5 => "ks4_english_maths_grade5",
            Measure::Ks4EnglishMathsGrade4 => "ks4_english_maths_grade4",
            Measure::Ks4EnglishMathsAtoC => "ks4_english_maths_a_to_c",
            Measure::Ks4FiveAtoCEnglishMaths => "ks4_five_a_to_c_english_maths",
            Measure::Ks4EbaccAps => "ks4_ebacc_aps",
            Measure::Ks4EbaccEntry => "ks4_ebacc_entry",
            Measure::OverallAbsence => "overall_absence",
            Measure::PersistentAbsence => "persistent_absence",
            Measure::PersistentAbsence15 => "persistent_absence_15",
            Measure::Ks2Cohort => "ks2_cohort",
            Measure::Ks2CohortShare => "ks2_cohort_share",
            Measure::Ks4Cohort => "ks4_cohort",
            Measure::Ks4CohortShare => "ks4_cohort_share",
            Measure::PupilsOnRoll => "pupils_on_roll",
            Measure::RollShare => "roll_share",
        }
    }

    pub fn from_key(key: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Ks2RwmExpected => "KS2 % meeting the expected standard in reading, writing and maths",
            Measure::Ks2RwmHigher => "KS2 % achieving the higher standard in reading, writing and maths",
            Measure::Ks2ReadingProgress => "KS2 reading progress score",
            Measure::Ks2WritingProgress => "KS2 writing progress score",
            Measure::Ks2MathsProgress => "KS2 maths progress score",
            Measure::Ks2ReadingScaledScore => "KS2 average reading scaled score",
            Measure::Ks2MathsScaledScore => "KS2 average maths scaled score",
            Measure::Ks2RwmLevel4 => "KS2 % level 4 or above in reading, writing and maths",
            Measure::Ks2RwmLevel5 => "KS2 % level 5 or above in reading, writing and maths",
            Measure::Ks4Attainment8 => "KS4 average Attainment 8 score",
            Measure::Ks4Progress8 => "KS4 Progress 8 score",
            Measure::Ks4EnglishMathsGrade5 => "KS4 % grade 5 or above in English and maths",
            Measure::Ks4EnglishMathsGrade4 => "KS4 % grade 4 or above in English and maths",
            Measure::Ks4EnglishMathsAtoC => "KS4 % A*-C in English and maths",
            Measure::Ks4FiveAtoCEnglishMaths => "KS4 % 5+ A*-C including English and maths",
            Measure::Ks4EbaccAps => "KS4 EBacc average point score",
            Measure::Ks4EbaccEntry => "KS4 % entering the EBacc",
            Measure::OverallAbsence => "overall absence (% of sessions)",
            Measure::PersistentAbsence => "% persistently absent (10% or more of sessions)",
            Measure::PersistentAbsence15 => "% persistently absent (15% or more of sessions)",
            Measure::Ks2Cohort => "pupils at the end of KS2",
            Measure::Ks2CohortShare => "% of the KS2 cohort",
            Measure::Ks4Cohort => "pupils at the end of KS4",
            Measure::Ks4CohortShare => "% of the KS4 cohort",
            Measure::PupilsOnRoll => "pupils on roll",
            Measure::RollShare => "% of pupils on roll",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Measure::Ks2ReadingProgress
            | Measure::Ks2WritingProgress
            | Measure::Ks2MathsProgress
            | Measure::Ks4Progress8 => Unit::ProgressScore,
            Measure::Ks2ReadingScaledScore | Measure::Ks2MathsScaledScore => Unit::ScaledScore,
            Measure::Ks4Attainment8 | Measure::Ks4EbaccAps => Unit::Points,
            Measure::Ks2Cohort | Measure::Ks4Cohort | Measure::PupilsOnRoll => Unit::Pupils,
            _ => Unit::Percent,
        }
    }

    /// Which way is better: `Some(false)` for absence, `None` for context measures, which
    /// describe a school rather than judge it.
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            Measure::OverallAbsence | Measure::PersistentAbsence | Measure::PersistentAbsence15 => {
                Some(false)
            }
            Measure::Ks2Cohort
            | Measure::Ks2CohortShare
            | Measure::Ks4Cohort
            | Measure::Ks4CohortShare
            | Measure::PupilsOnRoll
            | Measure::RollShare => None,
            _ => Some(true),
        }
    }

    /// The measure this one replaced when DfE changed what it published. Values of the two are
    /// never joined into one trend; a chart shows the predecessor as a separate line.
    pub fn succeeds(self) -> Option<Measure> {
        match self {
            Measure::Ks2RwmExpected => Some(Measure::Ks2RwmLevel4),
            Measure::Ks2RwmHigher => Some(Measure::Ks2RwmLevel5),
            Measure::Ks4Attainment8 => Some(Measure::Ks4FiveAtoCEnglishMaths),
            Measure::Ks4EnglishMathsGrade4 => Some(Measure::Ks4EnglishMathsAtoC),
            Measure::PersistentAbsence => Some(Measure::PersistentAbsence15),
            _ => None,
        }
    }

    /// The first and last academic years the measure was published with this meaning, where
    /// it is bounded. A column of the same name outside these years meant something else.
    pub fn years_in_force(self) -> (Option<AcademicYear>, Option<AcademicYear>) {
        let from = |y| (Some(AcademicYear(y)), None);
        let until = |y| (None, Some(AcademicYear(y)));
        match self {
            Measure::Ks2RwmExpected
            | Measure::Ks2RwmHigher
            | Measure::Ks2ReadingProgress
            | Measure::Ks2WritingProgress
            | Measure::Ks2MathsProgress
            | Measure::Ks2ReadingScaledScore
            | Measure::Ks2MathsScaledScore
            | Measure::Ks4Progress8 => from(2015),
            Measure::Ks4Attainment8 | Measure::Ks4EnglishMathsGrade5 | Measure::Ks4EnglishMathsGrade4 => {
                from(2016)
            }
            Measure::Ks4EbaccAps => from(2017),
            Measure::Ks2RwmLevel4 | Measure::Ks2RwmLevel5 => until(2014),
            Measure::Ks4EnglishMathsAtoC | Measure::Ks4FiveAtoCEnglishMaths => until(2015),
            _ => (None, None),
        }
    }

    pub fn in_force(self, year: AcademicYear) -> bool {
        let (first, last) = self.years_in_force();
        first.is_none_or(|f| year >= f) && last.is_none_or(|l| year <= l)
    }

    /// The attainment headline for schools of `phase` in `year`: KS2 reading, writing and maths
    /// for primaries, Attainment 8 for secondaries, or the measure they succeeded before then.
    pub fn headline(phase: Phase, year: AcademicYear) -> Option<Measure> {
        let latest = match phase.reporting_group() {
            Phase::Primary => Measure::Ks2RwmExpected,
            Phase::Secondary => Measure::Ks4Attainment8,
            _ => return None,
        };
        std::iter::successors(Some(latest), |m| m.succeeds()).find(|m| m.in_force(year))
    }
}

/// The pupils a value is about, as far as the files break them down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PupilGroup {
    All,
    /// Eligible for free school meals in the last six years, or looked after (DfE's
    /// `FSM6CLA1A`; `FSMCLA` before 2014/15).
    Disadvantaged,
    NotDisadvantaged,
    /// Eligible for free school meals on census day.
    Fsm,
    /// Eligible for free school meals at any time in the last six years.
    FsmEver6,
    /// With special educational needs: SEN support or an EHC plan.
    Sen,
    /// On SEN support, without a statement or EHC plan.
    SenSupport,
    /// With an education, health and care plan (or, before they were replaced, a statement).
    Ehcp,
    /// High prior attainment: the "most able".
    HighPriorAttainment,
    MiddlePriorAttainment,
    LowPriorAttainment,
    /// With English as an additional language.
    Eal,
    Boys,
    Girls,
}

impl PupilGroup {
    pub const ALL: [PupilGroup; 14] = [
        PupilGroup::All,
        PupilGroup::Disadvantaged,
        PupilGroup::NotDisadvantaged,
        PupilGroup::Fsm,
        PupilGroup::FsmEver6,
        PupilGroup::Sen,
        PupilGroup::SenSupport,
        PupilGroup::Ehcp,
        PupilGroup::HighPriorAttainment,
        PupilGroup::MiddlePriorAttainment,
        PupilGroup::LowPriorAttainment,
        PupilGroup::Eal,
        PupilGroup::Boys,
        PupilGroup::Girls,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PupilGroup::All => "all",
            PupilGroup::Disadvantaged => "disadvantaged",
            PupilGroup::NotDisadvantaged => "not_disadvantaged",
            PupilGroup::Fsm => "fsm",
            PupilGroup::FsmEver6 => "fsm_ever6",
            PupilGroup::Sen => "sen",
            PupilGroup::SenSupport => "sen_support",
            PupilGroup::Ehcp => "ehcp",
            PupilGroup::HighPriorAttainment => "high_prior_attainment",
            PupilGroup::MiddlePriorAttainment => "middle_prior_attainment",
            PupilGroup::LowPriorAttainment => "low_prior_attainment",
            PupilGroup::Eal => "eal",
            PupilGroup::Boys => "boys",
            PupilGroup::Girls => "girls",
        }
    }

    pub fn from_key(key: &str) -> Option<PupilGroup> {
        PupilGroup::ALL.into_iter().find(|g| g.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PupilGroup::All => "all pupils",
            PupilGroup::Disadvantaged => "disadvantaged pupils",
            PupilGroup::NotDisadvantaged => "other pupils (not disadvantaged)",
            PupilGroup::Fsm => "pupils eligible for free school meals",
            PupilGroup::FsmEver6 => "pupils eligible for free school meals in the last six years",
            PupilGroup::Sen => "pupils with SEN",
            PupilGroup::SenSupport => "pupils on SEN support",
            PupilGroup::Ehcp => "pupils with an EHC plan or statement",
            PupilGroup::HighPriorAttainment => "high prior attainers (most able)",
            PupilGroup::MiddlePriorAttainment => "middle prior attainers",
            PupilGroup::LowPriorAttainment => "low prior attainers",
            PupilGroup::Eal => "pupils with English as an additional language",
            PupilGroup::Boys => "boys",
            PupilGroup::Girls => "girls",
        }
    }
}

/// Why a published cell holds no number, by the code the file prints. DfE's performance tables
/// use upper-case codes; Explore Education Statistics uses lower-case symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SuppressionCode {
    #[serde(rename = "SUPP")]
    Supp,
    #[serde(rename = "NE")]
    NoEntries,
    #[serde(rename = "NA")]
    NotApplicable,
    #[serde(rename = "NP")]
    NotPublished,
    #[serde(rename = "LOWCOV")]
    LowCoverage,
    #[serde(rename = "NEW")]
    NewInstitution,
    #[serde(rename = "SP")]
    SmallPercentage,
    #[serde(rename = "RE")]
    Redacted,
    #[serde(rename = "DNS")]
    Dns,
    #[serde(rename = "c")]
    Confidential,
    #[serde(rename = "x")]
    NotAvailable,
    #[serde(rename = "z")]
    NotApplicableEes,
    #[serde(rename = "low")]
    Low,
    #[serde(rename = "u")]
    LowReliability,
}

impl SuppressionCode {
    pub const ALL: [SuppressionCode; 14] = [
        SuppressionCode::Supp,
        SuppressionCode::NoEntries,
        SuppressionCode::NotApplicable,
        SuppressionCode::NotPublished,
        SuppressionCode::LowCoverage,
        SuppressionCode::NewInstitution,
        SuppressionCode::SmallPercentage,
        SuppressionCode::Redacted,
        SuppressionCode::Dns,
        SuppressionCode::Confidential,
        SuppressionCode::NotAvailable,
        SuppressionCode::NotApplicableEes,
        SuppressionCode::Low,
        SuppressionCode::LowReliability,
    ];

    /// The code as the file prints it.
    pub fn code(self) -> &'static str {
        match self {
            SuppressionCode::Supp => "SUPP",
            SuppressionCode::NoEntries => "NE",
            SuppressionCode::NotApplicable => "NA",
            SuppressionCode::NotPublished => "NP",
            SuppressionCode::LowCoverage => "LOWCOV",
            SuppressionCode::NewInstitution => "NEW",
            SuppressionCode::SmallPercentage => "SP",
            SuppressionCode::Redacted => "RE",
            SuppressionCode::Dns => "DNS",
            SuppressionCode::Confidential => "c",
            SuppressionCode::NotAvailable => "x",
            SuppressionCode::NotApplicableEes => "z",
            SuppressionCode::Low => "low",
            SuppressionCode::LowReliability => "u",
        }
    }

    /// What the code means, in the publishers' words where their metadata gives them.
    pub fn meaning(self) -> &'static str {
        match self {
            SuppressionCode::Supp => "suppressed: 5 or fewer pupils",
            SuppressionCode::NoEntries => "no entries",
            SuppressionCode::NotApplicable => "not applicable or not available",
            SuppressionCode::NotPublished => "not published",
            SuppressionCode::LowCoverage => "low coverage: fewer than half the cohort included",
            SuppressionCode::NewInstitution => "new institution",
            SuppressionCode::SmallPercentage => "small percentage, between 0% and 0.5%",
            SuppressionCode::Redacted => "redacted",
            SuppressionCode::Dns => "DNS, as published",
            SuppressionCode::Confidential => "confidential (suppressed)",
            SuppressionCode::NotAvailable => "not available",
            SuppressionCode::NotApplicableEes => "not applicable",
            SuppressionCode::Low => "rounds to zero but is not zero",
            SuppressionCode::LowReliability => "low reliability",
        }
    }

    /// The code a cell holds, whatever its case; `None` for anything else.
    pub fn from_code(text: &str) -> Option<SuppressionCode> {
        let text = text.trim();
        SuppressionCode::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(text))
    }
}

/// A published figure: a number, or the code printed instead of one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Number(f64),
    Suppressed(SuppressionCode),
}

impl Value {
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n),
            Value::Suppressed(_) => None,
        }
    }

    /// A cell as published: blank is no value; a suppression code is kept as such; anything
    /// else must be a number (`85%` is 85).
    pub fn parse(cell: &str) -> Result<Option<Value>, ParseError> {
        let text = cell.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if let Some(code) = SuppressionCode::from_code(text) {
            return Ok(Some(Value::Suppressed(code)));
        }
        Ok(parse_number(text)?.map(Value::Number))
    }
}

/// Who a value describes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    School(Urn),
    /// A local authority by its three-digit DfE code (e.g. "850" for Hampshire).
    La(String),
    /// England's state-funded schools.
    England,
    /// England's state-funded schools of one phase, as the absence and census files give it.
    EnglandPhase(Phase),
}

impl Subject {
    /// A stable key: `school:115851`, `la:850`, `england`, `england:primary`.
    pub fn key(&self) -> String {
        match self {
            Subject::School(urn) => format!("school:{urn}"),
            Subject::La(code) => format!("la:{code}"),
            Subject::England => "england".to_string(),
            Subject::EnglandPhase(phase) => format!("england:{}", phase.key()),
        }
    }

    /// The subject a [`Subject::key`] names.
    pub fn from_key(key: &str) -> Option<Subject> {
        match key.split_once(':') {
            None if key == "england" => Some(Subject::England),
            Some(("school", urn)) => urn.parse().ok().map(|u| Subject::School(Urn(u))),
            Some(("la", code)) if !code.is_empty() => Some(Subject::La(code.to_string())),
            Some(("england", phase)) => Phase::from_key(phase).map(Subject::EnglandPhase),
            _ => None,
        }
    }
}

/// One published figure: a measure for a group of a subject's pupils in a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureValue {
    pub subject: Subject,
    pub year: AcademicYear,
    pub measure: Measure,
    pub group: PupilGroup,
    pub value: Value,
}

/// One measure's values over the years, oldest first, one per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub measure: Measure,
    pub points: Vec<(AcademicYear, Value)>,
}

impl Series {
    /// Points in year order; where a year comes twice the later point wins, as a later
    /// import does.
    pub fn new(measure: Measure, points: impl IntoIterator<Item = (AcademicYear, Value)>) -> Series {
        let mut points: Vec<(AcademicYear, Value)> = points.into_iter().collect();
        points.reverse();
        points.sort_by_key(|(year, _)| *year);
        points.dedup_by_key(|(year, _)| *year);
        Series { measure, points }
    }

    /// The values of `measure` for `group` of `subject` among `values`.
    pub fn of(values: &[MeasureValue], subject: &Subject, measure: Measure, group: PupilGroup) -> Series {
        Series::new(
            measure,
            values
                .iter()
                .filter(|v| v.measure == measure && v.group == group && &v.subject == subject)
                .map(|v| (v.year, v.value)),
        )
    }

    pub fn value_in(&self, year: AcademicYear) -> Option<Value> {
        self.points.iter().find(|(y, _)| *y == year).map(|(_, v)| *v)
    }

    /// The published numbers, suppressed years left out (never read as zero).
    pub fn numbers(&self) -> impl Iterator<Item = (AcademicYear, f64)> + '_ {
        self.points.iter().filter_map(|(y, v)| v.number().map(|n| (*y, n)))
    }

    /// Consecutive published numbers, as ((previous year, number), (year, number)). A
    /// suppressed year between them is passed over (its figure exists, unpublished); a year
    /// with no figure at all (2019/20, or a file not held) breaks the run: a change is never
    /// measured across a missing year, as if the years either side were adjacent.
    fn changes(&self) -> impl Iterator<Item = ((AcademicYear, f64), (AcademicYear, f64))> + '_ {
        let mut out = Vec::new();
        let mut previous: Option<(AcademicYear, f64)> = None;
        let mut last_year: Option<AcademicYear> = None;
        for (year, value) in &self.points {
            if last_year.is_some_and(|l| year.0 != l.0 + 1) {
                previous = None;
            }
            last_year = Some(*year);
            if let Some(n) = value.number() {
                if let Some(p) = previous {
                    out.push((p, (*year, n)));
                }
                previous = Some((*year, n));
            }
        }
        out.into_iter()
    }
}

/// The gap, year by year, between one group of one subject and another (`of` minus
/// `against`) on `measure`. A year where either side is suppressed carries that code.
/// The gap keeps the measure's direction: for a measure where higher is better, a gap
/// that falls is a gap that widens against the group.
pub fn gap_series(
    values: &[MeasureValue],
    measure: Measure,
    of: (&Subject, PupilGroup),
    against: (&Subject, PupilGroup),
) -> Series {
    let group = Series::of(values, of.0, measure, of.1);
    let baseline = Series::of(values, against.0, measure, against.1);
    Series::new(
        measure,
        group.points.iter().filter_map(|&(year, value)| {
            let other = baseline.value_in(year)?;
            let gap = match (value, other) {
                (Value::Number(a), Value::Number(b)) => Value::Number(a - b),
                (Value::Suppressed(code), _) | (_, Value::Suppressed(code)) => Value::Suppressed(code),
            };
            Some((year, gap))
        }),
    )
}

/// Disadvantaged pupils minus other pupils of the same subject: DfE's "disadvantage gap".
pub fn disadvantage_gap(values: &[MeasureValue], subject: &Subject, measure: Measure) -> Series {
    gap_series(values, measure, (subject, PupilGroup::Disadvantaged), (subject, PupilGroup::NotDisadvantaged))
}

/// A group of a subject minus all pupils in England.
pub fn gap_to_england(
    values: &[MeasureValue],
    subject: &Subject,
    group: PupilGroup,
    measure: Measure,
) -> Series {
    gap_series(values, measure, (subject, group), (&Subject::England, PupilGroup::All))
}

/// Which way a trend runs: improving or declining for outcomes, rising or falling for context
/// measures, stable when the years do not lean one way more than they scatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Declining,
    Rising,
    Falling,
    Stable,
}

/// The straight line through a series' published numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub measure: Measure,
    pub from: AcademicYear,
    pub to: AcademicYear,
    /// Published numbers the line was fitted to (suppressed years are left out).
    pub points: usize,
    /// Least-squares slope, in the measure's unit per year.
    pub slope_per_year: f64,
    /// Standard error of the slope.
    pub slope_error: f64,
    pub direction: Direction,
}

/// The fewest published years a trend is fitted to.
pub const MIN_TREND_YEARS: usize = 3;

/// The least-squares trend of a series over at least [`MIN_TREND_YEARS`] published numbers
/// (suppressed years are left out, never read as zero; missing years such as 2019/20 simply
/// widen the span). The direction is `Stable` when the slope is no bigger than its standard
/// error, i.e. the years scatter around the line at least as much as the line climbs or falls.
pub fn trend(series: &Series) -> Option<Trend> {
    let numbers: Vec<(AcademicYear, f64)> = series.numbers().collect();
    let n = numbers.len();
    if n < MIN_TREND_YEARS {
        return None;
    }
    let points: Vec<(f64, f64)> = numbers.iter().map(|(year, v)| (f64::from(year.0), *v)).collect();
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = points.iter().map(|(x, _)| (x - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|(x, y)| (x - mean_x) * (y - mean_y)).sum();
    let slope = sxy / sxx;
    let sse: f64 = points.iter().map(|(x, y)| (y - (mean_y + slope * (x - mean_x))).powi(2)).sum();
    let slope_error = (sse / (n - 2) as f64 / sxx).sqrt();
    Some(Trend {
        measure: series.measure,
        from: numbers[0].0,
        to: numbers[n - 1].0,
        points: n,
        slope_per_year: slope,
        slope_error,
        direction: direction_of(series.measure, slope, slope_error),
    })
}

fn direction_of(measure: Measure, slope: f64, error: f64) -> Direction {
    if slope == 0.0 || slope.abs() <= error {
        return Direction::Stable;
    }
    let rising = slope > 0.0;
    match measure.higher_is_better() {
        Some(higher_better) if rising == higher_better => Direction::Improving,
        Some(_) => Direction::Declining,
        None if rising => Direction::Rising,
        None => Direction::Falling,
    }
}

/// How much a measure normally moves from one year to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variation {
    pub measure: Measure,
    /// The median absolute change between consecutive published years.
    pub typical_change: f64,
    /// How many year-on-year changes it was taken from.
    pub changes: usize,
}

impl Variation {
    /// The typical year-on-year change of `measure` across `series`, which should be every
    /// comparable subject's series (all schools of a phase, or all LAs, and for a gap, their
    /// gap series). The median of absolute changes is used because a few schools that
    /// changed a great deal (a tiny cohort, a merger) must not set the norm for the rest.
    /// `None` when there are no changes, or the typical change is zero (a norm of nothing
    /// would flag every movement).
    pub fn from_series<'a>(
        measure: Measure,
        series: impl IntoIterator<Item = &'a Series>,
    ) -> Option<Variation> {
        let mut changes: Vec<f64> = series
            .into_iter()
            .filter(|s| s.measure == measure)
            .flat_map(|s| s.changes().map(|(a, b)| (b.1 - a.1).abs()))
            .collect();
        let typical_change = median(&mut changes)?;
        (typical_change > 0.0).then_some(Variation { measure, typical_change, changes: changes.len() })
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// A year in which a measure fell beyond normal year-to-year variation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lapse {
    pub measure: Measure,
    pub year: AcademicYear,
    /// The last year before with a published number: the year before, or one before a
    /// suppressed year. Never across a year with no figure (see `Series::changes`).
    pub previous_year: AcademicYear,
    pub previous: f64,
    pub value: f64,
    pub change: f64,
    /// `k` × the typical change: the size of change the drop exceeded.
    pub threshold: f64,
}

/// The years in which `series` moved in the bad direction by more than `k` times the
/// typical year-on-year change of its measure ([`Variation`]).
///
/// The rule: for each published number, take the change from the previous published number
/// (suppressed years are skipped, never read as zero; a year with no figure at all ends the
/// comparison, so nothing is compared across 2019/20). It is a lapse when the change is in the
/// direction that is worse for pupils (down for attainment, up for absence; for a gap series,
/// the gap moving against the group) and its size is greater than `k × typical_change`.
/// With the median absolute change as the norm, `k = 2.5` flags roughly the largest tenth of
/// falls when year-on-year changes are close to normally distributed (|Δ| > 2.5 × median |Δ|
/// is about 1.7 standard deviations). Context measures, which have no bad direction, have no
/// lapses. A school's own short history is not used as the norm: three or four years cannot
/// say how much a measure normally moves.
pub fn lapses(series: &Series, variation: &Variation, k: f64) -> Vec<Lapse> {
    let Some(higher_is_better) = series.measure.higher_is_better() else {
        return Vec::new();
    };
    let threshold = k * variation.typical_change;
    series
        .changes()
        .filter_map(|((previous_year, previous), (year, value))| {
            let change = value - previous;
            let worse = if higher_is_better { change < 0.0 } else { change > 0.0 };
            (worse && change.abs() > threshold).then_some(Lapse {
                measure: series.measure,
                year,
                previous_year,
                previous,
                value,
                change,
                threshold,
            })
        })
        .collect()
}

/// What similar-school matching knows of a school in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolProfile {
    pub urn: Urn,
    pub phase: Phase,
    /// Pupils on roll.
    pub pupils: Option<f64>,
    /// % of the cohort (or roll) who are disadvantaged.
    pub disadvantaged_percent: Option<f64>,
    /// % of the cohort with high prior attainment.
    pub high_prior_percent: Option<f64>,
    /// The school's value on the headline measure being compared.
    pub headline: Option<f64>,
}

impl SchoolProfile {
    /// The features schools are matched on. Size is taken as a logarithm: 100 more pupils
    /// matter more between schools of 100 and 200 than of 1,100 and 1,200.
    fn features(&self) -> [Option<f64>; 3] {
        [self.pupils.filter(|p| *p > 0.0).map(f64::ln), self.disadvantaged_percent, self.high_prior_percent]
    }
}

/// A school like the target, with how far from it it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarSchool {
    pub urn: Urn,
    /// Euclidean distance over the standardised features (0 = identical).
    pub distance: f64,
    pub headline: Option<f64>,
}

/// A school beside the schools most like it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub target: Urn,
    pub measure: Measure,
    /// Nearest first.
    pub similar: Vec<SimilarSchool>,
    /// The target's place on the headline among itself and the similar schools with a
    /// value (1 = best, ties share a rank); `None` without a headline or a direction.
    pub rank: Option<usize>,
    pub out_of: usize,
    /// The percentage of similar schools (with a value) the target does better than, a tie
    /// counting half.
    pub percentile: Option<f64>,
}

/// The `n` schools most like `target` among `candidates`, and how the target compares with
/// them on `measure` (whose values the profiles carry as `headline`).
///
/// Only schools of the same phase (as national statistics group phases) are candidates, and
/// only those that have every feature the target has. Each feature — size (log of pupils),
/// % disadvantaged, % high prior attainment — is standardised by its spread (population
/// standard deviation) over the target and those candidates, so that no feature outweighs the
/// others by its units; a feature that does not vary is left out. Distance is Euclidean over
/// the standardised features; ties are broken by URN so the answer is stable.
pub fn similar_schools(
    target: &SchoolProfile,
    candidates: &[SchoolProfile],
    n: usize,
    measure: Measure,
) -> Comparison {
    let wanted = target.features();
    let pool: Vec<&SchoolProfile> = candidates
        .iter()
        .filter(|c| c.urn != target.urn && c.phase.reporting_group() == target.phase.reporting_group())
        .filter(|c| wanted.iter().zip(c.features()).all(|(w, f)| w.is_none() || f.is_some()))
        .collect();
    let spreads: Vec<Option<f64>> = (0..wanted.len())
        .map(|i| {
            wanted[i]?;
            let mut values: Vec<f64> = pool.iter().filter_map(|c| c.features()[i]).collect();
            values.extend(wanted[i]);
            spread(&values)
        })
        .collect();
    let mut similar: Vec<SimilarSchool> = pool
        .iter()
        .map(|c| SimilarSchool {
            urn: c.urn,
            distance: distance(&wanted, &c.features(), &spreads),
            headline: c.headline,
        })
        .collect();
    similar.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.urn.cmp(&b.urn)));
    similar.truncate(n);
    standing(target, similar, measure)
}

fn spread(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    (sd > 0.0).then_some(sd)
}

fn distance(a: &[Option<f64>], b: &[Option<f64>], spreads: &[Option<f64>]) -> f64 {
    a.iter()
        .zip(b)
        .zip(spreads)
        .filter_map(|((a, b), sd)| Some((((*a)? - (*b)?) / (*sd)?).powi(2)))
        .sum::<f64>()
        .sqrt()
}

fn standing(target: &SchoolProfile, similar: Vec<SimilarSchool>, measure: Measure) -> Comparison {
    let others: Vec<f64> = similar.iter().filter_map(|s| s.headline).collect();
    let out_of = others.len() + usize::from(target.headline.is_some());
    let place = target.headline.zip(measure.higher_is_better()).map(|(mine, higher_better)| {
        let better_than_mine = |other: f64| {
            let order = other.total_cmp(&mine);
            if higher_better { order == Ordering::Greater } else { order == Ordering::Less }
        };
        let ahead = others.iter().filter(|&&o| better_than_mine(o)).count();
        let ties = others.iter().filter(|&&o| o == mine).count();
        let behind = others.len() - ahead - ties;
        let percentile =
            (!others.is_empty()).then(|| 100.0 * (behind as f64 + 0.5 * ties as f64) / others.len() as f64);
        (1 + ahead, percentile)
    });
    Comparison {
        target: target.urn,
        measure,
        similar,
        rank: place.map(|p| p.0),
        out_of,
        percentile: place.and_then(|p| p.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(year: i32) -> AcademicYear {
        AcademicYear(year)
    }

    fn series(measure: Measure, points: &[(i32, Value)]) -> Series {
        Series::new(measure, points.iter().map(|&(year, v)| (y(year), v)))
    }

    fn n(v: f64) -> Value {
        Value::Number(v)
    }

    const SUPP: Value = Value::Suppressed(SuppressionCode::Supp);

    #[test]
    fn subject_keys_round_trip() {
        for s in [Subject::School(Urn(115851)), Subject::La("850".into()), Subject::England, Subject::EnglandPhase(Phase::Primary)] {
            assert_eq!(Subject::from_key(&s.key()), Some(s));
        }
        assert_eq!(Subject::from_key("school:x"), None);
        assert_eq!(Subject::from_key("la:"), None);
    }

    #[test]
    fn academic_years_read_every_published_form() {
        for label in ["2018/19", "2018-19", "2018_19", "2018-2019", "201819"] {
            assert_eq!(AcademicYear::from_label(label), Some(y(2018)), "{label}");
        }
        assert_eq!(AcademicYear::from_label("1999/00"), Some(y(1999)));
        assert_eq!(y(1999).to_string(), "1999/00");
        assert_eq!(y(2018).to_string(), "2018/19");
        for bad in ["2018/20", "2018", "2017-2022", "2021-05", "20180", "abcd-ef"] {
            assert_eq!(AcademicYear::from_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn cells_keep_suppression_and_read_percentages() {
        assert_eq!(Value::parse("85%"), Ok(Some(n(85.0))));
        assert_eq!(Value::parse(" -1.8 "), Ok(Some(n(-1.8))));
        assert_eq!(Value::parse("SUPP"), Ok(Some(SUPP)));
        assert_eq!(Value::parse("lowcov"), Ok(Some(Value::Suppressed(SuppressionCode::LowCoverage))));
        assert_eq!(Value::parse("c"), Ok(Some(Value::Suppressed(SuppressionCode::Confidential))));
        assert_eq!(Value::parse("NA"), Ok(Some(Value::Suppressed(SuppressionCode::NotApplicable))));
        assert_eq!(Value::parse("  "), Ok(None));
        assert!(Value::parse("about 5").is_err());
        for code in SuppressionCode::ALL {
            assert_eq!(SuppressionCode::from_code(code.code()), Some(code));
        }
    }

    #[test]
    fn measures_know_their_keys_directions_and_predecessors() {
        for m in Measure::ALL {
            assert_eq!(Measure::from_key(m.key()), Some(m));
            // A measure's predecessor went out of force before or as it came in.
            if let (Some(old), (Some(first), _)) = (m.succeeds(), m.years_in_force()) {
                assert!(old.in_force(AcademicYear(first.0 - 1)), "{m:?}");
            }
        }
        for g in PupilGroup::ALL {
            assert_eq!(PupilGroup::from_key(g.key()), Some(g));
        }
        assert_eq!(Measure::OverallAbsence.higher_is_better(), Some(false));
        assert_eq!(Measure::Ks4CohortShare.higher_is_better(), None);
        assert!(!Measure::Ks4Attainment8.in_force(y(2015)));
        assert_eq!(Measure::headline(Phase::Junior, y(2018)), Some(Measure::Ks2RwmExpected));
        assert_eq!(Measure::headline(Phase::Primary, y(2014)), Some(Measure::Ks2RwmLevel4));
        assert_eq!(Measure::headline(Phase::Secondary, y(2014)), Some(Measure::Ks4FiveAtoCEnglishMaths));
        assert_eq!(Measure::headline(Phase::Special, y(2018)), None);
        assert_eq!(Subject::EnglandPhase(Phase::Primary).key(), "england:primary");
    }

    fn value(subject: Subject, year: i32, group: PupilGroup, v: Value) -> MeasureValue {
        MeasureValue { subject, year: y(year), measure: Measure::Ks2RwmExpected, group, value: v }
    }

    #[test]
    fn gaps_subtract_year_by_year_and_carry_suppression() {
        let school = Subject::School(Urn(1));
        let values = vec![
            value(school.clone(), 2017, PupilGroup::Disadvantaged, n(47.0)),
            value(school.clone(), 2017, PupilGroup::NotDisadvantaged, n(76.0)),
            value(school.clone(), 2018, PupilGroup::Disadvantaged, SUPP),
            value(school.clone(), 2018, PupilGroup::NotDisadvantaged, n(67.0)),
            value(school.clone(), 2018, PupilGroup::All, n(57.0)),
            value(Subject::England, 2018, PupilGroup::All, n(64.0)),
        ];
        let gap = disadvantage_gap(&values, &school, Measure::Ks2RwmExpected);
        assert_eq!(gap.points, vec![(y(2017), n(-29.0)), (y(2018), SUPP)]);
        let to_england = gap_to_england(&values, &school, PupilGroup::All, Measure::Ks2RwmExpected);
        assert_eq!(to_england.points, vec![(y(2018), n(-7.0))]);
    }

    #[test]
    fn a_later_value_for_the_same_year_wins() {
        let s = series(Measure::Ks4Progress8, &[(2018, n(0.1)), (2017, n(0.5)), (2018, n(0.2))]);
        assert_eq!(s.points, vec![(y(2017), n(0.5)), (y(2018), n(0.2))]);
    }

    #[test]
    fn trend_is_the_least_squares_line_without_suppressed_years() {
        // x̄ = 2017.5, ȳ = 63.25, Sxx = 5, Sxy = 7.5: slope 1.5; residuals -1, .5, 2, -1.5
        // give SSE 7.5, so the slope's standard error is √(7.5 / 2 / 5) = √0.75.
        let s = series(
            Measure::Ks2RwmExpected,
            &[(2015, SUPP), (2016, n(60.0)), (2017, n(63.0)), (2018, n(66.0)), (2019, n(64.0))],
        );
        let t = trend(&s).unwrap();
        assert_eq!((t.from, t.to, t.points), (y(2016), y(2019), 4));
        assert!((t.slope_per_year - 1.5).abs() < 1e-12);
        assert!((t.slope_error - 0.75f64.sqrt()).abs() < 1e-12);
        assert_eq!(t.direction, Direction::Improving);
    }

    #[test]
    fn trend_direction_follows_the_measure() {
        let falling = [(2016, n(6.0)), (2017, n(5.0)), (2018, n(4.0))];
        assert_eq!(
            trend(&series(Measure::OverallAbsence, &falling)).unwrap().direction,
            Direction::Improving
        );
        assert_eq!(trend(&series(Measure::Ks4Progress8, &falling)).unwrap().direction, Direction::Declining);
        assert_eq!(trend(&series(Measure::RollShare, &falling)).unwrap().direction, Direction::Falling);
        // Up one, down one: slope 0.
        let flat = [(2016, n(5.0)), (2017, n(6.0)), (2018, n(5.0))];
        assert_eq!(trend(&series(Measure::Ks4Progress8, &flat)).unwrap().direction, Direction::Stable);
        // Slope 0.5 with standard error √(1.5/1/2) ≈ 0.87: noise, not a trend.
        let noisy = [(2016, n(5.0)), (2017, n(7.0)), (2018, n(6.0))];
        assert_eq!(trend(&series(Measure::Ks4Progress8, &noisy)).unwrap().direction, Direction::Stable);
        // Two numbers and a suppressed year are too few.
        assert!(
            trend(&series(Measure::Ks4Progress8, &[(2016, n(1.0)), (2017, SUPP), (2018, n(2.0))])).is_none()
        );
    }

    #[test]
    fn variation_is_the_median_absolute_change() {
        let a = series(Measure::Ks2RwmExpected, &[(2016, n(50.0)), (2017, n(51.0)), (2018, n(53.0))]);
        let b = series(
            Measure::Ks2RwmExpected,
            &[(2016, n(70.0)), (2017, SUPP), (2018, n(67.0)), (2019, n(71.0))],
        );
        let c = series(Measure::Ks2RwmExpected, &[(2017, n(40.0)), (2018, n(50.0))]);
        let other = series(Measure::Ks4Progress8, &[(2016, n(0.0)), (2017, n(9.0))]);
        // Changes 1, 2 | 3, 4 | 10 → median 3; the other measure's series is ignored.
        let v = Variation::from_series(Measure::Ks2RwmExpected, [&a, &b, &c, &other]).unwrap();
        assert_eq!((v.typical_change, v.changes), (3.0, 5));
        let still = series(Measure::Ks2RwmExpected, &[(2016, n(5.0)), (2017, n(5.0))]);
        assert!(Variation::from_series(Measure::Ks2RwmExpected, [&still]).is_none());
    }

    #[test]
    fn lapses_flag_only_large_falls_in_the_bad_direction() {
        let variation = Variation { measure: Measure::Ks2RwmExpected, typical_change: 3.0, changes: 100 };
        // Threshold 2 × 3 = 6: −7 is a lapse, +7 is not, −5 is not; 2019/20 is suppressed, so
        // 2020/21's fall is measured from 2018/19; 2022/23 follows a year with no figure, so
        // its fall is compared with nothing.
        let s = series(
            Measure::Ks2RwmExpected,
            &[
                (2015, n(70.0)),
                (2016, n(63.0)),
                (2017, n(70.0)),
                (2018, n(65.0)),
                (2019, SUPP),
                (2020, n(58.0)),
                (2022, n(40.0)),
            ],
        );
        let found = lapses(&s, &variation, 2.0);
        let years: Vec<(AcademicYear, AcademicYear, f64)> =
            found.iter().map(|l| (l.previous_year, l.year, l.change)).collect();
        assert_eq!(years, vec![(y(2015), y(2016), -7.0), (y(2018), y(2020), -7.0)]);
        assert_eq!(found[0].threshold, 6.0);
        // For absence a rise is the bad direction.
        let absence = Variation { measure: Measure::OverallAbsence, typical_change: 0.5, changes: 10 };
        let s = series(Measure::OverallAbsence, &[(2016, n(4.0)), (2017, n(6.0)), (2018, n(3.0))]);
        let found = lapses(&s, &absence, 2.0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].year, y(2017));
        // Context measures have no bad direction.
        let roll = Variation { measure: Measure::RollShare, typical_change: 1.0, changes: 10 };
        assert!(
            lapses(&series(Measure::RollShare, &[(2016, n(40.0)), (2017, n(10.0))]), &roll, 2.0).is_empty()
        );
    }

    fn profile(
        urn: i64,
        phase: Phase,
        disadvantaged: Option<f64>,
        prior: f64,
        headline: Option<f64>,
    ) -> SchoolProfile {
        SchoolProfile {
            urn: Urn(urn),
            phase,
            pupils: Some(200.0),
            disadvantaged_percent: disadvantaged,
            high_prior_percent: Some(prior),
            headline,
        }
    }

    #[test]
    fn similar_schools_standardise_features_and_rank_the_target() {
        let target = profile(1, Phase::Primary, Some(10.0), 30.0, Some(70.0));
        let candidates = vec![
            target.clone(),
            profile(2, Phase::Junior, Some(20.0), 30.0, Some(60.0)),
            profile(3, Phase::Primary, Some(30.0), 50.0, Some(80.0)),
            profile(4, Phase::Primary, Some(40.0), 10.0, Some(90.0)),
            profile(5, Phase::Secondary, Some(10.0), 30.0, Some(50.0)),
            profile(6, Phase::Primary, None, 30.0, Some(50.0)),
        ];
        // Pool 1–4 (5 is secondary, 6 lacks a feature). Size does not vary and drops out.
        // Disadvantaged 10, 20, 30, 40: variance 125. Prior 30, 30, 50, 10: variance 200.
        // d² = Δd²/125 + Δp²/200: school 2 → 0.8, school 3 → 3.2 + 2 = 5.2, school 4 → 9.2.
        let c = similar_schools(&target, &candidates, 2, Measure::Ks2RwmExpected);
        let got: Vec<(Urn, f64)> = c.similar.iter().map(|s| (s.urn, s.distance)).collect();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[1].0), (Urn(2), Urn(3)));
        assert!((got[0].1 - 0.8f64.sqrt()).abs() < 1e-12);
        assert!((got[1].1 - 5.2f64.sqrt()).abs() < 1e-12);
        // 70 against 60 and 80: second of three, better than half the similar schools.
        assert_eq!((c.rank, c.out_of, c.percentile), (Some(2), 3, Some(50.0)));
        // For absence, lower is better: 70 beats 80 and loses to 60 all the same.
        let c = similar_schools(&target, &candidates, 3, Measure::OverallAbsence);
        assert_eq!((c.rank, c.out_of), (Some(2), 4));
        let c = similar_schools(&target, &candidates, 3, Measure::RollShare);
        assert_eq!((c.rank, c.percentile), (None, None));
    }
}
