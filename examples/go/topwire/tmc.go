package topwire

/*
#include "topwire.h"
*/
import "C"

import (
	"encoding/json"
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
// the clock. One goroutine at a time; Close frees it.
type TmcSession struct{ handle *C.TopwireTmcSession }

// NewTmcSession makes a session; unknown settings are refused by the core.
func NewTmcSession(opts TmcOptions) (*TmcSession, error) {
	text, err := toJSON(opts)
	if err != nil {
		return nil, err
	}
	var handle *C.TopwireTmcSession
	var record C.TopwireBuffer
	p, n := arg(text)
	if err := check(C.topwire_tmc_session_new(p, n, &handle, &record), &record); err != nil {
		return nil, err
	}
	return &TmcSession{handle: handle}, nil
}

// Close frees the session.
func (s *TmcSession) Close() {
	C.topwire_tmc_session_free(s.handle)
	s.handle = nil
}

// Connect returns the CONNECT frame for a freshly opened socket.
func (s *TmcSession) Connect(nowMs int64) ([]byte, error) {
	var out, record C.TopwireBuffer
	if err := check(C.topwire_tmc_connect(s.handle, C.int64_t(nowMs), &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}

// Receive reads one binary message; frames of another token give no event.
func (s *TmcSession) Receive(frame []byte, nowMs int64) ([]TmcEvent, error) {
	var out, record C.TopwireBuffer
	f, fn := arg(frame)
	if err := check(C.topwire_tmc_receive(s.handle, unsafe.Pointer(f), fn, C.int64_t(nowMs), &out, &record), &record); err != nil {
		return nil, err
	}
	var events []TmcEvent
	return events, json.Unmarshal(take(&out), &events)
}

// Confirm returns the frame confirming message id (send it once handled).
func (s *TmcSession) Confirm(id int64) ([]byte, error) {
	var out, record C.TopwireBuffer
	if err := check(C.topwire_tmc_confirm(s.handle, C.int64_t(id), &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}

// Fail returns the frame failing message id (reason cut to 128 UTF-16
// units, as Java counts); the server delivers the message again.
func (s *TmcSession) Fail(id int64, reason string) ([]byte, error) {
	var out, record C.TopwireBuffer
	r, rn := arg([]byte(reason))
	if err := check(C.topwire_tmc_fail(s.handle, C.int64_t(id), r, rn, &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}

// Poll returns what is due at nowMs.
func (s *TmcSession) Poll(nowMs int64) ([]TmcAction, error) {
	var out, record C.TopwireBuffer
	if err := check(C.topwire_tmc_poll(s.handle, C.int64_t(nowMs), &out, &record), &record); err != nil {
		return nil, err
	}
	var actions []TmcAction
	return actions, json.Unmarshal(take(&out), &actions)
}

// NextDeadline says when to Poll next (epoch ms); false while the session
// waits for you (a CONNECTACK, a Connect).
func (s *TmcSession) NextDeadline() (int64, bool) {
	var at C.int64_t
	var has C.bool
	var record C.TopwireBuffer
	if check(C.topwire_tmc_next_deadline(s.handle, &at, &has, &record), &record) != nil {
		return 0, false
	}
	return int64(at), bool(has)
}

// Closed tells the session the socket closed (or could not open).
func (s *TmcSession) Closed(nowMs int64) {
	var record C.TopwireBuffer
	_ = check(C.topwire_tmc_closed(s.handle, C.int64_t(nowMs), &record), &record)
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
