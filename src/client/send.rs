//! The retry policy of the optional senders (JS `client.call`, Python
//! `topwire.call` / `acall`). The core still does no I/O: a sender asks it
//! how long to wait before sending a failed call again, or whether to stop,
//! so every language retries the same calls the same way.
//!
//! Only what the platform marks retryable is retried ([`ApiError::retryable`]:
//! `isp.*`, code 7, code 10); a transport failure (timeout, reset) is not,
//! since TOP may have acted on the call (a code redeemed twice is worse than
//! an error). The core draws no random numbers, so the backoff has no jitter.

use crate::wire::error::{ApiError, ValidationError};

/// A sender's default time limit for one HTTP exchange, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// How many times a sender sends a call again by default.
pub const DEFAULT_RETRIES: u32 = 2;
/// The most retries a caller may ask for.
pub const MAX_RETRIES: u32 = 10;
/// The first backoff wait; each further one doubles, up to [`BACKOFF_CAP_MS`].
pub const BACKOFF_BASE_MS: u64 = 500;
/// The longest backoff wait.
pub const BACKOFF_CAP_MS: u64 = 8_000;
/// The longest ban a sender waits out; a longer one (`This ban will last
/// for 3600 more seconds`) is the caller's to schedule, so the error is raised.
pub const MAX_BAN_WAIT_MS: u64 = 60_000;

/// The number of retries a caller asked for, checked: a whole number from 0
/// to [`MAX_RETRIES`] (a float, as JavaScript numbers are).
pub fn check_retries(retries: f64) -> Result<u32, ValidationError> {
    let whole = retries.is_finite() && retries.fract() == 0.0;
    if whole && (0.0..=f64::from(MAX_RETRIES)).contains(&retries) {
        // In range and whole: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(retries as u32);
    }
    // Whole numbers are shown as integers: formatting a float would link
    // float printing into the browser build (about 10 KB gzipped).
    #[allow(clippy::cast_possible_truncation)]
    let got = if whole && retries.abs() < 9.0e15 {
        format!("the number {}", retries as i64)
    } else {
        "a number that is not whole".to_owned()
    };
    Err(ValidationError::new(
        "retries",
        format!("a whole number from 0 to {MAX_RETRIES}"),
        got,
    ))
}

/// How long to wait before retry number `attempt` (1 for the first retry)
/// of a call that failed with `err`, when `retries` are allowed; `None`:
/// raise the error. See [`retry_wait_ms`].
pub fn retry_delay_ms(err: &ApiError, attempt: u32, retries: u32) -> Option<u64> {
    retry_wait_ms(err.retryable, err.retry_after, attempt, retries)
}

/// [`retry_delay_ms`] from the error's `retryable` and `retry_after`: the
/// ban's own length when the gateway names one (at most
/// [`MAX_BAN_WAIT_MS`]), else [`BACKOFF_BASE_MS`] doubled per retry, capped
/// at [`BACKOFF_CAP_MS`].
pub fn retry_wait_ms(
    retryable: bool,
    retry_after_s: Option<u64>,
    attempt: u32,
    retries: u32,
) -> Option<u64> {
    if !retryable || attempt == 0 || attempt > retries {
        return None;
    }
    match retry_after_s {
        Some(seconds) => Some(seconds.saturating_mul(1000)).filter(|ms| *ms <= MAX_BAN_WAIT_MS),
        None => {
            let doubled = BACKOFF_BASE_MS.saturating_mul(1 << (attempt - 1).min(20));
            Some(doubled.min(BACKOFF_CAP_MS))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(
        code: i64,
        sub_code: Option<&str>,
        retryable: bool,
        retry_after: Option<u64>,
    ) -> ApiError {
        ApiError {
            code,
            msg: String::new(),
            sub_code: sub_code.map(str::to_owned),
            sub_msg: None,
            request_id: None,
            retryable,
            retry_after,
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_and_stops_after_the_retries() {
        let e = api(15, Some("isp.remote-service-timeout"), true, None);
        let waits: Vec<_> = (1..=7).map(|a| retry_delay_ms(&e, a, 6)).collect();
        assert_eq!(
            waits,
            [
                Some(500),
                Some(1000),
                Some(2000),
                Some(4000),
                Some(8000),
                Some(8000),
                None
            ]
        );
        assert_eq!(retry_delay_ms(&e, 0, 6), None);
        assert_eq!(retry_delay_ms(&e, u32::MAX, u32::MAX), Some(BACKOFF_CAP_MS));
    }

    #[test]
    fn a_ban_is_waited_out_when_short() {
        assert_eq!(
            retry_delay_ms(&api(7, None, true, Some(23)), 1, 2),
            Some(23_000)
        );
        assert_eq!(
            retry_delay_ms(&api(7, None, true, Some(60)), 2, 2),
            Some(60_000)
        );
        assert_eq!(retry_delay_ms(&api(7, None, true, Some(61)), 1, 2), None);
        assert_eq!(
            retry_delay_ms(&api(7, None, true, Some(u64::MAX)), 1, 2),
            None
        );
    }

    #[test]
    fn the_callers_faults_are_never_retried() {
        assert_eq!(retry_delay_ms(&api(25, None, false, None), 1, 2), None);
        assert_eq!(
            retry_delay_ms(&api(41, Some("isv.invalid-parameter"), false, None), 1, 2),
            None
        );
    }

    #[test]
    fn retries_are_bounded() {
        assert_eq!(check_retries(0.0), Ok(0));
        assert_eq!(check_retries(10.0), Ok(10));
        let refused = |r: f64| check_retries(r).map_err(|e| e.to_string());
        assert_eq!(
            refused(11.0),
            Err("retries: expected a whole number from 0 to 10, got the number 11".to_owned())
        );
        assert!(refused(-1.0).is_err() && refused(1.5).is_err() && refused(f64::NAN).is_err());
    }
}
