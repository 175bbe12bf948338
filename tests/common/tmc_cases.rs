//! The runner of tests/vectors/tmc.json (format in tests/README.md), a part
//! of tests/shared_cases.rs.

use topwire::tmc::{
    connect_ack, decode_frame, encode_frame, event_to_value, frame_from_value, frame_to_value,
    Event, Style, TmcOptions, TmcSession,
};
use topwire::{Error, Value};

use super::support::{hex, json_eq, need_str, str_of, to_hex, Outcome};
use super::{check_error, int_of, same, unexpected_error};

/// The time every session case connects at.
const CONNECT_AT: i64 = 1_394_864_359_897;

fn frame_of(case: &Value, key: &str) -> Result<topwire::tmc::Frame, String> {
    let v = case.get(key).ok_or(format!("no `{key}`"))?;
    frame_from_value(v, Style::VECTORS).map_err(|e| e.to_string())
}

pub fn run_tmc(case: &Value) -> Outcome {
    let bytes = hex(need_str(case, "bytes")?)?;
    match need_str(case, "op")? {
        "codec" => {
            let want = frame_of(case, "frame")?;
            let got = decode_frame(&bytes).map_err(|e| unexpected_error(&e.into()))?;
            same("decoded frame", &got, &want)?;
            let encoded = encode_frame(&want).map_err(|e| e.to_string())?;
            let expected = str_of(case, "encodes_to").unwrap_or(need_str(case, "bytes")?);
            same("encoded bytes", to_hex(&encoded).as_str(), expected)?;
            // The record form reads back too (what every binding hands over).
            let record = frame_to_value(&got, Style::VECTORS);
            same(
                "record",
                frame_from_value(&record, Style::VECTORS).ok(),
                Some(got),
            )
        }
        "decode_error" => match decode_frame(&bytes) {
            Ok(frame) => Err(format!("expected an error, got {frame:?}")),
            Err(e) => check_error(&e.into(), case.get("error").ok_or("no `error`")?),
        },
        "connect" => {
            let mut session = session_of(case)?;
            let now = int_of(case, "now")?.ok_or("no `now`")?;
            let sent = session.connect(now);
            same(
                "connect bytes",
                to_hex(&sent).as_str(),
                need_str(case, "bytes")?,
            )?;
            same(
                "connect frame",
                decode_frame(&sent).ok(),
                Some(frame_of(case, "frame")?),
            )
        }
        "receive" => run_receive(case, &bytes),
        "confirm" | "fail" => {
            let session = online_session(case)?;
            let id = int_of(case, "id")?.ok_or("no `id`")?;
            let sent = match str_of(case, "reason") {
                Some(reason) => session.fail(id, reason),
                None => session.confirm(id),
            }
            .map_err(|e| e.to_string())?;
            same(
                "frame bytes",
                to_hex(&sent).as_str(),
                need_str(case, "bytes")?,
            )
        }
        other => Err(format!("unknown op {other:?}")),
    }
}

fn session_of(case: &Value) -> Result<TmcSession, String> {
    let s = case.get("session").ok_or("no `session`")?;
    let mut options = TmcOptions::default();
    if let Some(group) = str_of(s, "group_name") {
        options.group_name = group.to_owned();
    }
    if let Some(sdk) = str_of(s, "sdk") {
        options.sdk = sdk.to_owned();
    }
    options.intranet_ip = str_of(s, "intranet_ip").map(str::to_owned);
    TmcSession::new(need_str(s, "app_key")?, need_str(s, "app_secret")?, options)
        .map_err(|e| e.to_string())
}

/// The case's session after `connect`, and after its CONNECTACK when the
/// case says `online` (confirm and fail cases always are).
fn online_session(case: &Value) -> Result<TmcSession, String> {
    let mut session = session_of(case)?;
    let flag = decode_frame(&session.connect(CONNECT_AT))
        .map_err(|e| e.to_string())?
        .flag;
    if !matches!(case.get("online"), Some(Value::Bool(false))) {
        let ack = encode_frame(&connect_ack(flag, need_str(case, "token")?))
            .map_err(|e| e.to_string())?;
        let events = session
            .receive(&ack, CONNECT_AT)
            .map_err(|e| e.to_string())?;
        if !matches!(events.as_slice(), [Event::Connected { .. }]) {
            return Err(format!("the CONNECTACK gave {events:?}"));
        }
    }
    Ok(session)
}

fn run_receive(case: &Value, bytes: &[u8]) -> Outcome {
    let mut session = online_session(case)?;
    match (session.receive(bytes, CONNECT_AT + 1), case.get("error")) {
        (Err(e), Some(want)) => check_error(&Error::Decode(e), want),
        (Err(e), None) => Err(unexpected_error(&Error::Decode(e))),
        (Ok(events), Some(_)) => Err(format!("expected an error, got {events:?}")),
        (Ok(events), None) => {
            let got = Value::List(
                events
                    .iter()
                    .map(|e| event_to_value(e, Style::PYTHON))
                    .collect(),
            );
            let want = case.get("events").ok_or("no `events`")?;
            if !json_eq(&got, want) {
                return Err(format!(
                    "events:\n      got  {}\n      want {}",
                    got.to_json(),
                    want.to_json()
                ));
            }
            match (case.get("data"), events.first()) {
                (Some(data), Some(Event::Message(m))) => {
                    let got = m.data().map_err(|e| e.to_string())?;
                    if json_eq(&got, data) {
                        Ok(())
                    } else {
                        Err(format!(
                            "data: got {}, want {}",
                            got.to_json(),
                            data.to_json()
                        ))
                    }
                }
                (Some(_), _) => Err("`data` given but no message came".to_owned()),
                (None, _) => Ok(()),
            }
        }
    }
}
