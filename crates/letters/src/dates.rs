//! Dates as the letters write them: "7 February 2018", "Monday 10 March 2014", and the ranges
//! of a visit: "9–10 November 2016", "11-28 MARCH 2014", "17 to 23 January 2013",
//! "between 19 and 23 January 2015", "30 September to 2 October 2014".

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

/// The first and last day of a visit or inspection (the same day for a one-day visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?";
const DAY: &str = r"\b(\d{1,2})(?:st|nd|rd|th)?";

/// "9–10 November 2016", "6 March 2017 – 30 March 2017", "19 and 23 January 2015".
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i){DAY}(?:\s+{MONTH}(?:,?\s+(\d{{4}}))?)?\s*(?:-|–|—|─|‒|\bto\b|\band\b|\buntil\b)\s*{DAY}\s+{MONTH},?\s+(\d{{4}})\b"
    ))
    .expect("valid range pattern")
});

/// "7 February 2018".
static SINGLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i){DAY}\s+{MONTH},?\s+(\d{{4}})\b")).expect("valid date pattern"));

/// A line that is a date and nothing else, perhaps after a weekday.
static WHOLE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?{DAY}\s+{MONTH},?\s+(\d{{4}})\.?$"
    ))
    .expect("valid whole-date pattern")
});

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix: String = name.chars().take(3).collect::<String>().to_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A date from day, month-name and year captures, if it exists in the calendar.
fn date_from(day: Option<&str>, month: Option<&str>, year: Option<&str>) -> Option<NaiveDate> {
    let day = day?.parse().ok()?;
    let month = month_number(month?)?;
    let year = year?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn text<'t>(caps: &Captures<'t>, group: usize) -> Option<&'t str> {
    caps.get(group).map(|m| m.as_str())
}

/// The range a RANGE match stands for; the first day borrows the month and year of the last
/// where it doesn't give its own. A "range" running backwards is not one.
fn range_from(caps: &Captures<'_>) -> Option<DateRange> {
    let to = date_from(text(caps, 4), text(caps, 5), text(caps, 6))?;
    let from_month = text(caps, 2).or(text(caps, 5));
    let from_year = text(caps, 3).or(text(caps, 6));
    let from = date_from(text(caps, 1), from_month, from_year)?;
    (from <= to).then_some(DateRange { from, to })
}

/// The first date or date range in `haystack`.
pub(crate) fn first_date_range(haystack: &str) -> Option<DateRange> {
    let range = RANGE
        .captures_iter(haystack)
        .find_map(|caps| range_from(&caps).map(|r| (caps.get(0).map_or(0, |m| m.start()), r)));
    let single = SINGLE.captures_iter(haystack).find_map(|caps| {
        let day = date_from(text(&caps, 1), text(&caps, 2), text(&caps, 3))?;
        Some((caps.get(0).map_or(0, |m| m.start()), DateRange { from: day, to: day }))
    });
    match (range, single) {
        (Some(r), Some(s)) => Some(if r.0 <= s.0 { r.1 } else { s.1 }),
        (r, s) => r.or(s).map(|(_, found)| found),
    }
}

/// The date a line holds if the line is nothing but a date ("7 February 2018").
pub(crate) fn whole_line_date(line: &str) -> Option<NaiveDate> {
    let caps = WHOLE_DATE.captures(line.trim())?;
    date_from(text(&caps, 1), text(&caps, 2), text(&caps, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn range(text: &str) -> Option<(NaiveDate, NaiveDate)> {
        first_date_range(text).map(|r| (r.from, r.to))
    }

    #[test]
    fn reads_single_days_and_ranges() {
        assert_eq!(
            range("visit to your school on 24 January 2018"),
            Some((day(2018, 1, 24), day(2018, 1, 24)))
        );
        assert_eq!(
            range("between 19 and 23 January 2015"),
            Some((day(2015, 1, 19), day(2015, 1, 23)))
        );
        assert_eq!(
            range("in the period 17 to 23 January 2013"),
            Some((day(2013, 1, 17), day(2013, 1, 23)))
        );
        assert_eq!(range("9–10 November 2016"), Some((day(2016, 11, 9), day(2016, 11, 10))));
        assert_eq!(
            range("FOCUSED INSPECTIONS 11-28 MARCH 2014"),
            Some((day(2014, 3, 11), day(2014, 3, 28)))
        );
        assert_eq!(
            range("30 September to 2 October 2014"),
            Some((day(2014, 9, 30), day(2014, 10, 2)))
        );
        assert_eq!(
            range("Inspection date: 6 March 2017 – 30 March 2017"),
            Some((day(2017, 3, 6), day(2017, 3, 30)))
        );
        assert_eq!(
            range("20 June 2017 ─ 13 July 2017"),
            Some((day(2017, 6, 20), day(2017, 7, 13)))
        );
        assert_eq!(
            range("on 17 and 18 May 2023"),
            Some((day(2023, 5, 17), day(2023, 5, 18)))
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        assert_eq!(range("Years 12 and 13"), None);
        assert_eq!(range("31 February 2018"), None);
        assert_eq!(range("the Mayor 2018"), None);
        // Running backwards: not a range, but its last day is still a date.
        assert_eq!(range("28 to 11 March 2014"), Some((day(2014, 3, 11), day(2014, 3, 11))));
    }

    #[test]
    fn whole_line_dates_only() {
        assert_eq!(whole_line_date("7 February 2018"), Some(day(2018, 2, 7)));
        assert_eq!(whole_line_date("  Monday 10 March 2014 "), Some(day(2014, 3, 10)));
        assert_eq!(whole_line_date("9–10 November 2016"), None);
        assert_eq!(whole_line_date("Thank you for our meeting on 16 January 2013"), None);
    }
}
