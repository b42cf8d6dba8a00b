package mail

import (
	"testing"
	"time"
)

func TestBackoffDoublesToAnHour(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := Backoff(1000); got != time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Server
	}{
		{"smtp://mail.example.edu:587", Server{Addr: "mail.example.edu:587", host: "mail.example.edu"}},
		{"smtp://u%40x:p%3Ass@mail.example.edu", Server{Addr: "mail.example.edu:25", Username: "u@x", Password: "p:ss", host: "mail.example.edu"}},
		{"smtps://mail.example.edu", Server{Addr: "mail.example.edu:465", ImplicitTLS: true, host: "mail.example.edu"}},
	} {
		got, err := ParseURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"http://mail.example.edu", "smtp://", "::"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
}
