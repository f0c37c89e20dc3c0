//! Categories of concern (casework's universal, monitor, core group, intensive) from a
//! school's probability of going below good, with thresholds an LA can set.

use schoolsight_domain::casework::ConcernCategory;
use serde::{Deserialize, Serialize};

/// The lowest probability for each category above universal. Defaults put about one school in
/// three of those inspected in a year at monitor or above (the back-tests' below-good rate is
/// 0.25–0.40), and intensive where the model expects a below-good outcome more often than not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CategoryThresholds {
    pub monitor: f64,
    pub core_group: f64,
    pub intensive: f64,
}

impl Default for CategoryThresholds {
    fn default() -> Self {
        CategoryThresholds {
            monitor: 0.30,
            core_group: 0.45,
            intensive: 0.60,
        }
    }
}

/// A category setting that cannot be used, naming where it came from.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{name}: '{value}' must be three probabilities from 0 to 1 in rising order (monitor, core group, intensive), e.g. 0.30,0.45,0.60")]
pub struct InvalidThresholds {
    pub name: &'static str,
    pub value: String,
}

impl CategoryThresholds {
    /// The environment variable that sets the thresholds: "monitor,core group,intensive".
    pub const ENV: &'static str = "SCHOOLSIGHT_RISK_THRESHOLDS";

    /// Thresholds given as text ("0.30,0.45,0.60"), checked.
    pub fn parse(name: &'static str, value: &str) -> Result<CategoryThresholds, InvalidThresholds> {
        let invalid = || InvalidThresholds { name, value: value.to_string() };
        let numbers: Vec<f64> = value
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| invalid())?;
        let [monitor, core_group, intensive] = numbers[..] else {
            return Err(invalid());
        };
        let rising = (0.0..=1.0).contains(&monitor) && monitor <= core_group && core_group <= intensive && intensive <= 1.0;
        rising
            .then_some(CategoryThresholds { monitor, core_group, intensive })
            .ok_or_else(invalid)
    }

    /// The defaults, or `SCHOOLSIGHT_RISK_THRESHOLDS` when it is set.
    pub fn from_env() -> Result<CategoryThresholds, InvalidThresholds> {
        match std::env::var(Self::ENV) {
            Ok(value) => Self::parse(Self::ENV, &value),
            Err(_) => Ok(CategoryThresholds::default()),
        }
    }

    pub fn category(&self, probability: f64) -> ConcernCategory {
        if probability >= self.intensive {
            ConcernCategory::Intensive
        } else if probability >= self.core_group {
            ConcernCategory::CoreGroup
        } else if probability >= self.monitor {
            ConcernCategory::Monitor
        } else {
            ConcernCategory::Universal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_lower_bounds() {
        let t = CategoryThresholds::default();
        assert_eq!(t.category(0.0), ConcernCategory::Universal);
        assert_eq!(t.category(0.2999), ConcernCategory::Universal);
        assert_eq!(t.category(0.30), ConcernCategory::Monitor);
        assert_eq!(t.category(0.45), ConcernCategory::CoreGroup);
        assert_eq!(t.category(0.60), ConcernCategory::Intensive);
        assert_eq!(t.category(1.0), ConcernCategory::Intensive);
        let strict = CategoryThresholds {
            monitor: 0.5,
            core_group: 0.7,
            intensive: 0.9,
        };
        assert_eq!(strict.category(0.6), ConcernCategory::Monitor);
    }

    #[test]
    fn thresholds_from_configuration_are_checked() {
        let name = CategoryThresholds::ENV;
        assert_eq!(
            CategoryThresholds::parse(name, " 0.2, 0.4 ,0.7"),
            Ok(CategoryThresholds { monitor: 0.2, core_group: 0.4, intensive: 0.7 })
        );
        for bad in ["0.5,0.4,0.7", "0.2,0.4", "0.2,0.4,1.5", "a,b,c", "-0.1,0.4,0.7"] {
            let err = CategoryThresholds::parse(name, bad).unwrap_err().to_string();
            assert!(err.starts_with("SCHOOLSIGHT_RISK_THRESHOLDS: '"), "{err}");
            assert!(err.contains(bad), "{err}");
        }
    }
}
