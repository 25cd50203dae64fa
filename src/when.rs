//! Times and waits as people read them, for error messages: a date in UTC to the second and
//! a wait rounded to what matters ("42m", "1h 5m", "3days 2h").
//!
//! ```
//! use vns::when::{date, wait};
//! assert_eq!(date(1_796_116_636_213), "2026-12-01T09:57:16Z");
//! assert_eq!(wait(42 * 60_000 + 1_234), "42m 1s");
//! assert_eq!(wait(3 * 86_400_000 + 7_300_000), "3days 2h");
//! assert_eq!(wait(400), "under a second");
//! ```

use std::time::{Duration, UNIX_EPOCH};

/// `ms` since the epoch as an RFC 3339 date in UTC, to the second.
pub fn date(ms: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// A duration in its two largest units (seconds are dropped from waits over an hour).
pub fn wait(ms: u64) -> String {
    let secs = ms / 1000;
    if secs == 0 {
        return "under a second".into();
    }
    let rounded = match secs {
        0..3_600 => secs,
        3_600..86_400 => secs - secs % 60,
        _ => secs - secs % 3_600,
    };
    humantime::format_duration(Duration::from_secs(rounded)).to_string()
}
