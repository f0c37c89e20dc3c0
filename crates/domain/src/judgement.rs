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
}
