//! A school's inspection history as its page shows it: its own visits and its predecessors'
//! (through `school_links`, marked as theirs), with sub-judgements and report-card grades.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use schoolsight_domain::judgement::{ReportCardArea, ReportCardGrade, SubJudgements};
use schoolsight_domain::analysis::timeline_across;
use schoolsight_domain::{Inspection, TimelineEntry, Urn};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::queries::inspection_from;
use crate::{Store, StoreError};

/// How far back a chain of conversions and mergers is followed.
const MAX_GENERATIONS: usize = 6;

/// `$1, $2, …` for a list bound as parameters.
fn parameter_list(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn grade(row: &AnyRow, column: &str) -> Result<Option<u8>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?.and_then(|g| u8::try_from(g).ok()))
}

/// A stored visit with its graded flag, outcome and sub-judgements (report cards are added by
/// the caller, which reads them in bulk).
pub(crate) fn visit_from(row: &AnyRow) -> Result<Inspection, StoreError> {
    let mut visit = inspection_from(row)?;
    let detail = &mut visit.detail;
    detail.graded = row.try_get::<Option<i64>, _>("graded")?.map(|g| g == 1);
    detail.outcome = row.try_get("outcome")?;
    detail.sub_judgements = SubJudgements {
        quality_of_education: grade(row, "quality_of_education")?,
        behaviour_and_attitudes: grade(row, "behaviour_and_attitudes")?,
        personal_development: grade(row, "personal_development")?,
        leadership_and_management: grade(row, "leadership_and_management")?,
        early_years: grade(row, "early_years")?,
        sixth_form: grade(row, "sixth_form")?,
        safeguarding_effective: row.try_get::<Option<String>, _>("safeguarding_effective")?.map(|s| s == "Yes"),
    };
    Ok(visit)
}

impl Store {
    /// `urn` and every URN it succeeded (predecessors, and schools whose successor it is),
    /// followed back through conversions and mergers.
    pub async fn lineage(&self, urn: Urn) -> Result<Vec<Urn>, StoreError> {
        let mut known: BTreeSet<i64> = BTreeSet::from([urn.0]);
        let mut frontier = vec![urn.0];
        for _ in 0..MAX_GENERATIONS {
            if frontier.is_empty() {
                break;
            }
            let list = parameter_list(frontier.len());
            let sql = format!(
                "SELECT linked_urn AS older FROM school_links WHERE link_type LIKE 'Predecessor%' AND urn IN ({list}) \
                 UNION SELECT urn AS older FROM school_links WHERE link_type LIKE 'Successor%' AND linked_urn IN ({list})"
            );
            let mut query = sqlx::query(&sql);
            for u in &frontier {
                query = query.bind(*u);
            }
            let mut next = Vec::new();
            for row in query.fetch_all(&self.pool).await? {
                let older: i64 = row.try_get("older")?;
                if known.insert(older) {
                    next.push(older);
                }
            }
            frontier = next;
        }
        Ok(known.into_iter().map(Urn).collect())
    }

    /// The visits of `urns` with everything stored about them, oldest first.
    pub async fn visits(&self, urns: &[Urn]) -> Result<Vec<Inspection>, StoreError> {
        let list = parameter_list(urns.len());
        let sql = format!(
            "SELECT urn, start_date, end_date, publication_date, number, kind, grade, category, urn_at_time, graded, \
             outcome, quality_of_education, behaviour_and_attitudes, personal_development, leadership_and_management, \
             early_years, sixth_form, safeguarding_effective FROM inspections WHERE urn IN ({list}) ORDER BY start_date"
        );
        let mut query = sqlx::query(&sql);
        for u in urns {
            query = query.bind(u.0);
        }
        let mut visits = query.fetch_all(&self.pool).await?.iter().map(visit_from).collect::<Result<Vec<_>, _>>()?;
        let cards = self.report_cards(urns).await?;
        for visit in &mut visits {
            if let Some(card) = cards.get(&(visit.urn, visit.start_date)) {
                visit.detail.report_card = card.clone();
            }
        }
        Ok(visits)
    }

    async fn report_cards(&self, urns: &[Urn]) -> Result<HashMap<(Urn, NaiveDate), Vec<(ReportCardArea, ReportCardGrade)>>, StoreError> {
        let sql = format!(
            "SELECT urn, start_date, area, grade FROM report_card_grades WHERE urn IN ({}) ORDER BY urn, start_date",
            parameter_list(urns.len())
        );
        let mut query = sqlx::query(&sql);
        for u in urns {
            query = query.bind(u.0);
        }
        let mut cards: HashMap<(Urn, NaiveDate), Vec<(ReportCardArea, ReportCardGrade)>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            let day: String = row.try_get("start_date")?;
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(day.clone()))?;
            let area: String = row.try_get("area")?;
            let grade: String = row.try_get("grade")?;
            let area = ReportCardArea::from_key(&area).ok_or(StoreError::Corrupt(area))?;
            let grade = ReportCardGrade::from_label(&grade).ok_or(StoreError::Corrupt(grade))?;
            cards.entry((Urn(row.try_get("urn")?), day)).or_default().push((area, grade));
        }
        for card in cards.values_mut() {
            card.sort();
        }
        Ok(cards)
    }

    /// A school's timeline: its own visits and its predecessors', newest first.
    pub async fn timeline(&self, urn: Urn) -> Result<Vec<TimelineEntry>, StoreError> {
        let lineage = self.lineage(urn).await?;
        Ok(timeline_across(urn, self.visits(&lineage).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_lists_number_from_one() {
        assert_eq!(parameter_list(3), "$1, $2, $3");
    }
}
