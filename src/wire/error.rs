//! The one error hierarchy every language sees.
//!
//! The bindings map each variant onto a host class (`ValidationError`,
//! `ApiError`, `DecodeError`, `SignatureError`, all subclasses of `TopError`),
//! so the messages written here are the messages users read in every language.
//! None of them ever contains the app secret: the secret is only handed to the
//! digest functions and never formatted.

use std::fmt;

/// Anything that can go wrong in topwire.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The caller's input is wrong (a parameter, an option, a client setting).
    Validation(ValidationError),
    /// The gateway answered with `error_response` (boxed: it is the largest variant).
    Api(Box<ApiError>),
    /// The body is not a TOP response for the method that was called.
    Decode(DecodeError),
    /// An inbound (SPI) call failed a signature or timestamp check.
    Signature(SignatureError),
}

impl Error {
    /// The host-language class name of this error (`ValidationError`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) => "ValidationError",
            Error::Api(_) => "ApiError",
            Error::Decode(_) => "DecodeError",
            Error::Signature(_) => "SignatureError",
        }
    }
}

impl Error {
    /// The error's attributes under the names every binding gives them
    /// (`field`, `code`, `reason`, ...), absent optional ones as null: what a
    /// binding sets on its host exception, besides the message.
    pub fn attributes(&self) -> Vec<(&'static str, crate::wire::value::Value)> {
        use crate::wire::value::Value;
        let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::from);
        match self {
            Error::Validation(e) => vec![
                ("field", e.field.as_str().into()),
                ("expected", e.expected.as_str().into()),
                ("got", e.got.as_str().into()),
            ],
            Error::Api(e) => vec![
                ("code", e.code.into()),
                ("msg", e.msg.as_str().into()),
                ("sub_code", opt(&e.sub_code)),
                ("sub_msg", opt(&e.sub_msg)),
                ("request_id", opt(&e.request_id)),
                ("retryable", e.retryable.into()),
                (
                    "retry_after",
                    e.retry_after.map_or(Value::Null, Value::from),
                ),
                ("is_session_error", e.is_session_error().into()),
            ],
            Error::Decode(_) => Vec::new(),
            Error::Signature(e) => vec![("reason", e.reason.as_str().into())],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Signature(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}
impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}
impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}
impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Self {
        Error::Signature(e)
    }
}

/// The caller's input is wrong: names the field path, what was expected and what came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending value, e.g. `isv_ma_list[3].num`, `session`, `sign_method`.
    pub field: String,
    /// What would have been accepted, e.g. `an integer`.
    pub expected: String,
    /// A short description of what came instead (never a secret).
    pub got: String,
}

impl ValidationError {
    /// Builds a validation error.
    pub fn new(
        field: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Self {
        ValidationError {
            field: field.into(),
            expected: expected.into(),
            got: got.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A field is a caller's parameter name: control characters in it
        // (CR/LF) are escaped as in a quoted value, so a message stays one
        // line in a log. `field` itself keeps the name as given.
        for c in self.field.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_debug())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        write!(f, ": expected {}, got {}", self.expected, self.got)
    }
}

impl std::error::Error for ValidationError {}

/// The gateway's `error_response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Gateway error code (e.g. 25 invalid signature, 50 remote service error).
    pub code: i64,
    /// Gateway message.
    pub msg: String,
    /// Business error code, e.g. `isv.invalid-parameter`.
    pub sub_code: Option<String>,
    /// Business error message.
    pub sub_msg: Option<String>,
    /// The gateway's request id, for support tickets.
    pub request_id: Option<String>,
    /// Whether the same call may succeed if sent again (platform-side failures:
    /// `isp.*` sub codes, code 7 app call limited, code 10 service unavailable).
    pub retryable: bool,
    /// Seconds to wait before retrying, when the gateway names a ban
    /// (`This ban will last for N more seconds`).
    pub retry_after: Option<u64>,
}

/// Codes the platform documents for a session problem: 26 missing session,
/// 27 invalid session (expired, revoked or another app's).
pub const SESSION_ERROR_CODES: [i64; 2] = [26, 27];

impl ApiError {
    /// Whether the seller's session is the problem (code 26 or 27, whatever
    /// the sub code): the seller must authorise the app again, and sending
    /// the same call again cannot help.
    pub fn is_session_error(&self) -> bool {
        SESSION_ERROR_CODES.contains(&self.code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TOP error {}: {}", self.code, self.msg)?;
        if let Some(sub) = &self.sub_code {
            write!(f, " ({sub}")?;
            if let Some(sub_msg) = &self.sub_msg {
                write!(f, ": {sub_msg}")?;
            }
            write!(f, ")")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request_id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The body is not a TOP response for the method that was called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What was wrong and what was seen.
    pub message: String,
}

impl DecodeError {
    /// Builds a decode error.
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Which check of an inbound (SPI) call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureFailure {
    /// The query string has no `sign` parameter.
    MissingSign,
    /// The `sign` does not match the one computed with the secret.
    Mismatch,
    /// The query string has no `timestamp` parameter.
    MissingTimestamp,
    /// The `timestamp` is further from now than the allowed skew.
    StaleTimestamp,
}

impl SignatureFailure {
    /// A stable machine-readable name: `missing_sign`, `mismatch`,
    /// `missing_timestamp`, `stale_timestamp`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureFailure::MissingSign => "missing_sign",
            SignatureFailure::Mismatch => "mismatch",
            SignatureFailure::MissingTimestamp => "missing_timestamp",
            SignatureFailure::StaleTimestamp => "stale_timestamp",
        }
    }
}

/// An inbound call failed its signature check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError {
    /// Which check failed.
    pub reason: SignatureFailure,
    /// A readable explanation (never contains the secret or the expected sign).
    pub message: String,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignatureError {}
