package smtpsink

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

func TestKeepsTheNewestAndCountsAll(t *testing.T) {
	s, err := Start("127.0.0.1:0", Options{Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		msg := fmt.Sprintf("Subject: %d\r\n\r\nbody %d\r\n", i, i)
		if err := smtp.SendMail(s.Addr(), nil, "a@b.example", []string{"c@d.example"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Wait(ctx, 3); err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if s.Total() != 3 || len(got) != 2 || !strings.Contains(string(got[0].Data), "body 1") || got[1].To[0] != "c@d.example" || got[1].TLS {
		t.Errorf("total %d, kept %+v", s.Total(), got)
	}
	short, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	if err := s.Wait(short, 4); err == nil {
		t.Error("Wait returned without the message")
	}
}

func TestLoginServerTakesTheUserEitherWay(t *testing.T) {
	for _, initial := range []bool{false, true} {
		var user, pass string
		l := &loginServer{check: func(u, p string) error { user, pass = u, p; return nil }}
		var resp []byte
		if initial {
			resp = []byte("canhbao")
		}
		ch, done, err := l.Next(resp)
		if !initial {
			if string(ch) != "Username:" || done || err != nil {
				t.Fatalf("first challenge %q %v %v", ch, done, err)
			}
			ch, done, err = l.Next([]byte("canhbao"))
		}
		if string(ch) != "Password:" || done || err != nil {
			t.Fatalf("password challenge %q %v %v", ch, done, err)
		}
		if _, done, err = l.Next([]byte("pw")); !done || err != nil || user != "canhbao" || pass != "pw" {
			t.Errorf("initial=%v: done %v err %v user %q pass %q", initial, done, err, user, pass)
		}
	}
}
