package topwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestTmcSessionConnectsReceivesConfirmsAndReconnects(t *testing.T) {
	s, err := NewTmcSession(TmcOptions{AppKey: "12345678", AppSecret: "SECRET", PullIntervalMs: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const t0 = 1394864359897
	hello, err := s.Connect(t0)
	if err != nil {
		t.Fatal(err)
	}
	var connect struct {
		Flag    int32             `json:"flag"`
		Content []json.RawMessage `json:"content"`
	}
	text, err := DecodeTmcFrame(hello)
	if err != nil || json.Unmarshal(text, &connect) != nil {
		t.Fatal(err)
	}
	// The known answer of the protocol notes.
	if got := string(connect.Content[3]); got != `["sign","string","004BF371AEC8A4917B21307A14A34CD4"]` {
		t.Fatalf("sign entry %s", got)
	}
	if _, ok := s.NextDeadline(); ok {
		t.Fatal("a deadline while waiting for CONNECTACK")
	}
	ack, err := EncodeTmcFrame([]byte(fmt.Sprintf(`{"type":"connectack","flag":%d,"token":"tok"}`, connect.Flag)))
	if err != nil {
		t.Fatal(err)
	}
	events, err := s.Receive(ack, t0)
	if err != nil || len(events) != 1 || events[0].Type != "connected" || events[0].Token != "tok" {
		t.Fatalf("%+v %v", events, err)
	}
	actions, err := s.Poll(t0)
	if err != nil || len(actions) != 1 || actions[0].Type != "send" {
		t.Fatalf("%+v %v", actions, err)
	}
	if pull, _ := DecodeTmcFrame(actions[0].Bytes); string(pull) != `{"type":"send","token":"tok","content":[["__kind","byte",1]]}` {
		t.Fatalf("pull %s", pull)
	}
	if at, ok := s.NextDeadline(); !ok || at != t0+1000 {
		t.Fatalf("next deadline %d %v", at, ok)
	}
	data, _ := EncodeTmcFrame([]byte(`{"type":"send","token":"tok","content":[["__kind","byte",3],["id","int64",2131800080537681929],["topic","string","t"],["content","string","{}"],["dataid","int64",7104300007405429232]]}`))
	events, err = s.Receive(data, t0)
	if err != nil || len(events) != 1 || events[0].Message.ID != 2131800080537681929 || *events[0].Message.DataID != 7104300007405429232 {
		t.Fatalf("%+v %v", events, err)
	}
	confirm, err := s.Confirm(events[0].Message.ID)
	if err != nil || !bytes.HasSuffix(confirm, []byte{0x69, 0x64, 5, 0x09, 0x00, 0x99, 0xe4, 0xe0, 0xac, 0x95, 0x1d, 0, 0}) {
		t.Fatalf("confirm % x %v", confirm, err)
	}
	if err := s.Closed(t0 + 5); err != nil {
		t.Fatal(err)
	}
	if actions, _ := s.Poll(t0 + 10005); len(actions) != 1 || actions[0].Type != "reconnect" {
		t.Fatalf("%+v", actions)
	}
	topError(t, func() error { _, err := s.Confirm(1); return err }(), "ValidationError")
	copied := *s
	copied.Close()
	_, err = s.Connect(t0)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	s.Close() // again: nothing
	_, err = DecodeTmcFrame([]byte{1, 2})
	topError(t, err, "DecodeError")
	_, err = NewTmcSession(TmcOptions{AppKey: "k"})
	if e := topError(t, err, "ValidationError"); e.Field != "appSecret" {
		t.Fatalf("field %q", e.Field)
	}
}
