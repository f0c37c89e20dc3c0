//! Reading published outcomes back: a school's or an LA's figures with their comparators, the
//! peers that set the norm of year-to-year change, and the profiles similar schools are
//! matched on.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
pub use schoolsight_domain::outcome_report::LaRank;
use schoolsight_domain::outcome_report::{
    Comparators, Coverage, MeasureReport, Norms, YearFigure, figure_in_year, measure_report, measures_present, norms,
    rank_la,
};
use schoolsight_domain::outcomes::{
    AcademicYear, Comparison, Measure, MeasureValue, PupilGroup, SchoolProfile, Subject, SuppressionCode, Value,
    similar_schools,
};
use schoolsight_domain::as_at::RegisterHistory;
use schoolsight_domain::{Phase, Thresholds, Urn};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A school's outcomes: every measure it has figures for, and the schools most like it.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolOutcomes {
    pub urn: Urn,
    pub name: String,
    pub la_name: String,
    pub phase: Phase,
    pub measures: Vec<MeasureReport>,
    pub similar: Option<SimilarSchools>,
}

/// The schools most like one, on the headline measure of a year: compared only when enough
/// of England's schools of the phase have a figure that year to call the match national.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarSchools {
    pub year: AcademicYear,
    pub measure: Measure,
    /// England's open state-funded schools of the phase with a figure that year, of all of them.
    pub coverage: Coverage,
    /// `None` when not compared: then `not_compared` says why.
    pub comparison: Option<Comparison>,
    pub not_compared: Option<String>,
    /// Names of the target and the similar schools, by URN.
    pub names: HashMap<i64, String>,
}

