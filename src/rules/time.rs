//! TOP timestamps: `yyyy-MM-dd HH:mm:ss` in GMT+8, whatever the host's zone.
//!
//! China has had no daylight saving time since 1991 and TOP only speaks
//! GMT+8, so a fixed offset and the proleptic Gregorian calendar are exact;
//! no time-zone database and no clock read are needed.

use crate::wire::error::ValidationError;

const OFFSET_SECS: i64 = 8 * 3600;
const SECS_PER_DAY: i64 = 86_400;
const MIN_YEAR: i64 = 1;
const MAX_YEAR: i64 = 9999;

/// Formats epoch milliseconds as a TOP timestamp in GMT+8.
///
/// Sub-second parts are dropped (floored). Instants outside years
/// 0001..=9999 in GMT+8 cannot be written in four digits and are an error
/// naming the field `timestamp`.
///
/// ```
/// assert_eq!(topwire::format_timestamp(0).unwrap(), "1970-01-01 08:00:00");
/// ```
pub fn format_timestamp(epoch_ms: i64) -> Result<String, ValidationError> {
    timestamp_text(epoch_ms).map(|t| t.as_str().to_owned())
}

/// A TOP timestamp's 19 ASCII bytes, kept on the stack: `prepare` signs and
/// encodes it without a `String` of its own.
#[derive(Clone, Copy)]
pub(crate) struct TimestampText([u8; 19]);

impl TimestampText {
    /// The text (`yyyy-MM-dd HH:mm:ss`).
    pub(crate) fn as_str(&self) -> &str {
        // Digits and separators only: always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// [`format_timestamp`] without the allocation.
pub(crate) fn timestamp_text(epoch_ms: i64) -> Result<TimestampText, ValidationError> {
    let secs = epoch_ms.div_euclid(1000) + OFFSET_SECS;
    let days = secs.div_euclid(SECS_PER_DAY);
    let in_day = secs.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(ValidationError::new(
            "timestamp",
            "epoch milliseconds within years 0001 to 9999",
            format!("{epoch_ms}"),
        ));
    }
    let mut buf = *b"0000-00-00 00:00:00";
    let fields: [(usize, usize, i64); 6] = [
        (0, 4, y),
        (5, 2, m),
        (8, 2, d),
        (11, 2, in_day / 3600),
        (14, 2, in_day / 60 % 60),
        (17, 2, in_day % 60),
    ];
    for (start, width, value) in fields {
        write_digits(&mut buf, start, width, value);
    }
    Ok(TimestampText(buf))
}

/// Parses a TOP timestamp (`yyyy-MM-dd HH:mm:ss`, GMT+8) into epoch milliseconds.
///
/// Strict: exactly that shape, a real calendar date, hours 00-23, minutes and
/// seconds 00-59. The error names `field`.
pub fn parse_timestamp(text: &str, field: &str) -> Result<i64, ValidationError> {
    let bad = || {
        ValidationError::new(
            field,
            "a time as \"yyyy-MM-dd HH:mm:ss\"",
            crate::wire::value::Value::from(text).describe(),
        )
    };
    let b = text.as_bytes();
    if b.len() != 19
        || [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')]
            .iter()
            .any(|&(i, c)| b.get(i) != Some(&c))
    {
        return Err(bad());
    }
    let num = |start: usize, width: usize| -> Option<i64> {
        b.get(start..start + width)?
            .iter()
            .try_fold(0i64, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
    };
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) = (
        num(0, 4),
        num(5, 2),
        num(8, 2),
        num(11, 2),
        num(14, 2),
        num(17, 2),
    ) else {
        return Err(bad());
    };
    if y < MIN_YEAR
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || s > 59
    {
        return Err(bad());
    }
    let secs = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + s - OFFSET_SECS;
    Ok(secs * 1000)
}

fn write_digits(buf: &mut [u8; 19], start: usize, width: usize, mut value: i64) {
    for i in (start..start + width).rev() {
        if let Some(slot) = buf.get_mut(i) {
            // value is within 0..=9999 here, so the digit fits a u8.
            *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
        }
        value /= 10;
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(ms: i64) -> String {
        format_timestamp(ms).unwrap()
    }

    #[test]
    fn known_instants() {
        assert_eq!(fmt(0), "1970-01-01 08:00:00");
        assert_eq!(fmt(-1), "1970-01-01 07:59:59");
        assert_eq!(fmt(-28_800_000), "1970-01-01 00:00:00");
        assert_eq!(fmt(-28_800_001), "1969-12-31 23:59:59");
        // 2013-05-06 13:52:03 GMT+8, the protocol page's example.
        assert_eq!(fmt(1_367_819_523_000), "2013-05-06 13:52:03");
        assert_eq!(fmt(1_367_819_523_999), "2013-05-06 13:52:03");
    }

    #[test]
    fn leap_days_and_year_ends() {
        // 2024-02-29 00:00:00 GMT+8 = 2024-02-28T16:00:00Z
        assert_eq!(fmt(1_709_136_000_000), "2024-02-29 00:00:00");
        assert_eq!(fmt(1_709_222_399_000), "2024-02-29 23:59:59");
        assert_eq!(fmt(1_709_222_400_000), "2024-03-01 00:00:00");
        // 2000 was a leap year, 1900 and 2100 are not.
        assert_eq!(fmt(951_753_600_000), "2000-02-29 00:00:00");
        assert_eq!(fmt(4_107_513_600_000), "2100-03-01 00:00:00");
        // New Year in China is 16:00 UTC on Dec 31.
        assert_eq!(fmt(1_735_660_799_000), "2024-12-31 23:59:59");
        assert_eq!(fmt(1_735_660_800_000), "2025-01-01 00:00:00");
    }

    #[test]
    fn far_dates_and_range() {
        assert_eq!(fmt(253_402_271_999_000), "9999-12-31 23:59:59");
        assert!(format_timestamp(253_402_272_000_000).is_err());
        assert_eq!(fmt(-62_135_625_600_000), "0001-01-01 00:00:00");
        assert!(format_timestamp(-62_135_625_600_001).is_err());
        assert!(format_timestamp(i64::MAX).is_err());
        assert!(format_timestamp(i64::MIN).is_err());
    }

    #[test]
    fn parse_is_the_inverse() {
        for ms in [
            0,
            1_367_819_523_000,
            1_709_136_000_000,
            253_402_271_999_000,
            -62_135_625_600_000,
        ] {
            assert_eq!(parse_timestamp(&fmt(ms), "t"), Ok(ms));
        }
        for bad in [
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01T00:00:00",
            "",
            "2024-1-01 00:00:00",
        ] {
            assert!(parse_timestamp(bad, "t").is_err(), "{bad}");
        }
    }
}
