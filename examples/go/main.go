// The three seed calls, and one deliberate error, from Go through topwire's C
// library (cgo), sent with net/http. Exits 0 only if the three calls returned
// data and the deliberate call failed with ApiError code 25.
//
//	python -m topwire.gateway &     # the local gateway on 127.0.0.1:8080
//	go run .                        # with CGO_CFLAGS/CGO_LDFLAGS as `make c-build` prints
//	TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"topwire.example/go/topwire"
)

type call struct {
	method string
	params map[string]any
}

var seedCalls = []call{
	{"taobao.eticket.merchant.ma.resend", map[string]any{
		"biz_type":    3001,
		"isv_ma_list": []any{map[string]any{"code": "abc124", "num": 1, "qr_image": "111.png"}},
		"outer_id":    "1753340805138544",
		"token":       "31231231231",
	}},
	{"alibaba.alsc.daodian.ticket.reserve", map[string]any{
		"ticket_reverse_top_request": map[string]any{
			"ticket_use_trans_id": "2106027287988611313",
			"biz_date":            "2022-08-11 11:11:11",
			"request_id":          "20190729111040030200660600011777",
			"ticket_id":           "2208191159703216457",
		},
	}},
	{"taobao.travel.ticket.order.verify", map[string]any{
		"check_num": 1, "order_id": 12345678, "return_num": 0, "total_num": 1,
		"out_order_id": "12345", "confirm_code": "2516352", "write_off_type": 0,
		"voucher_infos": []any{map[string]any{"confirm_code": "2516352", "used_quantity": 1, "used_date": "2020-01-11 14:00:00"}},
	}},
}

// settings reads the gateway, app key, secret and session (local gateway defaults).
func settings() (gateway, key, secret, session string) {
	env := func(name, local string, isLocal bool) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		if isLocal {
			return local
		}
		return ""
	}
	gateway = env("TOP_GATEWAY", "http://127.0.0.1:8080/router/rest", true)
	u, err := url.Parse(gateway)
	isLocal := err == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
	key = env("TOP_APP_KEY", "12345678", isLocal)
	secret = env("TOP_APP_SECRET", "topwire-local-secret", isLocal)
	session = env("TOP_SESSION", "local-session", isLocal)
	if key == "" || secret == "" {
		fmt.Fprintf(os.Stderr, "TOP_GATEWAY is %s: set TOP_APP_KEY and TOP_APP_SECRET too\n", gateway)
		os.Exit(2)
	}
	return
}

// send prepares, sends and parses one call.
func send(ctx context.Context, c *topwire.Client, method string, params map[string]any, session string) ([]byte, error) {
	req, err := c.Prepare(method, params, &topwire.PrepareOptions{Session: session})
	if err != nil {
		return nil, err
	}
	fmt.Printf("--> %s %s\n    %s\n", req.Method, req.URL, req.Body)
	httpReq, err := req.HTTPRequest(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return c.Parse(method, body)
}

// sendBatch sends three calls as one batch and prints each result; it
// returns the number of calls that failed.
func sendBatch(ctx context.Context, c *topwire.Client, session string) int {
	available := func(code string) topwire.BatchCall {
		return topwire.BatchCall{Method: "taobao.eticket.merchant.ma.available", Params: map[string]any{
			"code": code, "consume_num": 1, "outer_id": "1753340805138544", "token": "31231231231"}}
	}
	calls := []topwire.BatchCall{available("abc124"), available("abc125"),
		{Method: "taobao.eticket.merchant.tbma.get", Params: map[string]any{"query_tb_ma_callback_req": map[string]any{"code": "abc124"}}}}
	batch, err := c.PrepareBatch(calls, &topwire.BatchOptions{Session: session})
	if err != nil {
		fmt.Printf("<-- batch: %v\n", err)
		return len(calls)
	}
	fmt.Printf("--> %s %s\n", batch.Method, batch.URL)
	httpReq, err := batch.HTTPRequest(ctx)
	if err != nil {
		fmt.Printf("<-- batch: %v\n", err)
		return len(calls)
	}
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		fmt.Printf("<-- batch: %v\n", err)
		return len(calls)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Printf("<-- batch: %v\n", err)
		return len(calls)
	}
	results, err := c.ParseBatch(batch, body)
	if err != nil {
		fmt.Printf("<-- batch: %v\n", err)
		return len(calls)
	}
	failed := 0
	for i, r := range results {
		if r.Err != nil {
			failed++
			fmt.Printf("<-- %s: %v\n", batch.Methods[i], r.Err)
			continue
		}
		fmt.Printf("<-- %s: %s\n", batch.Methods[i], r.Data)
	}
	return failed
}

func run() int {
	gateway, key, secret, session := settings()
	fmt.Printf("topwire %s through cgo, gateway %s\n", topwire.Version(), gateway)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := topwire.NewClient(topwire.ClientOptions{AppKey: key, AppSecret: secret, Gateway: gateway})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer client.Close()
	failures := 0
	for _, c := range seedCalls {
		data, err := send(ctx, client, c.method, c.params, session)
		if err != nil {
			fmt.Printf("<-- %s: %v\n", c.method, err)
			failures++
			continue
		}
		fmt.Printf("<-- %s: %s\n", c.method, data)
	}

	fmt.Println("a batch: two ma.available and a tbma.get in one /router/batch request")
	failures += sendBatch(ctx, client, session)

	fmt.Println("deliberate error: the verify call signed with a wrong secret")
	wrong, err := topwire.NewClient(topwire.ClientOptions{AppKey: key, AppSecret: secret + "-wrong", Gateway: gateway})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer wrong.Close()
	data, err := send(ctx, wrong, "taobao.travel.ticket.order.verify", map[string]any{"order_id": 12345678, "check_num": 1}, "")
	var e *topwire.Error
	switch {
	case errors.As(err, &e) && e.Kind == "ApiError" && e.Code == 25:
		fmt.Printf("<-- %v (as expected)\n", err)
	case err != nil:
		fmt.Printf("<-- %v (NOT the expected ApiError code 25)\n", err)
		failures++
	default:
		fmt.Printf("<-- %s (NOT the expected ApiError code 25)\n", data)
		failures++
	}
	if failures > 0 {
		return 1
	}
	return 0
}

func main() { os.Exit(run()) }
