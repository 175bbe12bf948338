package topwire

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const verify = "taobao.travel.ticket.order.verify"

func newClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(ClientOptions{AppKey: "12345678", AppSecret: "test-secret", SignMethod: "md5"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func topError(t *testing.T, err error, kind string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("want a %s, got %v", kind, err)
	}
	return e
}

func TestVersionIsTheWorkspaceVersion(t *testing.T) {
	cargo, err := os.ReadFile("../../../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^version = "(.+)"`).FindSubmatch(cargo)
	if want == nil || Version() != string(want[1]) {
		t.Fatalf("Version() = %q, Cargo.toml says %q", Version(), want)
	}
}

func TestPrepareSignsExactly(t *testing.T) {
	c := newClient(t)
	params := map[string]any{"order_id": int64(9223372036854775807), "check_num": 1}
	req, err := c.Prepare(verify, params, &PrepareOptions{TimestampMs: 1700000000000})
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json writes map keys sorted.
	if string(req.Body) != "check_num=1&order_id=9223372036854775807" || req.Method != "POST" {
		t.Fatalf("%s %s", req.Method, req.Body)
	}
	if req.Headers["Content-Type"] != "application/x-www-form-urlencoded;charset=utf-8" {
		t.Fatalf("headers %v", req.Headers)
	}
	// MD5(secret + sorted pairs + secret), computed here without topwire.
	text := "app_key12345678check_num1formatjsonmethod" + verify +
		"order_id9223372036854775807sign_methodmd5timestamp2023-11-15 06:13:20v2.0"
	sum := md5.Sum([]byte("test-secret" + text + "test-secret"))
	if want := "&sign=" + strings.ToUpper(hex.EncodeToString(sum[:])); !strings.HasSuffix(req.URL, want) {
		t.Fatalf("url %s does not end with %s", req.URL, want)
	}
}

func TestParseKeepsNumbersExact(t *testing.T) {
	c := newClient(t)
	body := `{"custom_call_response":{"id":2106027287988611313,"big":123456789012345678901234567890,"price":0.30000000000000000001}}`
	data, err := c.Parse("taobao.custom.call", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var got map[string]json.Number
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["id"] != "2106027287988611313" || got["big"] != "123456789012345678901234567890" || got["price"] != "0.30000000000000000001" {
		t.Fatalf("%v", got)
	}
}

func TestErrorsCarryTheirFields(t *testing.T) {
	c := newClient(t)
	body := `{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 23 more seconds","request_id":"abc"}}`
	_, err := c.Parse(verify, []byte(body))
	e := topError(t, err, "ApiError")
	if e.Code != 7 || *e.SubCode != "accesscontrol.limited-by-app-access-count" || !e.Retryable || *e.RetryAfter != 23 || *e.RequestID != "abc" || e.IsSessionError {
		t.Fatalf("%+v", e)
	}
	_, err = c.Parse(verify, []byte(`{"error_response":{"code":26,"msg":"Missing session"}}`))
	if e := topError(t, err, "ApiError"); !e.IsSessionError || e.Retryable {
		t.Fatalf("%+v", e)
	}
	_, err = c.Prepare(verify, map[string]any{"order_id": "x"}, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "order_id" {
		t.Fatalf("%+v", e)
	}
	_, err = NewClient(ClientOptions{AppKey: "1"})
	if e := topError(t, err, "ValidationError"); e.Field != "appSecret" {
		t.Fatalf("%+v", e)
	}
	_, err = c.Parse(verify, []byte("<html>busy</html>"))
	topError(t, err, "DecodeError")
	err = VerifySpi(SpiRequest{Query: "timestamp=x", Secret: "s"}, nil)
	if e := topError(t, err, "SignatureError"); e.Reason != "missing_sign" {
		t.Fatalf("%+v", e)
	}
}

func TestInvalidUTF8IsAnError(t *testing.T) {
	c := newClient(t)
	_, err := c.Prepare("taobao.\xff.get", nil, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "method" || e.Got != "invalid UTF-8 at byte 7" {
		t.Fatalf("%+v", e)
	}
	_, err = c.Parse(verify, []byte("{\"a\":\"\xff\"}"))
	topError(t, err, "DecodeError")
}

func TestSign(t *testing.T) {
	params := map[string]string{"method": "taobao.user.seller.get", "timestamp": "2013-05-06 13:52:03", "format": "xml",
		"app_key": "test", "v": "2.0", "fields": "nick", "sign_method": "md5", "session": "test"}
	if got, err := Sign(params, "test", "md5"); err != nil || got != "72CB4D809B375A54502C09360D879C64" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestOneClientFromManyGoroutines(t *testing.T) {
	c := newClient(t)
	opts := &PrepareOptions{TimestampMs: 1700000000000}
	want, err := c.Prepare(verify, map[string]any{"order_id": 1, "check_num": 1}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				got, err := c.Prepare(verify, map[string]any{"order_id": 1, "check_num": 1}, opts)
				if err != nil || got.URL != want.URL {
					t.Errorf("%v %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestUploadIsMultipartBytes(t *testing.T) {
	c := newClient(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\xff")
	req, err := c.Prepare("taobao.eticket.merchant.img.upload", nil,
		&PrepareOptions{Session: "s", TimestampMs: 1700000000000},
		File{Name: "img_bytes", Filename: "qr.png", ContentType: "image/png", Content: png})
	if err != nil {
		t.Fatal(err)
	}
	ct := req.Headers["Content-Type"]
	boundary := ct[strings.LastIndex(ct, "boundary=")+len("boundary="):]
	want := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"img_bytes\"; filename=\"qr.png\"\r\n" +
		"Content-Type: image/png\r\n\r\n" + string(png) + "\r\n--" + boundary + "--\r\n"
	if !strings.HasPrefix(ct, "multipart/form-data") || string(req.Body) != want {
		t.Fatalf("%s\n%q", ct, req.Body)
	}
	_, err = c.Prepare("taobao.custom.upload", nil, nil, File{Name: "f", Filename: "a\"b", Content: []byte{1}})
	if e := topError(t, err, "ValidationError"); e.Field != "f.filename" {
		t.Fatalf("%+v", e)
	}
}

func TestBatchPreparesAndParses(t *testing.T) {
	c := newClient(t)
	calls := []BatchCall{
		{Method: verify, Params: map[string]any{"order_id": int64(9223372036854775807)}},
		{Method: "taobao.time.get", Params: map[string]any{"note": "a\r\n-S-\r\nb"}, Session: "own"},
	}
	b, err := c.PrepareBatch(calls, &BatchOptions{TimestampMs: 1700000000000})
	if err != nil {
		t.Fatal(err)
	}
	body := "order_id=9223372036854775807&method=" + verify + "\r\n-S-\r\nnote=a%0D%0A-S-%0D%0Ab&method=taobao.time.get&session=own"
	if string(b.Body) != body || b.Headers["Content-Type"] != "text/plain;charset=UTF-8" || len(b.Headers) != 1 {
		t.Fatalf("%q %v", b.Body, b.Headers)
	}
	// MD5(secret + sorted system pairs (no method) + body + secret), computed here without topwire.
	sum := md5.Sum([]byte("test-secretapp_key12345678formatjsonsign_methodmd5timestamp2023-11-15 06:13:20v2.0" + body + "test-secret"))
	if !strings.HasSuffix(b.URL, "&sign="+strings.ToUpper(hex.EncodeToString(sum[:]))) || !strings.Contains(b.URL, "/router/batch?") {
		t.Fatalf("url %s", b.URL)
	}
	reply := `{"travel_ticket_order_verify_response":{"is_success":true}}` + "\r\n-S-\r\n" +
		`{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.down"}}`
	results, err := c.ParseBatch(b, []byte(reply))
	if err != nil || len(results) != 2 || string(results[0].Data) != `{"is_success":true}` || results[0].Err != nil {
		t.Fatalf("%v %v", results, err)
	}
	if e := topError(t, results[1].Err, "ApiError"); e.Code != 15 || !e.Retryable {
		t.Fatalf("%+v", e)
	}
	_, err = c.ParseBatch(b, []byte(`{"error_response":{"code":25,"msg":"Invalid signature"}}`))
	if e := topError(t, err, "ApiError"); e.Code != 25 {
		t.Fatalf("%+v", e)
	}
	_, err = c.PrepareBatch([]BatchCall{{Method: verify, Params: map[string]any{"order_id": "x"}}}, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "calls[0].order_id" {
		t.Fatalf("%+v", e)
	}
}

func closedErr(t *testing.T, err error) {
	t.Helper()
	topError(t, err, "ClosedError")
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("errors.Is(%v, ErrClosed) is false", err)
	}
}

func TestACopyOutlivesNothing(t *testing.T) {
	a, err := NewClient(ClientOptions{AppKey: "12345678", AppSecret: "secret-a", SignMethod: "md5"})
	if err != nil {
		t.Fatal(err)
	}
	copied := *a
	a.Close()
	// The next client may be allocated where a's was: the copy must not sign with its secret.
	b, err := NewClient(ClientOptions{AppKey: "12345678", AppSecret: "secret-b", SignMethod: "md5"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	req, err := copied.Prepare(verify, map[string]any{"order_id": 1, "check_num": 1}, nil)
	if req != nil {
		t.Fatalf("a copy of a closed client signed: %s", req.URL)
	}
	closedErr(t, err)
	_, err = copied.Parse(verify, []byte(`{"a":1}`))
	closedErr(t, err)
	if _, err := b.Prepare(verify, map[string]any{"order_id": 1, "check_num": 1}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	c := newClient(t)
	copied := *c
	c.Close()
	c.Close()
	copied.Close()
	var zero Client
	zero.Close()
	var none *Client
	none.Close()
	_, err := zero.Prepare(verify, nil, nil)
	closedErr(t, err)
	_, err = none.Parse(verify, nil)
	closedErr(t, err)
	_, err = c.Prepare(verify, nil, nil)
	closedErr(t, err)
	_, err = c.PrepareBatch([]BatchCall{{Method: verify}}, nil)
	closedErr(t, err)
	_, err = none.ParseBatchOf([]string{verify}, "", nil)
	closedErr(t, err)
}

func TestCloseWaitsForCallsInFlight(t *testing.T) {
	c, err := NewClient(ClientOptions{AppKey: "12345678", AppSecret: "test-secret", SignMethod: "md5"})
	if err != nil {
		t.Fatal(err)
	}
	opts := &PrepareOptions{TimestampMs: 1700000000000}
	params := map[string]any{"order_id": 1, "check_num": 1}
	want, err := c.Prepare(verify, params, opts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < 200; i++ {
				got, err := c.Prepare(verify, params, opts)
				if err != nil {
					if !errors.Is(err, ErrClosed) {
						t.Errorf("%v", err)
					}
					return
				}
				if got.URL != want.URL {
					t.Errorf("%s", got.URL)
					return
				}
			}
		}()
	}
	close(start)
	c.Close()
	wg.Wait()
	_, err = c.Prepare(verify, params, opts)
	closedErr(t, err)
}

func TestFloatsBeyond2To53AreRefused(t *testing.T) {
	c := newClient(t)
	var params map[string]any
	if err := json.Unmarshal([]byte(`{"order_id":2106027287988611313,"check_num":1}`), &params); err != nil {
		t.Fatal(err)
	}
	_, err := c.Prepare(verify, params, nil)
	e := topError(t, err, "ValidationError")
	if e.Field != "order_id" || e.Got != "the number 2106027287988611300, which a float64 cannot hold exactly" ||
		e.Message != "order_id: expected "+e.Expected+", got "+e.Got {
		t.Fatalf("%+v", e)
	}
	nested := map[string]any{"x": []any{map[string]any{"id": float64(1 << 60)}}}
	_, err = c.Prepare("taobao.custom.call", nested, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "x[0].id" {
		t.Fatalf("%+v", e)
	}
	type order struct {
		OrderID float64 `json:"order_id"`
	}
	_, err = c.Prepare(verify, order{OrderID: -1e18}, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "order_id" {
		t.Fatalf("%+v", e)
	}
	_, err = c.Prepare(verify, map[string]any{"order_id": math.NaN()}, nil)
	if e := topError(t, err, "ValidationError"); e.Field != "order_id" || e.Expected != "a finite number" {
		t.Fatalf("%+v", e)
	}
	// Exact types stay exact; safe floats and fractions pass as written.
	dec := json.NewDecoder(strings.NewReader(`{"order_id":2106027287988611313,"check_num":1}`))
	dec.UseNumber()
	var exact map[string]any
	if err := dec.Decode(&exact); err != nil {
		t.Fatal(err)
	}
	for _, params := range []any{exact,
		map[string]any{"order_id": int64(2106027287988611313), "check_num": 1},
		map[string]any{"order_id": uint64(2106027287988611313), "check_num": float64(1)},
	} {
		req, err := c.Prepare(verify, params, nil)
		if err != nil || string(req.Body) != "check_num=1&order_id=2106027287988611313" {
			t.Fatalf("%v %v", req, err)
		}
	}
	req, err := c.Prepare("taobao.custom.call", map[string]any{"a": float64(maxExact), "b": 0.5}, nil)
	if err != nil || string(req.Body) != "a=9007199254740991&b=0.5" {
		t.Fatalf("%v %v", req, err)
	}
}
