//! The calendar of a trial: hours after the quake mapped to weekdays and business hours.
//!
//! Times inside the engine are hours from the quake. The calendar knows the hour of the week
//! at which the quake happened (Monday 00:00 = 0, JST) and answers when the next business
//! period opens. Business hours follow the LGWAN help desk (001): weekdays 8:30-17:30.
//! Holidays (national holidays, the government's year-end closure) are the dates the
//! scenario lists, when the start is a date.

/// Business day opening, hours after midnight (001: 8:30).
pub const OPEN_HOUR: f64 = 8.5;
/// Business day closing, hours after midnight (001: 17:30).
pub const CLOSE_HOUR: f64 = 17.5;
const WEEK: f64 = 168.0;

/// Hour of the week at which the quake happened: Monday 00:00 is 0, Sunday 23:59 is 167.98.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calendar {
    start_hour_of_week: f64,
    /// Days since 1970-01-01 of the quake's date, when the start is a date.
    epoch_day: Option<i64>,
    /// Holidays as bits: bit k is the k-th day after the quake's date (0 = that date).
    holidays: u128,
}

/// Days after the quake's date that a holiday list can cover.
pub const HOLIDAY_DAYS: i64 = 128;

/// Why a start time was not understood.
#[derive(Debug, Clone, PartialEq)]
pub struct BadStart(pub String);

impl Calendar {
    /// A calendar starting at an hour of the week in [0, 168).
    pub fn at_hour_of_week(h: f64) -> Calendar {
        Calendar {
            start_hour_of_week: h.rem_euclid(WEEK),
            epoch_day: None,
            holidays: 0,
        }
    }

    /// Marks a date `YYYY-MM-DD` as a day without business hours (a national holiday, the
    /// government's year-end closure). Needs a calendar parsed from a date; dates before the
    /// quake or [`HOLIDAY_DAYS`] or more after it change nothing.
    pub fn add_holiday(&mut self, date: &str) -> Result<(), BadStart> {
        let bad = || {
            BadStart(format!(
                "expected a date YYYY-MM-DD (e.g. 2027-01-01), found `{date}`"
            ))
        };
        let Some(start) = self.epoch_day else {
            return Err(BadStart(
                "holidays need a start given as a date: with start = \"sampled\" only the day of the week is known".into(),
            ));
        };
        let d: Vec<&str> = date.split('-').collect();
        if d.len() != 3 || d[0].len() != 4 || d[1].len() != 2 || d[2].len() != 2 {
            return Err(bad());
        }
        let num = |x: &str| x.parse::<i64>().map_err(|_| bad());
        let (y, m, day) = (num(d[0])?, num(d[1])?, num(d[2])?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
            return Err(bad());
        }
        let k = days_from_civil(y, m, day) - start;
        if (0..HOLIDAY_DAYS).contains(&k) {
            self.holidays |= 1u128 << k;
        }
        Ok(())
    }

    /// Whether the day `k` days after the quake's date is a holiday.
    fn is_holiday(&self, k: i64) -> bool {
        (0..HOLIDAY_DAYS).contains(&k) && self.holidays >> k & 1 == 1
    }

    /// Parses `YYYY-MM-DDTHH:MM` (local time, JST).
    pub fn parse(s: &str) -> Result<Calendar, BadStart> {
        let bad = || {
            BadStart(format!(
                "expected a local time YYYY-MM-DDTHH:MM (e.g. 2026-01-16T18:00) or \"sampled\", found `{s}`"
            ))
        };
        let (date, time) = s.split_once('T').ok_or_else(bad)?;
        let d: Vec<&str> = date.split('-').collect();
        let t: Vec<&str> = time.split(':').collect();
        if d.len() != 3 || t.len() != 2 {
            return Err(bad());
        }
        let num = |x: &str| x.parse::<i64>().map_err(|_| bad());
        let (y, m, day, hh, mm) = (num(d[0])?, num(d[1])?, num(d[2])?, num(t[0])?, num(t[1])?);
        if !(1..=12).contains(&m)
            || !(1..=31).contains(&day)
            || !(0..24).contains(&hh)
            || !(0..60).contains(&mm)
        {
            return Err(bad());
        }
        let days = days_from_civil(y, m, day);
        // 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7.
        let weekday = (days + 3).rem_euclid(7) as f64;
        Ok(Calendar {
            epoch_day: Some(days),
            ..Calendar::at_hour_of_week(weekday * 24.0 + hh as f64 + mm as f64 / 60.0)
        })
    }

    /// Hour of the week of `t` hours after the quake.
    pub fn hour_of_week(&self, t: f64) -> f64 {
        (self.start_hour_of_week + t).rem_euclid(WEEK)
    }

