//! Calling hours: the local times and weekdays at which a contact may be called.
//!
//! A campaign may restrict dialing to a daily window (`"09:00-20:00"`) on some weekdays
//! (`"mon-fri"`), read in each contact's own time zone (the CSV's `timezone` column) or, for a
//! contact without one, the campaign's. A window whose end is before its start runs overnight
//! (`"22:00-02:00"`), and then belongs to the weekday it starts on. The start is inclusive and the
//! end exclusive. Daylight-saving gaps and overlaps are resolved by the zone's rules: a start that
//! falls in a gap opens at the first instant after it.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A set of weekdays (bit 0 = Monday).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days(u8);

impl Days {
    pub const ALL: Days = Days(0b111_1111);

    /// Parses `"mon-fri"`, `"mon,wed,fri"`, `"sat-sun,wed"`, `"all"` (or `"daily"`); day names
    /// are the first three letters or the full English name, in any case. A range may wrap
    /// (`"fri-mon"`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("expected weekdays such as \"mon-fri\" or \"mon,wed,fri\"".to_owned());
        }
        if ["all", "daily", "every day"].contains(&raw.to_ascii_lowercase().as_str()) {
            return Ok(Self::ALL);
        }
        let mut days = 0u8;
        for part in raw.split(',') {
            let part = part.trim();
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to) = (day_index(from)?, day_index(to)?);
                    let mut d = from;
                    loop {
                        days |= 1 << d;
                        if d == to {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => days |= 1 << day_index(part)?,
            }
        }
        Ok(Self(days))
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// The days' short names, Monday first.
    pub fn names(self) -> Vec<&'static str> {
        (0..7)
            .filter(|d| self.0 & (1 << d) != 0)
            .map(|d| DAY_NAMES[d])
            .collect()
    }
}

impl fmt::Debug for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

fn day_index(raw: &str) -> Result<usize, String> {
    let lower = raw.trim().to_ascii_lowercase();
    let day: Weekday = lower
        .parse()
        .map_err(|_| format!("{:?} is not a weekday (use mon, tue, … sun)", raw.trim()))?;
    Ok(day.num_days_from_monday() as usize)
}

/// A daily calling window on some weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub days: Days,
}

impl CallingHours {
    /// Parses `"HH:MM-HH:MM"` (seconds allowed: `"HH:MM:SS"`) and a weekday set (see
    /// [`Days::parse`]). The window may not be empty.
    pub fn parse(hours: &str, days: &str) -> Result<Self, String> {
        let (start, end) = hours
            .split_once('-')
            .ok_or_else(|| format!("{hours:?} is not a window such as \"09:00-20:00\""))?;
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        if start == end {
            return Err(format!(
                "{hours:?} is an empty window: start and end are the same"
            ));
        }
        Ok(Self {
            start,
            end,
            days: Days::parse(days)?,
        })
    }

    fn overnight(&self) -> bool {
        self.end < self.start
    }

    /// Whether a contact in `tz` may be called at `at`.
    pub fn is_open(&self, at: DateTime<Utc>, tz: Tz) -> bool {
        let local = at.with_timezone(&tz);
        let (time, day) = (local.time(), local.weekday());
        if self.overnight() {
            (time >= self.start && self.days.contains(day))
                || (time < self.end && self.days.contains(day.pred()))
        } else {
            self.start <= time && time < self.end && self.days.contains(day)
        }
    }

    /// The first instant at or after `at` at which a contact in `tz` may be called.
    pub fn next_open(&self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        if self.is_open(at, tz) {
            return at;
        }
        let today = at.with_timezone(&tz).date_naive();
        // The window opens within a week (the day set is never empty); one day more covers a
        // start skipped by a daylight-saving change.
        (0..=8)
            .filter_map(|offset| today.checked_add_signed(Duration::days(offset)))
            .filter(|date| self.days.contains(date.weekday()))
            .filter_map(|date| {
                let local = date.and_time(self.start);
                // A start in a spring-forward gap opens when the gap ends: the first local
                // minute that exists.
                (0..=180).find_map(|minutes| {
                    tz.from_local_datetime(&(local + Duration::minutes(minutes)))
                        .earliest()
                })
            })
            .map(|t| t.with_timezone(&Utc))
            .find(|t| *t > at)
            .unwrap_or(at + Duration::days(7))
    }

