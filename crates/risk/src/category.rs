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

impl CategoryThresholds {
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
}
