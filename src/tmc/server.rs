//! The server's half of TMC, for a local message channel in tests: read and
//! check a CONNECT ([`ConnectRequest`]), answer it ([`connect_ack`],
//! [`connect_refused`]), read what a client sends ([`ClientRequest`]) and
//! send messages ([`super::data_frame`]).

use std::fmt;

use subtle::ConstantTimeEq;

use super::frame::{Frame, FrameKind, TmcValue};
use super::message::{frame_kind, kind};
use crate::rules::sign::{sign, SignMethod};
use crate::wire::error::{DecodeError, SignatureError, SignatureFailure};

/// The CONNECT `sign`: the md5 TOP sign over `app_key`, `group_name` and
/// `timestamp` (upper-case hex of MD5(secret + `app_key` + app key +
/// `group_name` + group + `timestamp` + timestamp + secret)).
pub fn connect_sign(app_key: &str, group_name: &str, timestamp: &str, secret: &str) -> String {
    let pairs = [
        ("app_key", app_key),
        ("group_name", group_name),
        ("timestamp", timestamp),
    ];
    // md5 has no key to refuse: sign() fails only for an empty HMAC key.
    sign(&pairs, secret, SignMethod::Md5).unwrap_or_default()
}

/// What a CONNECT frame asks for.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The Flag, to answer with.
    pub flag: Option<i32>,
    /// `app_key`.
    pub app_key: String,
    /// `group_name` (`default` when absent, as the Java server reads it).
    pub group_name: String,
    /// `timestamp`: epoch milliseconds as decimal text.
    pub timestamp: String,
    /// `sign` (empty when absent).
    pub sign: String,
    /// `sdk`, when sent.
    pub sdk: Option<String>,
    /// `intranet_ip`, when sent.
    pub intranet_ip: Option<String>,
}

impl fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("flag", &self.flag)
            .field("app_key", &self.app_key)
            .field("group_name", &self.group_name)
            .field("timestamp", &self.timestamp)
            .field("sdk", &self.sdk)
            .finish_non_exhaustive()
    }
}

impl ConnectRequest {
    /// Reads a CONNECT frame: its string entries `app_key` (required),
    /// `group_name`, `timestamp`, `sign`, `sdk`, `intranet_ip`.
    pub fn from_frame(frame: &Frame) -> Result<ConnectRequest, DecodeError> {
        if frame.kind != FrameKind::Connect {
            return Err(DecodeError::new(format!(
                "TMC CONNECT: expected a connect frame, got {}",
                frame.kind.as_str()
            )));
        }
        let text = |key: &str| -> Result<Option<String>, DecodeError> {
            match frame.get(key) {
                None | Some(TmcValue::Null) => Ok(None),
                Some(TmcValue::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(DecodeError::new(format!(
                    "TMC CONNECT: `{key}` should be a string, is {}",
                    other.format()
                ))),
            }
        };
        let app_key = text("app_key")?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| DecodeError::new("TMC CONNECT: no `app_key`"))?;
        Ok(ConnectRequest {
            flag: frame.flag,
            app_key,
            group_name: text("group_name")?.unwrap_or_else(|| "default".to_owned()),
            timestamp: text("timestamp")?.unwrap_or_default(),
            sign: text("sign")?.unwrap_or_default(),
            sdk: text("sdk")?,
            intranet_ip: text("intranet_ip")?,
        })
    }

    /// `timestamp` as epoch milliseconds, when it is an integer.
    pub fn timestamp_ms(&self) -> Option<i64> {
        self.timestamp.parse().ok()
    }

    /// Checks `sign` against the app's secret (compared in constant time).
    pub fn verify(&self, app_secret: &str) -> Result<(), SignatureError> {
        if self.sign.is_empty() {
            return Err(SignatureError {
                reason: SignatureFailure::MissingSign,
                message: "TMC CONNECT has no sign".to_owned(),
            });
        }
        let expected = connect_sign(&self.app_key, &self.group_name, &self.timestamp, app_secret);
        if bool::from(expected.as_bytes().ct_eq(self.sign.as_bytes())) {
            Ok(())
        } else {
            Err(SignatureError {
                reason: SignatureFailure::Mismatch,
                message: format!(
                    "TMC CONNECT of app {}: the sign does not match (md5 over app_key, group_name, timestamp with the app secret)",
                    self.app_key
                ),
            })
        }
    }
}