    /// The form shown in the API and stored with the campaign.
    pub fn describe(&self, timezone: Tz) -> CallingHoursView {
        CallingHoursView {
            window: format!("{}-{}", show_time(self.start), show_time(self.end)),
            days: self.days.names().into_iter().map(str::to_owned).collect(),
            timezone: timezone.name().to_owned(),
        }
    }
}

/// Calling hours as stored in a campaign's settings and shown by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CallingHoursView {
    /// `"HH:MM-HH:MM"` in the contact's local time.
    pub window: String,
    /// Weekdays, short names (`mon` … `sun`).
    pub days: Vec<String>,
    /// Time zone of contacts whose row has none.
    pub timezone: String,
}

impl CallingHoursView {
    /// Back to the rules (a stored view was valid when it was written).
    pub fn rules(&self) -> Result<(CallingHours, Tz), String> {
        let hours = CallingHours::parse(&self.window, &self.days.join(","))?;
        Ok((hours, parse_timezone(&self.timezone)?))
    }
}

/// A campaign's calling rules: its window, and the time zone of contacts without their own,
/// with the legal floor when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub hours: CallingHours,
    pub timezone: Tz,
    /// The legal floor ([`legal_floor`]), kept whatever `hours` say; `None` when an admin
    /// turned it off. Never stored with the campaign: the runtime adds it when it loads one.
    pub floor: Option<CallingHours>,
}

/// The key under which a campaign's settings hold its calling hours.
pub const SETTINGS_KEY: &str = "callingHours";

/// The key under which a campaign's settings hold its time zone (that of contacts without
/// their own), also when it has no calling hours: the legal floor is read in it.
pub const TIMEZONE_KEY: &str = "timezone";

/// The calling-hours floor of US telephone solicitation rules (47 CFR 64.1200(c)(1)): no call
/// before 08:00 or from 21:00 on, in the called person's local time, any day.
pub fn legal_floor() -> CallingHours {
    CallingHours {
        start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
        days: Days::ALL,
    }
}

impl Schedule {
    /// The schedule stored in a campaign's settings; `None` when it may call at any time (or
    /// the stored value is unreadable, which creation never writes — the runtime reads it
    /// with [`Schedule::read_settings`] and refuses to dial then).
    pub fn from_settings(settings: &serde_json::Value) -> Option<Self> {
        Self::read_settings(settings).ok().flatten()
    }

    /// The schedule stored in a campaign's settings: `Ok(None)` when none is stored (any
    /// time), an error naming the problem when one is stored but does not parse — which must
    /// never be read as "any time".
    pub fn read_settings(settings: &serde_json::Value) -> Result<Option<Self>, String> {
        let Some(stored) = settings.get(SETTINGS_KEY).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let view: CallingHoursView = serde_json::from_value(stored.clone())
            .map_err(|e| format!("the stored calling hours are unreadable: {e}"))?;
        let (hours, timezone) = view
            .rules()
            .map_err(|e| format!("the stored calling hours are invalid: {e}"))?;
        Ok(Some(Self {
            hours,
            timezone,
            floor: None,
        }))
    }

    /// The rules a campaign is dialed by: its own calling hours (if any) within the legal
    /// floor (if on). `None` only when neither restricts anything. `timezone` is the
    /// campaign's, for contacts without their own.
    pub fn effective(
        own: Option<Schedule>,
        floor: Option<CallingHours>,
        timezone: Tz,
    ) -> Option<Schedule> {
        match (own, floor) {
            (Some(own), floor) => Some(Schedule { floor, ..own }),
            (None, Some(floor)) => Some(Schedule {
                hours: floor,
                timezone,
                floor: None,
            }),
            (None, None) => None,
        }
    }

    /// The campaign's time zone as stored in its settings (with its calling hours, or on its
    /// own), when it is readable.
    pub fn timezone_of_settings(settings: &serde_json::Value) -> Option<Tz> {
        settings
            .get(SETTINGS_KEY)
            .and_then(|h| h.get("timezone"))
            .or_else(|| settings.get(TIMEZONE_KEY))
            .and_then(|v| v.as_str())
            .and_then(|z| parse_timezone(z).ok())
    }

    pub fn view(&self) -> CallingHoursView {
        self.hours.describe(self.timezone)
    }

