//! Ofsted's overall-effectiveness judgements and categories of concern.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The overall-effectiveness grade of a graded (section 5) inspection.
///
/// Grade 3 was called "satisfactory" until 1 September 2012 and "requires improvement" since;
/// both are the same rung of the ladder, so they share one variant and [`Judgement::label_at`]
/// gives the name in force on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Outstanding,
    Good,
    RequiresImprovement,
    Inadequate,
}

/// The day "satisfactory" became "requires improvement".
pub fn requires_improvement_introduced() -> NaiveDate {
    NaiveDate::from_ymd_opt(2012, 9, 1).expect("valid date")
}

impl Judgement {
    pub const ALL: [Judgement; 4] = [
        Judgement::Outstanding,
        Judgement::Good,
        Judgement::RequiresImprovement,
        Judgement::Inadequate,
    ];

    /// Ofsted's numeric grade: 1 outstanding … 4 inadequate.
    pub fn grade(self) -> u8 {
        match self {
            Judgement::Outstanding => 1,
            Judgement::Good => 2,
            Judgement::RequiresImprovement => 3,
            Judgement::Inadequate => 4,
        }
    }

    pub fn from_grade(grade: i64) -> Option<Judgement> {
        match grade {
            1 => Some(Judgement::Outstanding),
            2 => Some(Judgement::Good),
            3 => Some(Judgement::RequiresImprovement),
            4 => Some(Judgement::Inadequate),
            _ => None,
        }
    }

    pub fn is_good_or_better(self) -> bool {
        self.grade() <= 2
    }

    /// The plain-English name, as in the letters.
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Outstanding => "outstanding",
            Judgement::Good => "good",
            Judgement::RequiresImprovement => "requires improvement",
            Judgement::Inadequate => "inadequate",
        }
    }

    /// The name the judgement carried on `date` (grade 3 before September 2012 is "satisfactory").
    pub fn label_at(self, date: NaiveDate) -> &'static str {
        if self == Judgement::RequiresImprovement && date < requires_improvement_introduced() {
            "satisfactory"
        } else {
            self.label()
        }
    }

    /// A stable key for URLs, CSS classes and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Judgement::Outstanding => "outstanding",
            Judgement::Good => "good",
            Judgement::RequiresImprovement => "requires_improvement",
            Judgement::Inadequate => "inadequate",
        }
    }
}

/// The formal category an inadequate school is placed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryOfConcern {
    SpecialMeasures,
    SeriousWeaknesses,
    /// The pre-2012 "notice to improve", successor of which is serious weaknesses.
    NoticeToImprove,
}

impl CategoryOfConcern {
    pub fn label(self) -> &'static str {
        match self {
            CategoryOfConcern::SpecialMeasures => "special measures",
            CategoryOfConcern::SeriousWeaknesses => "serious weaknesses",
            CategoryOfConcern::NoticeToImprove => "notice to improve",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            CategoryOfConcern::SpecialMeasures => "special_measures",
            CategoryOfConcern::SeriousWeaknesses => "serious_weaknesses",
            CategoryOfConcern::NoticeToImprove => "notice_to_improve",
        }
    }

    pub fn from_key(key: &str) -> Option<CategoryOfConcern> {
        match key {
            "special_measures" => Some(CategoryOfConcern::SpecialMeasures),
            "serious_weaknesses" => Some(CategoryOfConcern::SeriousWeaknesses),
            "notice_to_improve" => Some(CategoryOfConcern::NoticeToImprove),
            _ => None,
        }
    }
}

/// The key judgements a graded inspection gives beside (or, since September 2024, instead of)
/// the overall grade, each 1..4 as Ofsted codes them; `None` where the file says 9 (not
/// applicable) or nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubJudgements {
    pub quality_of_education: Option<u8>,
    pub behaviour_and_attitudes: Option<u8>,
    pub personal_development: Option<u8>,
    pub leadership_and_management: Option<u8>,
    pub early_years: Option<u8>,
    pub sixth_form: Option<u8>,
    pub safeguarding_effective: Option<bool>,
}

