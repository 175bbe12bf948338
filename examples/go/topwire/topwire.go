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
	"math"
	"net/http"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Error is any topwire error: Kind is ValidationError, ApiError,
// DecodeError, SignatureError or InternalError, or ClosedError for a call on
// a closed Client (errors.Is(err, ErrClosed)); the other fields are those of
// its kind (nil or empty otherwise).
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
// It is a handle: a copy (of the *Client or of the struct) is the same
// client, so Close on any copy closes them all. Close waits for the calls in
// flight; calls after it return an *Error of kind ClosedError, never a crash
// or another client's signature.
type Client struct{ h *handle }

// handle owns one C client. Calls hold the read lock while C uses the
// pointer; Close takes the write lock, so it frees nothing in use.
type handle struct {
	mu  sync.RWMutex
	ptr *C.TopwireClient
}

// ErrClosed matches (errors.Is) the error of a call on a closed client, or
// on a Client not made by NewClient.
var ErrClosed error = &Error{Kind: "ClosedError", Message: "the client is closed"}

// Is makes errors.Is(err, ErrClosed) true for every ClosedError.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t == ErrClosed && e.Kind == "ClosedError"
}

func closedError() error {
	return &Error{Kind: "ClosedError", Message: "the client is closed (or was not made by NewClient)"}
}

// use runs f with the live C client, or returns ClosedError.
func (c *Client) use(f func(*C.TopwireClient) error) error {
	if c == nil || c.h == nil {
		return closedError()
	}
	c.h.mu.RLock()
	defer c.h.mu.RUnlock()
	if c.h.ptr == nil {
		return closedError()
	}
	return f(c.h.ptr)
}

func (h *handle) free() {
	h.mu.Lock()
	defer h.mu.Unlock()
	C.topwire_client_free(h.ptr)
	h.ptr = nil
}

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
	var ptr *C.TopwireClient
	var record C.TopwireBuffer
	p, n := arg(text)
	if err := check(C.topwire_client_new(p, n, &ptr, &record), &record); err != nil {
		return nil, err
	}
	h := &handle{ptr: ptr}
	// A client dropped without Close is freed when the garbage collector finds it.
	runtime.SetFinalizer(h, (*handle).free)
	return &Client{h: h}, nil
}