    /// The zone a contact is called in: its own when valid, else the campaign's.
    pub fn zone_of(&self, contact_zone: Option<&str>) -> Tz {
        contact_zone
            .and_then(|z| z.parse::<Tz>().ok())
            .unwrap_or(self.timezone)
    }

    pub fn is_open_for(&self, at: DateTime<Utc>, contact_zone: Option<&str>) -> bool {
        self.is_open_in(at, self.zone_of(contact_zone))
    }

    /// Whether a contact in `tz` may be called at `at`: inside the window and the floor.
    pub fn is_open_in(&self, at: DateTime<Utc>, tz: Tz) -> bool {
        self.hours.is_open(at, tz) && self.floor.is_none_or(|f| f.is_open(at, tz))
    }

    /// The first instant at or after `at` inside both the window and the floor (each step
    /// moves to where one of them opens; they overlap within a week or never).
    pub fn next_open_in(&self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let Some(floor) = self.floor else {
            return self.hours.next_open(at, tz);
        };
        let mut t = at;
        for _ in 0..32 {
            let t1 = self.hours.next_open(t, tz);
            let t2 = floor.next_open(t1, tz);
            if t2 == t1 {
                return t1;
            }
            t = t2;
        }
        // No overlap found (a window entirely outside the floor): look again in a day.
        at + Duration::days(1)
    }

    /// Splits the zones of contacts waiting to be called (`None` = the campaign's) into those
    /// open at `at`, and the earliest instant one of the others opens.
    pub fn split_zones(
        &self,
        at: DateTime<Utc>,
        zones: &[Option<String>],
    ) -> (Vec<Option<String>>, Option<DateTime<Utc>>) {
        let mut open = Vec::new();
        let mut next: Option<DateTime<Utc>> = None;
        for zone in zones {
            let tz = self.zone_of(zone.as_deref());
            if self.is_open_in(at, tz) {
                open.push(zone.clone());
            } else {
                let opens = self.next_open_in(at, tz);
                next = Some(next.map_or(opens, |n| n.min(opens)));
            }
        }
        (open, next)
    }
}

