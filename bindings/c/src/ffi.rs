//! Every raw-pointer operation of the C ABI, each behind a check, so the
//! exported functions stay safe Rust apart from calling these. The caller's
//! side of each contract is stated in the header (`include/topwire.h`).

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use topwire::{Error, ValidationError};

use crate::record::error_record;
use crate::{TopwireBuffer, TopwireStatus};

/// What a null or oversized pointer argument is reported as.
fn bad_pointer(field: &str, got: &str) -> Error {
    ValidationError::new(field, "a pointer and a length", got).into()
}

/// The `len` bytes at `ptr`, borrowed for the call. A null `ptr` is `None`.
///
/// # Safety
/// A non-null `ptr` must point to `len` readable bytes that stay unchanged
/// during the call (the header's rule for every pointer + length pair).
unsafe fn raw_bytes<'a>(
    field: &str,
    ptr: *const u8,
    len: usize,
) -> Result<Option<&'a [u8]>, Error> {
    if ptr.is_null() {
        return Ok(None);
    }
    // `from_raw_parts` needs a length that fits in isize.
    if isize::try_from(len).is_err() {
        return Err(bad_pointer(field, "a length beyond isize::MAX"));
    }
    // SAFETY: non-null, length in range; readability is the caller's contract.
    Ok(Some(unsafe { std::slice::from_raw_parts(ptr, len) }))
}

/// Required bytes: a null pointer is an error unless `len` is 0 (an empty body).
///
/// # Safety
/// As [`raw_bytes`].
pub(crate) unsafe fn bytes<'a>(field: &str, ptr: *const u8, len: usize) -> Result<&'a [u8], Error> {
    // SAFETY: forwarded contract.
    match unsafe { raw_bytes(field, ptr, len) }? {
        Some(b) => Ok(b),
        None if len == 0 => Ok(&[]),
        None => Err(bad_pointer(field, "a null pointer with a non-zero length")),
    }
}

/// The `len` items at `ptr` (NULL with length 0: none).
///
/// # Safety
/// A non-null `ptr` must point to `len` initialised, aligned `T`s that stay
/// unchanged during the call.
pub(crate) unsafe fn array<'a, T>(
    field: &str,
    ptr: *const T,
    len: usize,
) -> Result<&'a [T], Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(bad_pointer(field, "a null pointer with a non-zero length"))
        };
    }
    if len
        .checked_mul(std::mem::size_of::<T>())
        .and_then(|n| isize::try_from(n).ok())
        .is_none()
    {
        return Err(bad_pointer(field, "a length beyond isize::MAX bytes"));
    }
    // SAFETY: non-null, size in range; validity is the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Optional UTF-8 text: `None` for a null pointer with length 0 (an error
/// with any other length).
///
/// # Safety
/// As [`raw_bytes`].
pub(crate) unsafe fn opt_text<'a>(
    field: &str,
    ptr: *const c_char,
    len: usize,
) -> Result<Option<&'a str>, Error> {
    // SAFETY: forwarded contract.
    let Some(b) = (unsafe { raw_bytes(field, ptr.cast::<u8>(), len) })? else {
        // NULL means "none" only with length 0: with a length, the caller
        // meant to pass something and lost it on the way.
        return if len == 0 {
            Ok(None)
        } else {
            Err(bad_pointer(field, "a null pointer with a non-zero length"))
        };
    };
    match std::str::from_utf8(b) {
        Ok(s) => Ok(Some(s)),
        Err(e) => Err(ValidationError::new(
            field,
            "UTF-8 text",
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
        .into()),
    }
}

/// Required UTF-8 text: a null pointer is an error.
///
/// # Safety
/// As [`raw_bytes`].
pub(crate) unsafe fn text<'a>(
    field: &str,
    ptr: *const c_char,
    len: usize,
) -> Result<&'a str, Error> {
    // SAFETY: forwarded contract.
    unsafe { opt_text(field, ptr, len) }?.ok_or_else(|| bad_pointer(field, "a null pointer"))
}