impl SubJudgements {
    pub fn is_empty(&self) -> bool {
        *self == SubJudgements::default()
    }

    /// The graded areas in Ofsted's order, named as its reports name them.
    pub fn named(&self) -> Vec<(&'static str, u8)> {
        [
            ("quality of education", self.quality_of_education),
            ("behaviour and attitudes", self.behaviour_and_attitudes),
            ("personal development", self.personal_development),
            ("leadership and management", self.leadership_and_management),
            ("early years", self.early_years),
            ("sixth form", self.sixth_form),
        ]
        .into_iter()
        .filter_map(|(name, grade)| grade.map(|g| (name, g)))
        .collect()
    }

    /// Keeps each of `self`'s values and fills its blanks from `other` (a blank never erases).
    pub fn or(self, other: SubJudgements) -> SubJudgements {
        SubJudgements {
            quality_of_education: self.quality_of_education.or(other.quality_of_education),
            behaviour_and_attitudes: self.behaviour_and_attitudes.or(other.behaviour_and_attitudes),
            personal_development: self.personal_development.or(other.personal_development),
            leadership_and_management: self.leadership_and_management.or(other.leadership_and_management),
            early_years: self.early_years.or(other.early_years),
            sixth_form: self.sixth_form.or(other.sixth_form),
            safeguarding_effective: self.safeguarding_effective.or(other.safeguarding_effective),
        }
    }
}

/// The day graded inspections stopped giving an overall-effectiveness grade.
pub fn overall_grade_withdrawn() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 9, 1).expect("valid date")
}

/// An evaluation area of the renewed framework's report card (from November 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCardArea {
    Safeguarding,
    Inclusion,
    CurriculumAndTeaching,
    Achievement,
    AttendanceAndBehaviour,
    PersonalDevelopmentAndWellbeing,
    EarlyYears,
    Post16,
    LeadershipAndGovernance,
}

impl ReportCardArea {
    pub const ALL: [ReportCardArea; 9] = [
        ReportCardArea::Safeguarding,
        ReportCardArea::Inclusion,
        ReportCardArea::CurriculumAndTeaching,
        ReportCardArea::Achievement,
        ReportCardArea::AttendanceAndBehaviour,
        ReportCardArea::PersonalDevelopmentAndWellbeing,
        ReportCardArea::EarlyYears,
        ReportCardArea::Post16,
        ReportCardArea::LeadershipAndGovernance,
    ];

    /// The stored key (the contract with the risk model: `report_card_grades.area`).
    pub fn key(self) -> &'static str {
        match self {
            ReportCardArea::Safeguarding => "safeguarding",
            ReportCardArea::Inclusion => "inclusion",
            ReportCardArea::CurriculumAndTeaching => "curriculum_and_teaching",
            ReportCardArea::Achievement => "achievement",
            ReportCardArea::AttendanceAndBehaviour => "attendance_and_behaviour",
            ReportCardArea::PersonalDevelopmentAndWellbeing => "personal_development_and_wellbeing",
            ReportCardArea::EarlyYears => "early_years",
            ReportCardArea::Post16 => "post_16",
            ReportCardArea::LeadershipAndGovernance => "leadership_and_governance",
        }
    }

    pub fn from_key(key: &str) -> Option<ReportCardArea> {
        ReportCardArea::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportCardArea::Safeguarding => "safeguarding",
            ReportCardArea::Inclusion => "inclusion",
            ReportCardArea::CurriculumAndTeaching => "curriculum and teaching",
            ReportCardArea::Achievement => "achievement",
            ReportCardArea::AttendanceAndBehaviour => "attendance and behaviour",
            ReportCardArea::PersonalDevelopmentAndWellbeing => "personal development and well-being",
            ReportCardArea::EarlyYears => "early years",
            ReportCardArea::Post16 => "post-16 provision",
            ReportCardArea::LeadershipAndGovernance => "leadership and governance",
        }
    }
}

/// A report-card grade: five points for an evaluation area, met / not met for safeguarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCardGrade {
    Exceptional,
    Strong,
    Expected,
    NeedsAttention,
    UrgentImprovement,
    Met,
    NotMet,
}