fn parse_time(raw: &str) -> Result<NaiveTime, String> {
    let raw = raw.trim();
    NaiveTime::parse_from_str(raw, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M"))
        .map_err(|_| format!("{raw:?} is not a time of day such as \"09:00\""))
}

fn show_time(t: NaiveTime) -> String {
    if t.format("%S").to_string() == "00" {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// An IANA time zone name (`America/New_York`, `Europe/Paris`, `UTC`).
pub fn parse_timezone(raw: &str) -> Result<Tz, String> {
    raw.trim().parse::<Tz>().map_err(|_| {
        format!(
            "{:?} is not an IANA time zone such as \"America/New_York\"",
            raw.trim()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn tz(name: &str) -> Tz {
        parse_timezone(name).unwrap()
    }

    #[test]
    fn days_parse_names_ranges_and_wrapping_ranges() {
        assert_eq!(Days::parse("mon-fri").unwrap().names(), DAY_NAMES[..5]);
        assert_eq!(
            Days::parse("Sat, monday ,WED").unwrap().names(),
            ["mon", "wed", "sat"]
        );
        assert_eq!(
            Days::parse("fri-mon").unwrap().names(),
            ["mon", "fri", "sat", "sun"]
        );
        assert_eq!(Days::parse("daily").unwrap(), Days::ALL);
        assert_eq!(Days::parse("mon-sun").unwrap(), Days::ALL);
        for bad in ["", "mon-", "funday", "mon;tue", "1-5"] {
            assert!(Days::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hours_parse_and_reject_clearly() {
        let h = CallingHours::parse("09:00-20:30", "mon-fri").unwrap();
        assert_eq!(h.start, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert_eq!(h.end, NaiveTime::from_hms_opt(20, 30, 0).unwrap());
        assert!(
            CallingHours::parse("08:00:15-08:00:45", "all")
                .unwrap()
                .start
                .to_string()
                .ends_with(":15")
        );
        for (bad, needle) in [
            ("9-5", "time of day"),
            ("09:00", "window"),
            ("25:00-26:00", "time of day"),
            ("10:00-10:00", "empty"),
        ] {
            let err = CallingHours::parse(bad, "all").unwrap_err();
            assert!(err.contains(needle), "{bad:?}: {err}");
        }
        assert!(CallingHours::parse("09:00-17:00", "someday").is_err());
    }

    #[test]
    fn open_is_read_in_the_contacts_zone_with_inclusive_start_and_exclusive_end() {
        let h = CallingHours::parse("09:00-17:00", "mon-fri").unwrap();
        let ny = tz("America/New_York");
        // Wednesday 2026-11-25: New York is UTC-5.
        assert!(!h.is_open(utc("2026-11-25T13:59:59Z"), ny));
        assert!(h.is_open(utc("2026-11-25T14:00:00Z"), ny));
        assert!(h.is_open(utc("2026-11-25T21:59:59Z"), ny));
        assert!(!h.is_open(utc("2026-11-25T22:00:00Z"), ny));
        // The same instant is evening in Paris and morning in Los Angeles.
        let at = utc("2026-11-25T17:30:00Z");
        assert!(!h.is_open(at, tz("Europe/Paris")));
        assert!(h.is_open(at, tz("America/Los_Angeles")));
        // Saturday in New York.
        assert!(!h.is_open(utc("2026-11-28T15:00:00Z"), ny));
    }

    #[test]
    fn overnight_windows_belong_to_the_day_they_start() {
        let h = CallingHours::parse("22:00-02:00", "fri").unwrap();
        let z = tz("UTC");
        assert!(h.is_open(utc("2026-11-27T23:00:00Z"), z)); // Friday night
        assert!(h.is_open(utc("2026-11-28T01:59:00Z"), z)); // early Saturday, Friday's window
        assert!(!h.is_open(utc("2026-11-28T02:00:00Z"), z));
        assert!(!h.is_open(utc("2026-11-28T23:00:00Z"), z)); // Saturday night
        assert!(!h.is_open(utc("2026-11-27T01:00:00Z"), z)); // early Friday: Thursday's window
    }

    #[test]
    fn next_open_skips_closed_days_and_is_now_when_open() {
        let h = CallingHours::parse("09:00-17:00", "mon-fri").unwrap();
        let ny = tz("America/New_York");
        let open = utc("2026-11-25T15:00:00Z");
        assert_eq!(h.next_open(open, ny), open);
        // Friday evening → Monday 09:00 New York time.
        assert_eq!(
            h.next_open(utc("2026-11-27T23:00:00Z"), ny),
            utc("2026-11-30T14:00:00Z")
        );
        // Before opening on a weekday → the same day.
        assert_eq!(
            h.next_open(utc("2026-11-25T06:00:00Z"), ny),
            utc("2026-11-25T14:00:00Z")
        );
    }

    #[test]
    fn next_open_follows_daylight_saving_changes() {
        let ny = tz("America/New_York");
        // 2027-03-14: clocks go from 02:00 to 03:00. A 02:30 start opens at 03:00 local.
        let h = CallingHours::parse("02:30-04:00", "all").unwrap();
        let opens = h.next_open(utc("2027-03-14T05:00:00Z"), ny);
        assert_eq!(opens, utc("2027-03-14T07:00:00Z"));
        assert!(h.is_open(opens, ny));
        assert!(!h.is_open(opens - Duration::seconds(1), ny));
        // Before the change 09:00 is 14:00Z; after it, 13:00Z.
        let h = CallingHours::parse("09:00-17:00", "all").unwrap();
        assert_eq!(
            h.next_open(utc("2027-03-13T23:00:00Z"), ny),
            utc("2027-03-14T13:00:00Z")
        );
    }

    #[test]
    fn the_view_round_trips() {
        let h = CallingHours::parse("08:00-21:00", "mon-sat").unwrap();
        let view = h.describe(tz("Europe/Paris"));
        assert_eq!(view.window, "08:00-21:00");
        assert_eq!(view.days, ["mon", "tue", "wed", "thu", "fri", "sat"]);
        assert_eq!(view.rules().unwrap(), (h, tz("Europe/Paris")));
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            parse_timezone(" Europe/Paris ").unwrap().name(),
            "Europe/Paris"
        );
        assert!(parse_timezone("Eastern").unwrap_err().contains("IANA"));
    }

    /// The clock is injected: 22:00 in New York is outside the floor whatever the campaign's
    /// window says, and the next opening is 08:00 there.
    #[test]
    fn the_legal_floor_holds_whatever_the_window() {
        let ny = tz("America/New_York");
        let all_day = Schedule {
            hours: CallingHours::parse("00:00-23:59", "all").unwrap(),
            timezone: ny,
            floor: Some(legal_floor()),
        };
        // 2026-11-26T03:00Z is 22:00 on the 25th in New York (EST, UTC-5).
        let ten_pm = utc("2026-11-26T03:00:00Z");
        assert!(
            all_day.hours.is_open(ten_pm, ny),
            "the window alone is open"
        );
        assert!(!all_day.is_open_for(ten_pm, None), "the floor closes 22:00");
        assert!(
            !all_day.is_open_for(utc("2026-11-26T12:59:59Z"), None),
            "07:59:59"
        );
        assert!(
            all_day.is_open_for(utc("2026-11-26T13:00:00Z"), None),
            "08:00"
        );
        assert!(
            all_day.is_open_for(utc("2026-11-26T01:59:59Z"), None),
            "20:59:59"
        );
        assert!(
            !all_day.is_open_for(utc("2026-11-26T02:00:00Z"), None),
            "21:00"
        );
        assert_eq!(
            all_day.next_open_in(ten_pm, ny),
            utc("2026-11-26T13:00:00Z")
        );
        // A contact's own zone wins: 22:00 in New York is 19:00 in Los Angeles (open).
        assert!(all_day.is_open_for(ten_pm, Some("America/Los_Angeles")));

        // A window partly outside the floor: 20:00-23:00 leaves 20:00-21:00.
        let late = Schedule {
            hours: CallingHours::parse("20:00-23:00", "mon-fri").unwrap(),
            ..all_day
        };
        // Wednesday 2026-11-25 21:30 New York: closed; next is Thursday 20:00.
        let at = utc("2026-11-26T02:30:00Z");
        assert!(!late.is_open_for(at, None));
        assert_eq!(late.next_open_in(at, ny), utc("2026-11-27T01:00:00Z"));
        // A window entirely outside it never opens; the answer is a later look, not a loop.
        let night = Schedule {
            hours: CallingHours::parse("22:00-06:00", "all").unwrap(),
            ..all_day
        };
        assert!(!night.is_open_for(at, None));
        assert!(night.next_open_in(at, ny) > at);

        // Without calling hours, the floor alone applies, in the campaign's zone.
        let floor_only = Schedule::effective(None, Some(legal_floor()), ny).unwrap();
        assert!(!floor_only.is_open_for(ten_pm, None));
        assert!(floor_only.is_open_for(utc("2026-11-26T15:00:00Z"), None));
        assert_eq!(Schedule::effective(None, None, ny), None);
        // Turned off: the campaign's window alone.
        let off = Schedule::effective(Some(all_day), None, ny).unwrap();
        assert!(off.is_open_for(ten_pm, None));
    }

    #[test]
    fn a_schedule_splits_waiting_zones_into_open_ones_and_the_next_opening() {
        let hours = CallingHours::parse("09:00-17:00", "all").unwrap();
        let schedule = Schedule {
            hours,
            timezone: tz("America/New_York"),
            floor: None,
        };
        let settings = serde_json::json!({ SETTINGS_KEY: schedule.view() });
        assert_eq!(Schedule::from_settings(&settings), Some(schedule));
        assert_eq!(Schedule::from_settings(&serde_json::json!({})), None);

        // 15:00Z: 10:00 in New York (open), 16:00 in Paris (open), 00:00 in Tokyo (closed).
        let at = utc("2026-11-25T15:00:00Z");
        let zones = [
            None,
            Some("Europe/Paris".to_owned()),
            Some("Asia/Tokyo".to_owned()),
            Some("not a zone".to_owned()),
        ];
        let (open, next) = schedule.split_zones(at, &zones);
        assert_eq!(
            open,
            [
                None,
                Some("Europe/Paris".to_owned()),
                Some("not a zone".to_owned())
            ]
        );
        // Tokyo opens at 09:00 local = 00:00Z the next day.
        assert_eq!(next, Some(utc("2026-11-26T00:00:00Z")));
        assert!(schedule.is_open_for(at, Some("Europe/Paris")));
        assert!(!schedule.is_open_for(at, Some("Asia/Tokyo")));
    }
}