/// Stores `value` where `out` points; an error naming `field` if `out` is null.
///
/// # Safety
/// A non-null `out` must be valid for a write of `T` (its old content is
/// not read or dropped).
pub(crate) unsafe fn put<T>(field: &str, out: *mut T, value: T) -> Result<(), Error> {
    if out.is_null() {
        return Err(ValidationError::new(
            field,
            "a pointer to write the result to",
            "a null pointer",
        )
        .into());
    }
    // SAFETY: non-null; writability is the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Shared access to a handle topwire gave out; an error if null.
///
/// # Safety
/// A non-null `ptr` must be a live handle from this library, not yet freed.
pub(crate) unsafe fn handle<'a, T>(field: &str, ptr: *const T) -> Result<&'a T, Error> {
    // SAFETY: the caller's contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| {
        ValidationError::new(field, "a handle made by topwire", "a null pointer").into()
    })
}

/// Exclusive access to a handle topwire gave out; an error if null.
///
/// # Safety
/// A non-null `ptr` must be a live handle from this library, not yet freed,
/// and used by no other call meanwhile.
pub(crate) unsafe fn handle_mut<'a, T>(field: &str, ptr: *mut T) -> Result<&'a mut T, Error> {
    // SAFETY: the caller's contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| {
        ValidationError::new(field, "a handle made by topwire", "a null pointer").into()
    })
}

/// Hands a value to C as an owned pointer (freed by [`take`]).
pub(crate) fn give<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back a pointer made by [`give`] and drops it; null is a no-op.
///
/// # Safety
/// A non-null `ptr` must come from [`give`] with the same `T` and not have
/// been taken back before.
pub(crate) unsafe fn take<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller's contract: one `give`, one `take`.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

impl TopwireBuffer {
    /// An owned copy of `bytes` for C (freed by `topwire_buffer_free`).
    pub(crate) fn new(bytes: impl Into<Box<[u8]>>) -> TopwireBuffer {
        let boxed: Box<[u8]> = bytes.into();
        let len = boxed.len();
        TopwireBuffer {
            ptr: Box::into_raw(boxed).cast::<u8>(),
            len,
        }
    }

    /// No buffer: what an output holds before a call fills it.
    pub(crate) const EMPTY: TopwireBuffer = TopwireBuffer {
        ptr: std::ptr::null_mut(),
        len: 0,
    };

    /// Frees the bytes and leaves an empty buffer behind.
    ///
    /// # Safety
    /// `ptr` and `len` must be those of a buffer made by [`TopwireBuffer::new`]
    /// and not freed before, or `ptr` null.
    pub(crate) unsafe fn release(&mut self) {
        let TopwireBuffer { ptr, len } = std::mem::replace(self, TopwireBuffer::EMPTY);
        if !ptr.is_null() {
            // SAFETY: the caller's contract: the pointer and length of one
            // `Box<[u8]>` given out by `new`.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
        }
    }
}

/// Runs one exported call: its error, if any, becomes the status and the
/// record written to `error` (when not null); a panic (a bug: the core has
/// none by lint) is caught here and never unwinds into the host.
pub(crate) fn call(
    error: *mut TopwireBuffer,
    body: impl FnOnce() -> Result<(), Error>,
) -> TopwireStatus {
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let (status, record) = match outcome {
        Ok(Ok(())) => (TopwireStatus::Ok, None),
        Ok(Err(e)) => (status_of(&e), Some(error_record(&e))),
        Err(_) => (
            TopwireStatus::InternalError,
            Some(crate::record::internal_record()),
        ),
    };
    if !error.is_null() {
        let buffer = record.map_or(TopwireBuffer::EMPTY, |r| TopwireBuffer::new(r.into_bytes()));
        // SAFETY: `error` is non-null and, by the header's rule, writable.
        unsafe { error.write(buffer) };
    }
    status
}

fn status_of(e: &Error) -> TopwireStatus {
    match e {
        Error::Validation(_) => TopwireStatus::ValidationError,
        Error::Api(_) => TopwireStatus::ApiError,
        Error::Decode(_) => TopwireStatus::DecodeError,
        Error::Signature(_) => TopwireStatus::SignatureError,
    }
}
