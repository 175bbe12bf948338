// Package topwire wraps topwire's C library (bindings/c) for Go through cgo:
// the Taobao Open Platform (TOP) protocol core, without I/O. Values cross as
// JSON text (integers exact over 64 bits); errors come back as *Error with
// the fields of the C ABI's error record.
//
//	client, err := topwire.NewClient(topwire.ClientOptions{AppKey: "12345678", AppSecret: secret})
//	req, err := client.Prepare("taobao.travel.ticket.order.verify", map[string]any{"order_id": 12345678}, nil)
//	resp, err := http.DefaultClient.Do(req.HTTPRequest(ctx))
//	data, err := client.Parse("taobao.travel.ticket.order.verify", body) // json.RawMessage
//
// Build with CGO_CFLAGS=-I<repo>/bindings/c/include and
// CGO_LDFLAGS="-L<dir of libtopwire_c.so> -Wl,-rpath,<same dir>" (`make c-build` prints them).
package topwire

/*
#cgo LDFLAGS: -ltopwire_c
#include <stdlib.h>
#include "topwire.h"
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"unsafe"
)

// Error is any topwire error: Kind is ValidationError, ApiError,
// DecodeError, SignatureError or InternalError; the other fields are those
// of its kind (nil or empty otherwise).
type Error struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// ValidationError
	Field    string `json:"field"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
	// ApiError
	Code       int64   `json:"code"`
	Msg        string  `json:"msg"`
	SubCode    *string `json:"sub_code"`
	SubMsg     *string `json:"sub_msg"`
	RequestID  *string `json:"request_id"`
	Retryable  bool    `json:"retryable"`
	RetryAfter *uint64 `json:"retry_after"`
	// Code 26 or 27: the seller must authorise the app again.
	IsSessionError bool `json:"is_session_error"`
	// SignatureError: missing_sign, mismatch, missing_timestamp, stale_timestamp
	Reason string `json:"reason"`
}

func (e *Error) Error() string { return e.Kind + ": " + e.Message }

// ClientOptions are a client's settings; empty fields take topwire's defaults.
type ClientOptions struct {
	AppKey       string `json:"appKey"`
	AppSecret    string `json:"appSecret"`
	SignMethod   string `json:"signMethod,omitempty"` // md5, hmac, hmac-sha256 (default)
	Format       string `json:"format,omitempty"`     // json (default), xml
	Simplify     bool   `json:"simplify,omitempty"`
	Gateway      string `json:"gateway,omitempty"`
	PartnerID    string `json:"partnerId,omitempty"`
	TargetAppKey string `json:"targetAppKey,omitempty"`
}

// PrepareOptions are per call; a zero TimestampMs means now.
type PrepareOptions struct {
	Session      string `json:"session,omitempty"`
	TimestampMs  int64  `json:"timestamp,omitempty"`
	AllowUnknown bool   `json:"allowUnknown,omitempty"`
}

// Request is a signed request, ready for net/http.
type Request struct {
	Method  string
	URL     string
	Headers map[string]string
	Body    []byte
}

// HTTPRequest builds the net/http request.
func (r *Request) HTTPRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// Client holds an app's credentials; safe for concurrent Prepare and Parse.
type Client struct{ handle *C.TopwireClient }

var zero [1]byte

// arg passes Go bytes to C for the call's duration (cgo allows pointers to
// memory without Go pointers); empty is a valid pointer with length 0.
func arg(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&zero[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// take copies a buffer topwire filled and frees it.
func take(b *C.TopwireBuffer) []byte {
	if b.ptr == nil {
		return nil
	}
	out := C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
	C.topwire_buffer_free(b)
	return out
}

// check turns a status and its record into an error.
func check(status C.enum_TopwireStatus, record *C.TopwireBuffer) error {
	if status == C.TOPWIRE_STATUS_OK {
		return nil
	}
	e := &Error{}
	if err := json.Unmarshal(take(record), e); err != nil {
		return fmt.Errorf("topwire: unreadable error record (status %d): %w", status, err)
	}
	return e
}

func toJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// NewClient makes a client; Close frees it.
func NewClient(opts ClientOptions) (*Client, error) {
	text, err := toJSON(opts)
	if err != nil {
		return nil, err
	}
	var handle *C.TopwireClient
	var record C.TopwireBuffer
	p, n := arg(text)
	if err := check(C.topwire_client_new(p, n, &handle, &record), &record); err != nil {
		return nil, err
	}
	return &Client{handle: handle}, nil
}

// Close frees the client; no call may be using it.
func (c *Client) Close() {
	C.topwire_client_free(c.handle)
	c.handle = nil
}

// File is a file to upload as the top-level parameter Name (TOP's byte[]
// parameters, e.g. img_bytes): the request becomes multipart/form-data.
// Empty Filename: the parameter's name; empty ContentType: application/octet-stream.
type File struct {
	Name, Filename, ContentType string
	Content                     []byte
}

// cFiles copies files into C memory (cgo forbids Go pointers inside memory
// passed to C); free releases it after the call.
func cFiles(files []File) (ptr *C.TopwireFile, n C.size_t, free func()) {
	if len(files) == 0 {
		return nil, 0, func() {}
	}
	var allocs []unsafe.Pointer
	alloc := func(b []byte) unsafe.Pointer {
		p := C.CBytes(b) // malloc(0) may be NULL: topwire takes NULL with length 0
		allocs = append(allocs, p)
		return p
	}
	size := C.size_t(unsafe.Sizeof(C.TopwireFile{}))
	ptr = (*C.TopwireFile)(C.calloc(C.size_t(len(files)), size))
	allocs = append(allocs, unsafe.Pointer(ptr))
	items := unsafe.Slice(ptr, len(files))
	for i, f := range files {
		items[i].name, items[i].name_len = (*C.char)(alloc([]byte(f.Name))), C.size_t(len(f.Name))
		items[i].content, items[i].content_len = alloc(f.Content), C.size_t(len(f.Content))
		if f.Filename != "" {
			items[i].filename, items[i].filename_len = (*C.char)(alloc([]byte(f.Filename))), C.size_t(len(f.Filename))
		}
		if f.ContentType != "" {
			items[i].content_type, items[i].content_type_len = (*C.char)(alloc([]byte(f.ContentType))), C.size_t(len(f.ContentType))
		}
	}
	return ptr, C.size_t(len(files)), func() {
		for _, p := range allocs {
			C.free(p)
		}
	}
}

// Prepare signs a call. params is anything encoding/json writes as an object
// (a map, a struct, json.RawMessage), or nil; opts may be nil; files are uploads.
func (c *Client) Prepare(method string, params any, opts *PrepareOptions, files ...File) (*Request, error) {
	var paramsJSON, optsJSON []byte
	var err error
	if params != nil {
		if paramsJSON, err = toJSON(params); err != nil {
			return nil, err
		}
	}
	if opts == nil {
		opts = &PrepareOptions{}
	}
	if optsJSON, err = toJSON(opts); err != nil {
		return nil, err
	}
	var out *C.TopwireRequest
	var record C.TopwireBuffer
	m, mn := arg([]byte(method))
	p, pn := arg(paramsJSON)
	if params == nil {
		p, pn = nil, 0
	}
	o, on := arg(optsJSON)
	f, fn, free := cFiles(files)
	defer free()
	if err := check(C.topwire_prepare(c.handle, m, mn, p, pn, o, on, f, fn, &out, &record), &record); err != nil {
		return nil, err
	}
	defer C.topwire_request_free(out)
	slice := func(s C.TopwireSlice) []byte { return C.GoBytes(unsafe.Pointer(s.ptr), C.int(s.len)) }
	req := &Request{Method: string(slice(out.method)), URL: string(slice(out.url)), Body: slice(out.body)}
	if err := json.Unmarshal(slice(out.headers), &req.Headers); err != nil {
		return nil, err
	}
	return req, nil
}

// Parse returns the reply's data as JSON text (numbers exact: decode it with
// json.Decoder.UseNumber or into your own types), or an *Error.
func (c *Client) Parse(method string, body []byte) (json.RawMessage, error) {
	var out, record C.TopwireBuffer
	m, mn := arg([]byte(method))
	b, bn := arg(body)
	if err := check(C.topwire_parse(c.handle, m, mn, unsafe.Pointer(b), bn, &out, &record), &record); err != nil {
		return nil, err
	}
	return take(&out), nil
}

// Sign computes the sign of name/value pairs (md5, hmac, hmac-sha256).
func Sign(params map[string]string, secret, signMethod string) (string, error) {
	text, err := toJSON(params)
	if err != nil {
		return "", err
	}
	var out, record C.TopwireBuffer
	p, pn := arg(text)
	s, sn := arg([]byte(secret))
	m, mn := arg([]byte(signMethod))
	if err := check(C.topwire_sign(p, pn, s, sn, m, mn, &out, &record), &record); err != nil {
		return "", err
	}
	return string(take(&out)), nil
}

// SpiRequest is an inbound call from TOP, as the server received it.
type SpiRequest struct {
	Query       string      `json:"query"`
	Headers     [][2]string `json:"headers,omitempty"`
	ContentType *string     `json:"contentType,omitempty"`
	Secret      string      `json:"secret"`
	NowMs       int64       `json:"now,omitempty"`       // zero: now
	MaxSkewMs   *int64      `json:"maxSkewMs,omitempty"` // nil: 10 minutes
}

// VerifySpi checks an inbound call's signature; a forged or stale call is an
// *Error of kind SignatureError with its Reason.
func VerifySpi(req SpiRequest, body []byte) error {
	text, err := toJSON(req)
	if err != nil {
		return err
	}
	var record C.TopwireBuffer
	r, rn := arg(text)
	b, bn := arg(body)
	return check(C.topwire_verify_spi(r, rn, unsafe.Pointer(b), bn, &record), &record)
}

// Version is the C library's version.
func Version() string { return C.GoString(C.topwire_version()) }