impl ReportCardGrade {
    pub const ALL: [ReportCardGrade; 7] = [
        ReportCardGrade::Exceptional,
        ReportCardGrade::Strong,
        ReportCardGrade::Expected,
        ReportCardGrade::NeedsAttention,
        ReportCardGrade::UrgentImprovement,
        ReportCardGrade::Met,
        ReportCardGrade::NotMet,
    ];

    /// The stored word (the contract with the risk model: `report_card_grades.grade`).
    pub fn label(self) -> &'static str {
        match self {
            ReportCardGrade::Exceptional => "Exceptional",
            ReportCardGrade::Strong => "Strong",
            ReportCardGrade::Expected => "Expected",
            ReportCardGrade::NeedsAttention => "Needs attention",
            ReportCardGrade::UrgentImprovement => "Urgent improvement",
            ReportCardGrade::Met => "Met",
            ReportCardGrade::NotMet => "Not met",
        }
    }

    pub fn from_label(label: &str) -> Option<ReportCardGrade> {
        ReportCardGrade::ALL.into_iter().find(|g| g.label() == label)
    }

    /// Ofsted's words as published (`Strong standard`, `Needs attention`, `Met`, …); `Ok(None)`
    /// for a blank, `9` or `n/a` (an area not graded).
    pub fn parse(cell: &str) -> Result<Option<ReportCardGrade>, crate::ParseError> {
        let word = cell.trim().to_ascii_lowercase();
        let word = word.strip_suffix(" standard").unwrap_or(&word);
        if crate::parse::is_blank(word) || word == "9" || word == "not graded" {
            return Ok(None);
        }
        ReportCardGrade::ALL
            .into_iter()
            .find(|g| g.label().eq_ignore_ascii_case(word))
            .map(Some)
            .ok_or_else(|| crate::ParseError::ReportCardGrade(cell.trim().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_three_is_satisfactory_before_september_2012() {
        let before = NaiveDate::from_ymd_opt(2012, 8, 31).unwrap();
        let after = NaiveDate::from_ymd_opt(2012, 9, 1).unwrap();
        assert_eq!(Judgement::RequiresImprovement.label_at(before), "satisfactory");
        assert_eq!(Judgement::RequiresImprovement.label_at(after), "requires improvement");
        assert_eq!(Judgement::Good.label_at(before), "good");
    }

    #[test]
    fn grades_round_trip_and_rank() {
        for j in Judgement::ALL {
            assert_eq!(Judgement::from_grade(j.grade() as i64), Some(j));
        }
        assert_eq!(Judgement::from_grade(9), None);
        assert!(Judgement::Outstanding < Judgement::Inadequate);
        assert!(Judgement::Good.is_good_or_better());
        assert!(!Judgement::RequiresImprovement.is_good_or_better());
    }
    #[test]
    fn report_card_words_parse_as_published() {
        assert_eq!(ReportCardGrade::parse("Strong standard").unwrap(), Some(ReportCardGrade::Strong));
        assert_eq!(ReportCardGrade::parse("Needs attention").unwrap(), Some(ReportCardGrade::NeedsAttention));
        assert_eq!(ReportCardGrade::parse("Not met").unwrap(), Some(ReportCardGrade::NotMet));
        assert_eq!(ReportCardGrade::parse("9").unwrap(), None);
        assert!(ReportCardGrade::parse("Good").is_err());
        for area in ReportCardArea::ALL {
            assert_eq!(ReportCardArea::from_key(area.key()), Some(area));
        }
    }

    #[test]
    fn sub_judgements_fill_blanks_only() {
        let stored = SubJudgements { quality_of_education: Some(2), early_years: Some(1), ..Default::default() };
        let new = SubJudgements { quality_of_education: Some(3), ..Default::default() };
        let merged = new.or(stored);
        assert_eq!(merged.quality_of_education, Some(3));
        assert_eq!(merged.early_years, Some(1));
        assert_eq!(merged.named(), vec![("quality of education", 3), ("early years", 1)]);
    }
}