// Close frees the client, after the calls in flight on it (from any copy)
// have returned. Closing again, or closing a copy, does nothing.
func (c *Client) Close() {
	if c == nil || c.h == nil {
		return
	}
	c.h.free()
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
		if err = checkNumbers(reflect.ValueOf(params), "", 0); err != nil {
			return nil, err
		}
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
	err = c.use(func(client *C.TopwireClient) error {
		return check(C.topwire_prepare(client, m, mn, p, pn, o, on, f, fn, &out, &record), &record)
	})
	if err != nil {
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

// maxExact is the largest integer below which every float64 integer is
// exact (2^53 - 1, JavaScript's Number.MAX_SAFE_INTEGER).
const maxExact = 1<<53 - 1

var marshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()

// checkNumbers refuses the float64 (and float32) values that would not be
// sent as the caller meant: integers beyond 2^53 (json.Unmarshal into
// map[string]any reads 2106027287988611313 as 2106027287988611300, which
// encoding/json would send as is) and NaN or the infinities. int64, uint64
// and json.Number are exact and pass. path names the value in the error.
func checkNumbers(v reflect.Value, path string, depth int) error {
	// Deeper values are refused by the core's nesting limit (and cycles by encoding/json).
	if !v.IsValid() || depth > 128 {
		return nil
	}
	if v.Type().Implements(marshaler) {
		return nil // its own JSON (json.Number, json.RawMessage, time.Time, ...)
	}
	name := path
	if name == "" {
		name = "params"
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return checkNumbers(v.Elem(), path, depth+1)
	case reflect.Float32, reflect.Float64:
		return checkFloat(v.Float(), name)
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := checkNumbers(it.Value(), member(path, keyName(it.Key())), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes: encoding/json writes them as base64 text
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkNumbers(v.Index(i), name+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		return checkStruct(v, path, depth)
	}
	return nil
}

// checkStruct checks the exported fields, named as encoding/json names them.
func checkStruct(v reflect.Value, path string, depth int) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if key == "-" {
			continue
		}
		at := member(path, key)
		if key == "" {
			at = member(path, sf.Name)
			if sf.Anonymous {
				at = path // embedded: its fields are the struct's own
			}
		}
		if err := checkNumbers(v.Field(i), at, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func checkFloat(f float64, name string) error {
	invalid := func(expected, got string) error {
		return &Error{Kind: "ValidationError", Message: name + ": expected " + expected + ", got " + got,
			Field: name, Expected: expected, Got: got}
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return invalid("a finite number", "the number "+strconv.FormatFloat(f, 'g', -1, 64))
	case f == math.Trunc(f) && math.Abs(f) > maxExact:
		return invalid("a safe integer (at most 2^53 - 1 in size), an int64, a uint64 or a json.Number",
			"the number "+strconv.FormatFloat(f, 'f', -1, 64)+", which a float64 cannot hold exactly")
	}
	return nil
}

func member(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// keyName is a map key as encoding/json writes it (strings and integers).
func keyName(k reflect.Value) string {
	switch k.Kind() {
	case reflect.String:
		return k.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	if k.CanInterface() {
		return fmt.Sprint(k.Interface())
	}
	return "?"
}

// Parse returns the reply's data as JSON text (numbers exact: decode it with
// json.Decoder.UseNumber or into your own types), or an *Error.
func (c *Client) Parse(method string, body []byte) (json.RawMessage, error) {
	var out, record C.TopwireBuffer
	m, mn := arg([]byte(method))
	b, bn := arg(body)
	err := c.use(func(client *C.TopwireClient) error {
		return check(C.topwire_parse(client, m, mn, unsafe.Pointer(b), bn, &out, &record), &record)
	})
	if err != nil {
		return nil, err
	}
	return take(&out), nil
}

// BatchCall is one call of a batch: its method, its params (anything
// encoding/json writes as an object, or nil) and its own session, if any.
type BatchCall struct {
	Method  string `json:"method"`
	Params  any    `json:"params"`
	Session string `json:"session,omitempty"`
}

// BatchOptions are a batch's; a zero TimestampMs means now, an empty
// Separator the default, an empty BatchURL the gateway's /router/batch.
type BatchOptions struct {
	Session     string `json:"session,omitempty"`
	TimestampMs int64  `json:"timestamp,omitempty"`
	Separator   string `json:"separator,omitempty"`
	BatchURL    string `json:"batchUrl,omitempty"`
}

// Batch is a signed /router/batch request and the calls' methods.
type Batch struct {
	Request
	Methods []string
}

// BatchResult is one call's outcome: its data as JSON text, or its own
// error_response (an *Error of kind ApiError).
type BatchResult struct {
	Data json.RawMessage
	Err  error
}

// PrepareBatch signs many calls as one /router/batch request; errors name
// the call (calls[2].num). opts may be nil.
func (c *Client) PrepareBatch(calls []BatchCall, opts *BatchOptions) (*Batch, error) {
	callsJSON, err := toJSON(calls)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &BatchOptions{}
	}
	optsJSON, err := toJSON(opts)
	if err != nil {
		return nil, err
	}
	var out *C.TopwireRequest
	var record C.TopwireBuffer
	cl, cn := arg(callsJSON)
	o, on := arg(optsJSON)
	err = c.use(func(client *C.TopwireClient) error {
		return check(C.topwire_prepare_batch(client, cl, cn, o, on, &out, &record), &record)
	})
	if err != nil {
		return nil, err
	}
	defer C.topwire_request_free(out)
	slice := func(s C.TopwireSlice) []byte { return C.GoBytes(unsafe.Pointer(s.ptr), C.int(s.len)) }
	b := &Batch{Request: Request{Method: string(slice(out.method)), URL: string(slice(out.url)), Body: slice(out.body)}}
	if err := json.Unmarshal(slice(out.headers), &b.Headers); err != nil {
		return nil, err
	}
	for _, call := range calls {
		b.Methods = append(b.Methods, call.Method)
	}
	return b, nil
}

// ParseBatch splits a batch reply and parses each part as the reply of its
// call: one BatchResult per call, in request order. A failure of the whole
// batch (one error_response for all) is the error.
func (c *Client) ParseBatch(b *Batch, body []byte) ([]BatchResult, error) {
	return c.ParseBatchOf(b.Methods, b.Headers["top-api-separator"], body)
}

// ParseBatchOf is ParseBatch given the methods and the separator ("" for the default).
func (c *Client) ParseBatchOf(methods []string, separator string, body []byte) ([]BatchResult, error) {
	methodsJSON, err := toJSON(methods)
	if err != nil {
		return nil, err
	}
	var out, record C.TopwireBuffer
	m, mn := arg(methodsJSON)
	s, sn := arg([]byte(separator))
	if separator == "" {
		s, sn = nil, 0
	}
	b, bn := arg(body)
	err = c.use(func(client *C.TopwireClient) error {
		return check(C.topwire_parse_batch(client, m, mn, s, sn, unsafe.Pointer(b), bn, &out, &record), &record)
	})
	if err != nil {
		return nil, err
	}
	var items []struct {
		Data  json.RawMessage `json:"data"`
		Error *Error          `json:"error"`
	}
	if err := json.Unmarshal(take(&out), &items); err != nil {
		return nil, err
	}
	results := make([]BatchResult, len(items))
	for i, item := range items {
		results[i].Data = item.Data
		if item.Error != nil {
			results[i].Err = item.Error
		}
	}
	return results, nil
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