/// An LA's outcomes against England, and its rank among LAs on each measure's latest year
/// (or the year asked), with what share of its schools each year's figures cover.
#[derive(Debug, Clone, Serialize)]
pub struct LaOutcomes {
    pub la_name: String,
    pub la_code: Option<String>,
    pub measures: Vec<MeasureReport>,
    pub ranks: Vec<LaRank>,
    /// Per measure and year: the LA's schools of the key stage's phase open that summer with a
    /// published school figure (a number or a suppression code), of all of them.
    pub coverage: Vec<SchoolCoverage>,
    /// The year asked about, and each measure's figure for it or why there is none.
    pub year: Option<AcademicYear>,
    pub in_year: Vec<MeasureInYear>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolCoverage {
    pub measure: Measure,
    pub year: AcademicYear,
    pub schools: Coverage,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureInYear {
    pub measure: Measure,
    pub figure: YearFigure,
}

/// The day a year's results describe the schools open: 1 June, when KS2 tests and GCSEs are sat.
fn results_day(year: AcademicYear) -> NaiveDate {
    NaiveDate::from_ymd_opt(year.0 + 1, 6, 1).expect("valid date")
}

/// The schools whose pupils a measure is about: primaries for KS2, secondaries for KS4, every
/// school for absence and the census.
fn takes_measure(measure: Measure, phase: Phase) -> bool {
    let key = measure.key();
    if key.starts_with("ks2") {
        // Infant schools end at year 2: no pupil of theirs sits KS2.
        phase.reporting_group() == Phase::Primary && phase != Phase::Infant
    } else if key.starts_with("ks4") {
        phase.reporting_group() == Phase::Secondary
    } else {
        true
    }
}

fn value_from(row: &AnyRow) -> Result<Option<MeasureValue>, StoreError> {
    let subject: String = row.try_get("subject")?;
    let measure: String = row.try_get("measure")?;
    let group: String = row.try_get("pupil_group")?;
    let value: Option<f64> = row.try_get("value")?;
    let suppressed: Option<String> = row.try_get("suppressed")?;
    let value = match (value, suppressed) {
        (Some(n), _) => Value::Number(n),
        (None, Some(code)) => Value::Suppressed(SuppressionCode::from_code(&code).ok_or(StoreError::Corrupt(code))?),
        (None, None) => return Err(StoreError::Corrupt(format!("{subject} {measure}: neither value nor code"))),
    };
    Ok(Some(MeasureValue {
        subject: Subject::from_key(&subject).ok_or_else(|| StoreError::Corrupt(subject.clone()))?,
        year: AcademicYear(row.try_get::<i64, _>("year")? as i32),
        measure: Measure::from_key(&measure).ok_or(StoreError::Corrupt(measure))?,
        group: PupilGroup::from_key(&group).ok_or(StoreError::Corrupt(group))?,
        value,
    }))
}

const VALUE_COLUMNS: &str = "m.subject, m.year, m.measure, m.pupil_group, m.value, m.suppressed";

/// The groups norms and gaps are computed from.
const NORM_GROUPS: [PupilGroup; 3] = [PupilGroup::All, PupilGroup::Disadvantaged, PupilGroup::NotDisadvantaged];

fn england_for(phase: Phase) -> [Subject; 2] {
    [Subject::England, Subject::EnglandPhase(phase.reporting_group())]
}

impl Store {
    async fn values_where(&self, sql_tail: &str, binds: &[String]) -> Result<Vec<MeasureValue>, StoreError> {
        let sql = format!("SELECT {VALUE_COLUMNS} FROM measures m {sql_tail}");
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b.clone());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(value_from).filter_map(Result::transpose).collect()
    }

    /// Every figure of the given subjects.
    pub async fn measures_of(&self, subjects: &[Subject]) -> Result<Vec<MeasureValue>, StoreError> {
        let mut all = Vec::new();
        for s in subjects {
            all.extend(self.values_where("WHERE m.subject = $1", &[s.key()]).await?);
        }
        Ok(all)
    }

    /// The norms of year-to-year change among an LA's schools, measure by measure, from the
    /// all-pupil, disadvantaged and other figures of every school there: worked out once per LA
    /// and data version (the figures are tens of thousands of rows a county).
    async fn la_school_norms(&self, la_name: &str) -> Result<Arc<HashMap<Measure, Norms>>, StoreError> {
        self.once_per_version(
            |c| c.school_norms.entry(la_name.to_string()).or_default(),
            |_| async {
                let groups: Vec<String> = NORM_GROUPS.iter().map(|g| g.key().to_string()).collect();
                let peers = self
                    .values_where(
                        "JOIN schools s ON m.urn = s.urn \
                         WHERE s.la_name = $1 AND m.pupil_group IN ($2, $3, $4)",
                        &[la_name.to_string(), groups[0].clone(), groups[1].clone(), groups[2].clone()],
                    )
                    .await?;
                Ok(norms_of_every_measure(&peers))
            },
        )
        .await
    }

    /// Every LA's own all-pupil, disadvantaged and other figures (LAs' norms and ranks), read
    /// once per data version.
    async fn every_la_values(&self) -> Result<Arc<Vec<MeasureValue>>, StoreError> {
        self.once_per_version(
            |c| &mut c.la_values,
            |_| async {
                let groups = NORM_GROUPS.map(|g| g.key().to_string());
                self.values_where("WHERE m.subject LIKE 'la:%' AND m.pupil_group IN ($1, $2, $3)", &groups).await
            },
        )
        .await
    }

    /// The DfE code of an LA: the one its register entries carry most often.
    pub async fn la_code(&self, la_name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT la_code, COUNT(*) AS n FROM schools WHERE la_name = $1 AND la_code IS NOT NULL \
             GROUP BY la_code ORDER BY n DESC, la_code LIMIT 1",
        )
        .bind(la_name)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get::<String, _>("la_code")).transpose().map_err(Into::into)
    }

    /// One figure of a subject for one year, or why there is none ("no data for 2013/14: …"):
    /// a question about a year is answered with a number only where a file gives one.
    pub async fn outcome_in_year(&self, subject: &Subject, measure: Measure, group: PupilGroup, year: AcademicYear) -> Result<YearFigure, StoreError> {
        let values = self.measures_of(std::slice::from_ref(subject)).await?;
        Ok(figure_in_year(&values, subject, measure, group, year))
    }

    pub async fn school_outcomes(&self, urn: Urn, thresholds: &Thresholds) -> Result<Option<SchoolOutcomes>, StoreError> {
        let Some(history) = self.school(urn).await? else { return Ok(None) };
        let school = history.school;
        let subject = Subject::School(urn);
        let la = self.la_code(&school.la_name).await?.map(Subject::La);
        let england = england_for(school.phase);
        let mut subjects = vec![subject.clone()];
        subjects.extend(la.clone());
        subjects.extend(england.iter().cloned());
        let values = self.measures_of(&subjects).await?;
        let peer_norms = self.la_school_norms(&school.la_name).await?;
        let comparators = Comparators { la: la.as_ref(), england: &england };
        let measures = measures_present(&subject, &values)
            .into_iter()
            .filter_map(|m| {
                let none = norms(m, &[]);
                measure_report(&subject, m, &values, &comparators, peer_norms.get(&m).unwrap_or(&none))
            })
            .collect();
        let similar = self.similar_to(urn, school.phase, &values, thresholds).await?;
        Ok(Some(SchoolOutcomes {
            urn,
            name: school.name,
            la_name: school.la_name,
            phase: school.phase,
            measures,
            similar,
        }))
    }

    /// The ten schools most like `urn` nationally on its headline measure's latest year; not
    /// compared (and said why) when too few of England's schools of the phase have a figure.
    async fn similar_to(&self, urn: Urn, phase: Phase, own: &[MeasureValue], thresholds: &Thresholds) -> Result<Option<SimilarSchools>, StoreError> {
        let Some(year) = own.iter().filter(|v| v.subject == Subject::School(urn)).map(|v| v.year).max() else {
            return Ok(None);
        };
        let Some(headline) = Measure::headline(phase, year) else { return Ok(None) };
        let share = match phase.reporting_group() {
            Phase::Primary => Measure::Ks2CohortShare,
            _ => Measure::Ks4CohortShare,
        };
        let pool = self.similar_pool(year, headline, share).await?;
        let SimilarPool { profiles, coverage } = pool.as_ref();
        let coverage = *coverage;
        let Some((target, _)) = profiles.get(&urn.0).cloned() else { return Ok(None) };
        let group = phase.reporting_group();
        let mut names: HashMap<i64, String> = HashMap::new();
        names.insert(urn.0, profiles.get(&urn.0).map(|p| p.1.clone()).unwrap_or_default());
        if !thresholds.enough(coverage.with_figure, coverage.of) {
            let not_compared = format!(
                "{} for {year} is held for {} of England's {} {} schools ({:.0}%): not enough to find the schools most like this one nationally (the threshold is {:.0}%)",
                headline.label(),
                coverage.with_figure,
                coverage.of,
                group.label(),
                coverage.percent().unwrap_or(0.0),
                thresholds.min_coverage_percent
            );
            return Ok(Some(SimilarSchools { year, measure: headline, coverage, comparison: None, not_compared: Some(not_compared), names }));
        }
        let candidates: Vec<SchoolProfile> = profiles.values().map(|(p, _)| p.clone()).collect();
        let comparison = similar_schools(&target, &candidates, 10, headline);
        for u in comparison.similar.iter().map(|s| s.urn.0) {
            names.insert(u, profiles.get(&u).map(|p| p.1.clone()).unwrap_or_default());
        }
        Ok(Some(SimilarSchools { year, measure: headline, coverage, comparison: Some(comparison), not_compared: None, names }))
    }

    /// Every school's profile on `headline` in `year` (with its share of disadvantaged and
    /// high-prior-attainment pupils) and how many of the schools open then have a figure: the
    /// pool similar schools are drawn from, read once per (year, measure) and data version.
    async fn similar_pool(&self, year: AcademicYear, headline: Measure, share: Measure) -> Result<Arc<SimilarPool>, StoreError> {
        self.once_per_version(
            |c| c.similar_pools.entry((year.0, headline)).or_default(),
            |history| async move {
                let rows = sqlx::query(
                    "SELECT s.urn, s.name, s.phase, s.pupils, m.measure, m.pupil_group, m.value FROM schools s \
                     JOIN measures m ON m.urn = s.urn \
                     WHERE m.year = $1 AND m.value IS NOT NULL AND \
                       ((m.measure = $2 AND m.pupil_group = 'all') OR (m.measure = $3 AND m.pupil_group IN ('disadvantaged', 'high_prior_attainment')))",
                )
                .bind(i64::from(year.0))
                .bind(headline.key())
                .bind(share.key())
                .fetch_all(&self.pool)
                .await?;
                let mut profiles: HashMap<i64, (SchoolProfile, String)> = HashMap::new();
                for row in &rows {
                    let urn: i64 = row.try_get("urn")?;
                    let phase_key: String = row.try_get("phase")?;
                    let entry = profiles.entry(urn).or_insert_with(|| {
                        let profile = SchoolProfile {
                            urn: Urn(urn),
                            phase: Phase::from_key(&phase_key).unwrap_or(Phase::Other),
                            pupils: row.try_get::<Option<i64>, _>("pupils").ok().flatten().map(|p| p as f64),
                            disadvantaged_percent: None,
                            high_prior_percent: None,
                            headline: None,
                        };
                        (profile, row.try_get("name").unwrap_or_default())
                    });
                    let value: f64 = row.try_get("value")?;
                    let group: String = row.try_get("pupil_group")?;
                    match group.as_str() {
                        "disadvantaged" => entry.0.disadvantaged_percent = Some(value),
                        "high_prior_attainment" => entry.0.high_prior_percent = Some(value),
                        _ => entry.0.headline = Some(value),
                    }
                }
                let open: HashSet<Urn> =
                    history.schools_at(results_day(year)).into_iter().filter(|s| takes_measure(headline, s.phase)).map(|s| s.urn).collect();
                let with_figure = profiles.values().filter(|(p, _)| p.headline.is_some() && open.contains(&p.urn)).count();
                Ok(SimilarPool { profiles, coverage: Coverage { with_figure, of: open.len().max(with_figure) } })
            },
        )
        .await
    }

    /// An LA's outcomes: each measure beside England, its rank among LAs on the measure's
    /// latest year (or `year`), what share of its schools each year's figures cover, and for
    /// `year` each measure's figure or why there is none.
    pub async fn la_outcomes(&self, la: &str, year: Option<AcademicYear>, thresholds: &Thresholds) -> Result<LaOutcomes, StoreError> {
        let la_name = self.resolve_la(la).await?;
        let code = self.la_code(&la_name).await?;
        let Some(code) = code else {
            return Ok(LaOutcomes { la_name, la_code: None, measures: Vec::new(), ranks: Vec::new(), coverage: Vec::new(), year, in_year: Vec::new() });
        };
        let subject = Subject::La(code.clone());
        let england = [Subject::England];
        let values = self.measures_of(&[subject.clone(), Subject::England]).await?;
        let every_la = self.every_la_values().await?;
        let comparators = Comparators { la: None, england: &england };
        let present = measures_present(&subject, &values);
        let measures: Vec<MeasureReport> = present
            .iter()
            .filter_map(|&m| measure_report(&subject, m, &values, &comparators, &norms(m, &every_la)))
            .collect();
        let las = self.la_count().await?;
        let ranks = present.iter().filter_map(|&m| rank_la(&subject, &la_name, m, year, &every_la, las, thresholds)).collect();
        let coverage = self.school_coverage(&la_name, &measures).await?.as_ref().clone();
        let in_year = year
            .map(|y| present.iter().map(|&m| MeasureInYear { measure: m, figure: figure_in_year(&values, &subject, m, PupilGroup::All, y) }).collect())
            .unwrap_or_default();
        Ok(LaOutcomes { la_name, la_code: Some(code), measures, ranks, coverage, year, in_year })
    }

    /// How many local authorities the register knows (by DfE code): what LA figures are
    /// counted against. Counted once per data version.
    async fn la_count(&self) -> Result<usize, StoreError> {
        let count = self
            .once_per_version(
                |c| &mut c.la_count,
                |_| async {
                    let row = sqlx::query("SELECT COUNT(DISTINCT la_code) AS n FROM schools WHERE la_code IS NOT NULL AND from_register = 1")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(row.try_get::<i64, _>("n")? as usize)
                },
            )
            .await?;
        Ok(*count)
    }

    /// For each measure and year of an LA's reports: its schools of the measure's phase open on
    /// that year's results day, and how many of them have a published school figure. Counted
    /// once per LA and data version (the LA's reports are the same until the data changes).
    async fn school_coverage(&self, la_name: &str, measures: &[MeasureReport]) -> Result<Arc<Vec<SchoolCoverage>>, StoreError> {
        self.once_per_version(
            |c| c.coverage.entry(la_name.to_string()).or_default(),
            |history| self.count_school_coverage(history, la_name, measures),
        )
        .await
    }

    async fn count_school_coverage(
        &self,
        history: Arc<RegisterHistory>,
        la_name: &str,
        measures: &[MeasureReport],
    ) -> Result<Vec<SchoolCoverage>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT m.urn, m.measure, m.year FROM measures m JOIN schools s ON m.urn = s.urn WHERE s.la_name = $1")
            .bind(la_name)
            .fetch_all(&self.pool)
            .await?;
        let mut held: HashSet<(i64, String, i64)> = HashSet::new();
        for row in &rows {
            held.insert((row.try_get("urn")?, row.try_get("measure")?, row.try_get("year")?));
        }
        let mut out = Vec::new();
        for report in measures {
            for &year in &report.years {
                let open: Vec<Urn> = history
                    .la_schools_at(la_name, results_day(year))
                    .into_iter()
                    .filter(|(s, _)| takes_measure(report.measure, s.phase))
                    .map(|(s, _)| s.urn)
                    .collect();
                let with_figure = open.iter().filter(|u| held.contains(&(u.0, report.measure.key().to_string(), i64::from(year.0)))).count();
                out.push(SchoolCoverage { measure: report.measure, year, schools: Coverage { with_figure, of: open.len() } });
            }
        }
        Ok(out)
    }
}

/// The norms of every measure the peers have figures for.
fn norms_of_every_measure(peers: &[MeasureValue]) -> HashMap<Measure, Norms> {
    let measures: BTreeSet<Measure> = peers.iter().map(|v| v.measure).collect();
    measures.into_iter().map(|m| (m, norms(m, peers))).collect()
}

/// The schools similar schools are drawn from on one measure and year: each one's profile and
/// name, and how many of the schools open then have a figure.
pub(crate) struct SimilarPool {
    profiles: HashMap<i64, (SchoolProfile, String)>,
    coverage: Coverage,
}
