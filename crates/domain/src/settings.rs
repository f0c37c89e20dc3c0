//! Settings the analyses take from configuration rather than from data: the CLI and the web
//! server read them once (environment, flags) and pass them in.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// When a share is known well enough to rank an LA on it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Below this percentage of schools with a known judgement, an LA is not ranked and no
    /// "one of the 10 best/worst" is written.
    pub min_coverage_percent: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds { min_coverage_percent: 80.0 }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum SettingsError {
    #[error("{name}: '{value}' is not a percentage from 0 to 100")]
    NotAPercentage { name: &'static str, value: String },
}

impl Thresholds {
    /// The environment variable that overrides the default coverage threshold.
    pub const MIN_COVERAGE_ENV: &'static str = "SCHOOLSIGHT_MIN_COVERAGE";

    /// A threshold given as text (a flag or the environment), checked to be a percentage.
    pub fn with_min_coverage(name: &'static str, value: &str) -> Result<Thresholds, SettingsError> {
        let invalid = || SettingsError::NotAPercentage { name, value: value.to_string() };
        let percent: f64 = value.trim().trim_end_matches('%').parse().map_err(|_| invalid())?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(invalid());
        }
        Ok(Thresholds { min_coverage_percent: percent })
    }

    /// The defaults, with `SCHOOLSIGHT_MIN_COVERAGE` applied when it is set.
    pub fn from_env() -> Result<Thresholds, SettingsError> {
        match std::env::var(Self::MIN_COVERAGE_ENV) {
            Ok(value) => Self::with_min_coverage(Self::MIN_COVERAGE_ENV, &value),
            Err(_) => Ok(Thresholds::default()),
        }
    }

    /// Whether `known` of `schools` is enough coverage to rank on.
    pub fn enough(&self, known: usize, schools: usize) -> bool {
        schools > 0 && 100.0 * known as f64 >= self.min_coverage_percent * schools as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_threshold_is_a_checked_percentage() {
        assert_eq!(Thresholds::default().min_coverage_percent, 80.0);
        assert_eq!(Thresholds::with_min_coverage("--min-coverage", "65%").unwrap().min_coverage_percent, 65.0);
        assert!(Thresholds::with_min_coverage("--min-coverage", "120").is_err());
        assert_eq!(
            Thresholds::with_min_coverage("x", "lots").unwrap_err().to_string(),
            "x: 'lots' is not a percentage from 0 to 100"
        );
        let t = Thresholds::default();
        assert!(t.enough(8, 10));
        assert!(!t.enough(7, 10));
        assert!(!t.enough(0, 0), "nothing known of no schools is not enough");
    }
}
