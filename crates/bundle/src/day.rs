use std::fmt::Write;

/// A calendar day, written the ways the published files write days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// A real calendar day, or `None` (31 February, month 13...).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)).then_some(Day {
            year,
            month,
            day,
        })
    }

    /// `dd/mm/yyyy`, as Ofsted's management information writes dates.
    pub fn dd_mm_yyyy_slash(self) -> String {
        self.with_separator('/')
    }

    /// `dd-mm-yyyy`, as GIAS writes dates.
    pub fn dd_mm_yyyy_dash(self) -> String {
        self.with_separator('-')
    }

    fn with_separator(self, sep: char) -> String {
        let mut text = String::with_capacity(10);
        // Writing to a String cannot fail.
        let _ = write!(text, "{:02}{sep}{:02}{sep}{:04}", self.day, self.month, self.year);
        text
    }

    /// Reads `dd-mm-yyyy` (GIAS) or `yyyymmdd` (the performance-table extracts).
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.trim();
        let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten();
        let (year, month, day) = match text.split('-').collect::<Vec<_>>()[..] {
            [d, m, y] if d.len() == 2 && m.len() == 2 && y.len() == 4 => (y, m, d),
            [compact] if compact.len() == 8 => (&compact[..4], &compact[4..6], &compact[6..]),
            _ => return None,
        };
        Day::new(number(year)? as i32, number(month)?, number(day)?)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_published_forms() {
        let d = Day::new(2019, 1, 7).unwrap();
        assert_eq!(d.dd_mm_yyyy_slash(), "07/01/2019");
        assert_eq!(d.dd_mm_yyyy_dash(), "07-01-2019");
        assert_eq!(Day::parse("07-01-2019"), Some(d));
        assert_eq!(Day::parse("20190107"), Some(d));
        assert_eq!(Day::parse("29-02-2020"), Day::new(2020, 2, 29));
        assert_eq!(Day::parse("29-02-2019"), None);
        assert_eq!(Day::parse("2019-01-07"), None);
        assert_eq!(Day::parse("+2019107"), None);
        assert_eq!(Day::parse(""), None);
        assert!(Day::new(2019, 6, 1) > Day::new(2019, 5, 31));
    }
}
