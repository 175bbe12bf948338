package topwire

/*
#include "topwire.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
	"unsafe"
)

// TmcOptions are a TMC session's settings; zero fields take topwire's
// defaults (group "default", pull every 15 s, ping after 45 s without a
// frame, reconnect 10 s after a close, gzip contents up to 16 MiB).
type TmcOptions struct {
	AppKey              string `json:"appKey"`
	AppSecret           string `json:"appSecret"`
	GroupName           string `json:"groupName,omitempty"`
	Sdk                 string `json:"sdk,omitempty"`
	IntranetIP          string `json:"intranetIp,omitempty"`
	PullIntervalMs      int64  `json:"pullIntervalMs,omitempty"`
	PingIntervalMs      int64  `json:"pingIntervalMs,omitempty"`
	ReconnectIntervalMs int64  `json:"reconnectIntervalMs,omitempty"`
	MaxContentBytes     int64  `json:"maxContentBytes,omitempty"`
}

// TmcMessage is a message TOP pushed. ID is exact (usually beyond 2^53);
// Content is the text (inflated if it came gzip-compressed): decode it with
// json.Decoder.UseNumber or into your own types to keep its ids exact.
type TmcMessage struct {
	ID         int64   `json:"id"`
	Topic      string  `json:"topic"`
	Content    string  `json:"content"`
	Compressed bool    `json:"compressed"`
	Published  *int64  `json:"published"` // epoch ms
	OutTime    *int64  `json:"outTime"`   // epoch ms
	Publisher  *string `json:"publisher"`
	Nick       *string `json:"nick"`
	UserID     *int64  `json:"userId"`
	DataID     *int64  `json:"dataId"` // the business id, e.g. a trade id
	// Every other entry of the data frame: [key, format, value] each.
	Extra []json.RawMessage `json:"extra"`
}

// TmcEvent is what Receive makes of a frame: Type "connected" (Token),
// "message" (Message) or "refused" (StatusCode, StatusPhrase).
type TmcEvent struct {
	Type         string      `json:"type"`
	Token        string      `json:"token"`
	Message      *TmcMessage `json:"message"`
	StatusCode   *int32      `json:"statusCode"`
	StatusPhrase *string     `json:"statusPhrase"`
}

// TmcAction is what Poll says is due: Type "send" (send Bytes as one binary
// message), "ping" (send a WebSocket ping) or "reconnect" (open a socket,
// then send Connect's frame).
type TmcAction struct {
	Type  string `json:"type"`
	Bytes []byte `json:"bytes"`
}

// TmcSession is a TMC client session without I/O: you own the WebSocket and
// the clock. Its calls are serialized (a mutex), so goroutines may share it;
// like Client it is a handle: Close on any copy closes it, and calls after
// Close return an *Error of kind ClosedError.
type TmcSession struct{ h *tmcHandle }

// tmcHandle owns one C session; every call holds the lock while C uses it.
type tmcHandle struct {
	mu  sync.Mutex
	ptr *C.TopwireTmcSession
}

func (h *tmcHandle) free() {
	h.mu.Lock()
	defer h.mu.Unlock()
	C.topwire_tmc_session_free(h.ptr)
	h.ptr = nil
}

// use runs f with the live C session, or returns ClosedError.
func (s *TmcSession) use(f func(*C.TopwireTmcSession) error) error {
	if s == nil || s.h == nil {
		return tmcClosed()
	}
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	if s.h.ptr == nil {
		return tmcClosed()
	}
	return f(s.h.ptr)
}

func tmcClosed() error {
	return &Error{Kind: "ClosedError", Message: "the TMC session is closed (or was not made by NewTmcSession)"}
}

// NewTmcSession makes a session; unknown settings are refused by the core.
func NewTmcSession(opts TmcOptions) (*TmcSession, error) {
	text, err := toJSON(opts)
	if err != nil {
		return nil, err
	}
	var ptr *C.TopwireTmcSession
	var record C.TopwireBuffer
	p, n := arg(text)
	if err := check(C.topwire_tmc_session_new(p, n, &ptr, &record), &record); err != nil {
		return nil, err
	}
	h := &tmcHandle{ptr: ptr}
	// A session dropped without Close is freed when the garbage collector finds it.
	runtime.SetFinalizer(h, (*tmcHandle).free)
	return &TmcSession{h: h}, nil
}

// Close frees the session; closing again, or closing a copy, does nothing.
func (s *TmcSession) Close() {
	if s == nil || s.h == nil {
		return
	}
	s.h.free()
}

// bytesCall runs a call that fills one buffer with bytes.
func (s *TmcSession) bytesCall(f func(*C.TopwireTmcSession, *C.TopwireBuffer, *C.TopwireBuffer) C.enum_TopwireStatus) ([]byte, error) {
	var out []byte
	err := s.use(func(ptr *C.TopwireTmcSession) error {
		var buf, record C.TopwireBuffer
		if err := check(f(ptr, &buf, &record), &record); err != nil {
			return err
		}
		out = take(&buf)
		return nil
	})
	return out, err
}

// Connect returns the CONNECT frame for a freshly opened socket.
func (s *TmcSession) Connect(nowMs int64) ([]byte, error) {
	return s.bytesCall(func(p *C.TopwireTmcSession, out, rec *C.TopwireBuffer) C.enum_TopwireStatus {
		return C.topwire_tmc_connect(p, C.int64_t(nowMs), out, rec)
	})
}

// Receive reads one binary message; frames of another token give no event.
func (s *TmcSession) Receive(frame []byte, nowMs int64) ([]TmcEvent, error) {
	text, err := s.bytesCall(func(p *C.TopwireTmcSession, out, rec *C.TopwireBuffer) C.enum_TopwireStatus {
		f, fn := arg(frame)
		return C.topwire_tmc_receive(p, unsafe.Pointer(f), fn, C.int64_t(nowMs), out, rec)
	})
	if err != nil {
		return nil, err
	}
	var events []TmcEvent
	return events, json.Unmarshal(text, &events)
}

// Confirm returns the frame confirming message id (send it once handled).
func (s *TmcSession) Confirm(id int64) ([]byte, error) {
	return s.bytesCall(func(p *C.TopwireTmcSession, out, rec *C.TopwireBuffer) C.enum_TopwireStatus {
		return C.topwire_tmc_confirm(p, C.int64_t(id), out, rec)
	})
}

// Fail returns the frame failing message id (reason cut to 128 UTF-16
// units, as Java counts); the server delivers the message again.
func (s *TmcSession) Fail(id int64, reason string) ([]byte, error) {
	return s.bytesCall(func(p *C.TopwireTmcSession, out, rec *C.TopwireBuffer) C.enum_TopwireStatus {
		r, rn := arg([]byte(reason))
		return C.topwire_tmc_fail(p, C.int64_t(id), r, rn, out, rec)
	})
}

// Poll returns what is due at nowMs.
func (s *TmcSession) Poll(nowMs int64) ([]TmcAction, error) {
	text, err := s.bytesCall(func(p *C.TopwireTmcSession, out, rec *C.TopwireBuffer) C.enum_TopwireStatus {
		return C.topwire_tmc_poll(p, C.int64_t(nowMs), out, rec)
	})
	if err != nil {
		return nil, err
	}
	var actions []TmcAction
	return actions, json.Unmarshal(text, &actions)
}

// NextDeadline says when to Poll next (epoch ms); false while the session
// waits for you (a CONNECTACK, a Connect), or once it is closed.
func (s *TmcSession) NextDeadline() (int64, bool) {
	var at C.int64_t
	var has C.bool
	err := s.use(func(p *C.TopwireTmcSession) error {
		var record C.TopwireBuffer
		return check(C.topwire_tmc_next_deadline(p, &at, &has, &record), &record)
	})
	return int64(at), err == nil && bool(has)
}

// Closed tells the session the socket closed (or could not open).
func (s *TmcSession) Closed(nowMs int64) error {
	return s.use(func(p *C.TopwireTmcSession) error {
		var record C.TopwireBuffer
		return check(C.topwire_tmc_closed(p, C.int64_t(nowMs), &record), &record)
	})
}

// DecodeTmcFrame reads one frame as JSON: {"type", "flag", "token",
// "statusCode", "statusPhrase", "content": [[key, format, value]]}
// (integers exact, bytes values as lists of byte values).
func DecodeTmcFrame(frame []byte) (json.RawMessage, error) {
	var out, record C.TopwireBuffer
	f, fn := arg(frame)
	if err := check(C.topwire_tmc_decode_frame(unsafe.Pointer(f), fn, &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}

// EncodeTmcFrame writes a frame given as JSON (as DecodeTmcFrame gives it).
func EncodeTmcFrame(frameJSON []byte) ([]byte, error) {
	var out, record C.TopwireBuffer
	f, fn := arg(frameJSON)
	if err := check(C.topwire_tmc_encode_frame(f, fn, &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}
