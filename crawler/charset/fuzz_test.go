package charset

import (
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzBudget bounds the time one input may take. Inputs are at most a few
// KiB, which the decoders handle in microseconds; the budget only catches
// runaway loops, with room for the race detector and a loaded machine.
const fuzzBudget = 2 * time.Second

func fuzzSeeds(f *testing.F) {
	for _, s := range []struct{ body, ct string }{
		{"", ""},
		{"<html><meta charset=windows-1258><p>Vi\xea\xf2t</p>", ""},
		{"<?xml version=\"1.0\" encoding=\"viscii\"?><rss>\xae</rss>", "text/xml"},
		{"\xff\xfe<\x00r\x00s\x00s\x00>\x00", ""},
		{"\x00\x00\xfe\xff\x00\x00\x00<", ""},
		{"<\x00?\x00x\x00m\x00l\x00", "application/xml; charset=utf-16"},
		{"<meta http-equiv=content-type content='text/html;charset=\"koi8-r\"'>\xf0\xd2", ""},
		{"caf\xe9 \xff\xfe\xfd", "text/html; charset=bogus"},
		{"<?xml version='1.1' encoding='tcvn3'?><a>\xb5\xb0</a>", ""},
		{"\xef\xbb\xbf<rss/>", "text/xml; charset=koi8-r"},
		{"<meta charset=", ""},
		{"<?xml encoding=\"", ""},
	} {
		f.Add([]byte(s.body), s.ct)
	}
}

func FuzzDecodeHTML(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		var text, name string
		var err error
		within(t, body, func() { text, name, err = DecodeHTML(body, contentType) })
		if err != nil {
			t.Fatalf("DecodeHTML error: %v", err)
		}
		if name == "" {
			t.Fatalf("no charset name")
		}
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 out: %q", text)
		}
		if !norm.NFC.IsNormalString(text) {
			t.Fatalf("output not NFC: %+q", text)
		}
		c := Clean(text)
		if !utf8.ValidString(c) || Clean(c) != c {
			t.Fatalf("Clean not valid or not idempotent on %+q", text)
		}
	})
}

func FuzzDecodeXML(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		var out []byte
		var name string
		var err error
		within(t, body, func() { out, name, err = DecodeXML(body, contentType) })
		if err != nil {
			t.Fatalf("DecodeXML error: %v", err)
		}
		if name == "" {
			t.Fatalf("no charset name")
		}
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out: %q", out)
		}
		for _, r := range string(out) {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
				t.Fatalf("XML-illegal %U in output %+q", r, out)
			}
		}
		if e := prologEncoding(out); e != "" && e != "UTF-8" {
			t.Fatalf("output prolog still declares %q", e)
		}
	})
}

// within runs f and fails the test if it does not return within
// fuzzBudget: a loop that never ends would otherwise stall the fuzzer
// without reporting the input.
func within(t *testing.T, body []byte, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(fuzzBudget):
		t.Fatalf("no result after %v for %d bytes: %q", fuzzBudget, len(body), body)
	}
}