    /// Days since the Monday of the quake's week and hour of the day, `t` hours after the
    /// quake. Integer division rather than `rem_euclid`: this runs for every repair of every
    /// trial.
    fn day_and_hour(&self, t: f64) -> (i64, f64) {
        let w = self.start_hour_of_week + t;
        if !(0.0..1e15).contains(&w) {
            let w = self.hour_of_week(t);
            return ((w / 24.0).floor() as i64, w.rem_euclid(24.0));
        }
        let days = (w / 24.0) as i64;
        (days, w - days as f64 * 24.0)
    }

    /// Whether day `days` (counted from the Monday of the quake's week) has business hours:
    /// a weekday that is not a holiday.
    fn business_day(&self, days: i64) -> bool {
        days % 7 < 5
            && (self.holidays == 0
                || !self.is_holiday(days - (self.start_hour_of_week / 24.0) as i64))
    }

    /// Whether `t` falls in business hours (weekday, not a holiday, 8:30-17:30).
    pub fn in_business_hours(&self, t: f64) -> bool {
        let (day, hour) = self.day_and_hour(t);
        self.business_day(day) && (OPEN_HOUR..CLOSE_HOUR).contains(&hour)
    }

    /// The first time at or after `t` that is in business hours.
    pub fn next_business_time(&self, t: f64) -> f64 {
        if self.in_business_hours(t) {
            return t;
        }
        let (mut day, hour) = self.day_and_hour(t);
        let before_opening = self.business_day(day) && hour < OPEN_HOUR;
        let mut wait = if before_opening {
            OPEN_HOUR - hour
        } else {
            24.0 - hour + OPEN_HOUR
        };
        if !before_opening {
            day += 1;
        }
        // Skip Saturdays, Sundays and holidays.
        while !self.business_day(day) {
            wait += 24.0;
            day += 1;
        }
        t + wait
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_from_dates() {
        // 2026-11-22 is a Sunday; 2026-01-16 a Friday.
        assert_eq!(
            Calendar::parse("2026-11-22T00:00")
                .unwrap()
                .hour_of_week(0.0),
            6.0 * 24.0
        );
        assert_eq!(
            Calendar::parse("2026-01-16T18:00")
                .unwrap()
                .hour_of_week(0.0),
            4.0 * 24.0 + 18.0
        );
        assert!(Calendar::parse("2026-13-01T00:00").is_err());
        assert!(Calendar::parse("yesterday").is_err());
    }

    #[test]
    fn friday_evening_waits_until_monday_morning() {
        let c = Calendar::parse("2026-01-16T18:00").unwrap();
        assert!(!c.in_business_hours(0.0));
        // Friday 18:00 -> Monday 08:30 is 62.5 hours.
        assert_eq!(c.next_business_time(0.0), 62.5);
        // Monday 10:00 is in business hours.
        let m = Calendar::parse("2026-01-19T10:00").unwrap();
        assert_eq!(m.next_business_time(0.0), 0.0);
        // Tuesday 06:00 -> 08:30 the same day.
        let t = Calendar::parse("2026-01-20T06:00").unwrap();
        assert_eq!(t.next_business_time(0.0), 2.5);
        // Wednesday 17:30 (closing) -> Thursday 08:30.
        let w = Calendar::parse("2026-01-21T17:30").unwrap();
        assert_eq!(w.next_business_time(0.0), 15.0);
        // Saturday noon -> Monday 08:30.
        let s = Calendar::parse("2026-01-17T12:00").unwrap();
        assert_eq!(s.next_business_time(0.0), 44.5);
    }

    #[test]
    fn holidays_move_the_next_business_day() {
        // Tuesday 2026-12-29 02:00, government closed 12-29 .. 01-03 (Sunday): the next
        // business time is Monday 2027-01-04 08:30, 6 days and 6.5 hours later.
        let mut c = Calendar::parse("2026-12-29T02:00").unwrap();
        let plain = c;
        for d in [
            "2026-12-29",
            "2026-12-30",
            "2026-12-31",
            "2027-01-01",
            "2027-01-02",
            "2027-01-03",
        ] {
            c.add_holiday(d).unwrap();
        }
        assert_eq!(plain.next_business_time(0.0), 6.5);
        assert_eq!(c.next_business_time(0.0), 6.0 * 24.0 + 6.5);
        assert!(!c.in_business_hours(24.0 + 8.0));
        assert!(c.in_business_hours(6.0 * 24.0 + 8.0));
        // A holiday on a Monday pushes a Friday-evening fault to Tuesday.
        let mut f = Calendar::parse("2027-01-08T18:00").unwrap();
        f.add_holiday("2027-01-11").unwrap(); // Coming-of-Age Day
        assert_eq!(f.next_business_time(0.0), 62.5 + 24.0);
        // Dates before the quake change nothing; bad dates and sampled starts are refused.
        f.add_holiday("2026-01-12").unwrap();
        assert_eq!(f.next_business_time(0.0), 62.5 + 24.0);
        assert!(f.add_holiday("2027-1-11").is_err());
        assert!(Calendar::at_hour_of_week(10.0)
            .add_holiday("2027-01-11")
            .is_err());
    }
}
