//! Safe wrappers over the exported TMC functions, called as a C host calls
//! them, and the runner of tests/vectors/tmc.json through the C ABI (a part
//! of shared_cases.rs; format in tests/README.md).

use std::ptr;

use topwire::{from_json, Value};
use topwire_c::{
    topwire_tmc_closed, topwire_tmc_confirm, topwire_tmc_connect, topwire_tmc_decode_frame,
    topwire_tmc_encode_frame, topwire_tmc_fail, topwire_tmc_next_deadline, topwire_tmc_poll,
    topwire_tmc_receive, topwire_tmc_session_free, topwire_tmc_session_new,
    topwire_tmc_session_state, TopwireTmcSession,
};

use super::{empty, outcome, take_bytes, take_text, Failure};

/// An owned session handle, freed on drop.
#[derive(Debug)]
pub struct Session(*mut TopwireTmcSession);

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: made by topwire_tmc_session_new, freed once.
        unsafe { topwire_tmc_session_free(self.0) }
    }
}

fn json_of(text: String) -> Value {
    from_json(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub fn decode_frame(bytes: &[u8]) -> Result<Value, Failure> {
    let (mut out, mut error) = (empty(), empty());
    // SAFETY: valid pointers and lengths.
    let status = unsafe {
        topwire_tmc_decode_frame(bytes.as_ptr().cast(), bytes.len(), &mut out, &mut error)
    };
    outcome(status, error)?;
    Ok(json_of(take_text(out)))
}

pub fn encode_frame(frame_json: &str) -> Result<Vec<u8>, Failure> {
    let (mut out, mut error) = (empty(), empty());
    // SAFETY: valid pointers and lengths.
    let status = unsafe {
        topwire_tmc_encode_frame(
            frame_json.as_ptr().cast(),
            frame_json.len(),
            &mut out,
            &mut error,
        )
    };
    outcome(status, error)?;
    Ok(take_bytes(out))
}

impl Session {
    pub fn new(options_json: &str) -> Result<Session, Failure> {
        let mut out: *mut TopwireTmcSession = ptr::null_mut();
        let mut error = empty();
        // SAFETY: valid pointers and lengths.
        let status = unsafe {
            topwire_tmc_session_new(
                options_json.as_ptr().cast(),
                options_json.len(),
                &mut out,
                &mut error,
            )
        };
        outcome(status, error)?;
        assert!(!out.is_null());
        Ok(Session(out))
    }

    pub fn connect(&mut self, now: i64) -> Vec<u8> {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session, used by this call only.
        let status = unsafe { topwire_tmc_connect(self.0, now, &mut out, &mut error) };
        outcome(status, error).unwrap();
        take_bytes(out)
    }

    pub fn receive(&mut self, bytes: &[u8], now: i64) -> Result<Value, Failure> {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session; valid pointers and lengths.
        let status = unsafe {
            topwire_tmc_receive(
                self.0,
                bytes.as_ptr().cast(),
                bytes.len(),
                now,
                &mut out,
                &mut error,
            )
        };
        outcome(status, error)?;
        Ok(json_of(take_text(out)))
    }

    pub fn confirm(&self, id: i64) -> Result<Vec<u8>, Failure> {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session.
        let status = unsafe { topwire_tmc_confirm(self.0, id, &mut out, &mut error) };
        outcome(status, error)?;
        Ok(take_bytes(out))
    }

    pub fn fail(&self, id: i64, reason: &str) -> Result<Vec<u8>, Failure> {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session; valid pointers and lengths.
        let status = unsafe {
            topwire_tmc_fail(
                self.0,
                id,
                reason.as_ptr().cast(),
                reason.len(),
                &mut out,
                &mut error,
            )
        };
        outcome(status, error)?;
        Ok(take_bytes(out))
    }

    pub fn poll(&mut self, now: i64) -> Value {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session, used by this call only.
        let status = unsafe { topwire_tmc_poll(self.0, now, &mut out, &mut error) };
        outcome(status, error).unwrap();
        json_of(take_text(out))
    }

    pub fn next_deadline(&self) -> Option<i64> {
        let (mut at, mut has, mut error) = (0i64, false, empty());
        // SAFETY: a live session; writable outputs.
        let status = unsafe { topwire_tmc_next_deadline(self.0, &mut at, &mut has, &mut error) };
        outcome(status, error).unwrap();
        has.then_some(at)
    }

    pub fn closed(&mut self, now: i64) {
        let mut error = empty();
        // SAFETY: a live session, used by this call only.
        let status = unsafe { topwire_tmc_closed(self.0, now, &mut error) };
        outcome(status, error).unwrap();
    }

    pub fn state(&self) -> Value {
        let (mut out, mut error) = (empty(), empty());
        // SAFETY: a live session.
        let status = unsafe { topwire_tmc_session_state(self.0, &mut out, &mut error) };
        outcome(status, error).unwrap();
        json_of(take_text(out))
    }
}