/// Reads a CONNECT frame and checks its sign with the app's secret.
pub fn check_connect(
    frame: &Frame,
    app_secret: &str,
) -> Result<ConnectRequest, crate::wire::error::Error> {
    let request = ConnectRequest::from_frame(frame)?;
    request.verify(app_secret)?;
    Ok(request)
}

/// The CONNECTACK accepting a CONNECT of `flag`: that Flag and `token`.
pub fn connect_ack(flag: Option<i32>, token: &str) -> Frame {
    Frame {
        flag,
        token: Some(token.to_owned()),
        ..Frame::new(FrameKind::ConnectAck)
    }
}

/// The CONNECTACK refusing a CONNECT of `flag` with a status (a client sees
/// a StatusCode > 0 or a non-empty StatusPhrase as a refusal).
pub fn connect_refused(flag: Option<i32>, status_code: i32, status_phrase: &str) -> Frame {
    Frame {
        flag,
        status_code: Some(status_code),
        status_phrase: Some(status_phrase.to_owned()),
        ..Frame::new(FrameKind::ConnectAck)
    }
}

/// What a client's SEND frame asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientRequest {
    /// `__kind` 1: send messages.
    Pull,
    /// `__kind` 2: message `id` is handled.
    Confirm {
        /// The message's id.
        id: i64,
    },
    /// `__kind` 20: message `id` failed; deliver it again.
    Failed {
        /// The message's id.
        id: i64,
        /// `msg`: why (empty when absent).
        reason: String,
    },
    /// A SEND with another `__kind` (or none): nothing a TMC server does.
    Other(Option<u8>),
}

impl ClientRequest {
    /// What a client's SEND frame asks for; a confirm or failed frame
    /// without an int64 `id` is a DecodeError.
    pub fn from_frame(frame: &Frame) -> Result<ClientRequest, DecodeError> {
        let id = || match frame.get("id") {
            Some(TmcValue::Int64(id)) => Ok(*id),
            _ => Err(DecodeError::new("TMC confirm/failed frame: no int64 `id`")),
        };
        let k = frame_kind(frame).filter(|_| frame.kind == FrameKind::Send);
        Ok(match k {
            Some(kind::PULL) => ClientRequest::Pull,
            Some(kind::CONFIRM) => ClientRequest::Confirm { id: id()? },
            Some(kind::FAILED) => ClientRequest::Failed {
                id: id()?,
                reason: frame
                    .get("msg")
                    .and_then(TmcValue::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            other => ClientRequest::Other(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer_of_the_protocol_notes() {
        assert_eq!(
            connect_sign("12345678", "default", "1394864359897", "SECRET"),
            "004BF371AEC8A4917B21307A14A34CD4"
        );
    }

    #[test]
    fn a_wrong_sign_is_refused() {
        let mut frame = Frame::new(FrameKind::Connect);
        frame.content = vec![
            ("app_key".into(), TmcValue::String("12345678".into())),
            ("timestamp".into(), TmcValue::String("1394864359897".into())),
            (
                "sign".into(),
                TmcValue::String("004BF371AEC8A4917B21307A14A34CD4".into()),
            ),
        ];
        assert_eq!(
            check_connect(&frame, "SECRET").unwrap().group_name,
            "default"
        );
        let e = check_connect(&frame, "OTHER").unwrap_err();
        assert!(!e.to_string().contains("OTHER"));
        assert!(matches!(
            e,
            crate::wire::error::Error::Signature(SignatureError {
                reason: SignatureFailure::Mismatch,
                ..
            })
        ));
    }
}
