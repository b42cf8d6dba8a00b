package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	pmail "github.com/pairup/pairup/api/mail"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testfactory"
)

// mtMessage is one message a test SMTP server accepted.
type mtMessage struct {
	From string
	To   []string
	Data string
}

// mtServer is a real SMTP server, in-process, that keeps what it is sent.
type mtServer struct {
	srv      *smtp.Server
	Addr     string
	received chan mtMessage
}

// mtStart serves SMTP on addr ("127.0.0.1:0" for any port) until the test ends or Close.
func mtStart(t *testing.T, addr string) *mtServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen for SMTP on %s: %v", addr, err)
	}
	m := &mtServer{Addr: ln.Addr().String(), received: make(chan mtMessage, 100)}
	m.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mtSession{m: m}, nil }))
	m.srv.Domain = "localhost"
	m.srv.AllowInsecureAuth = true
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

type mtSession struct {
	m   *mtServer
	msg mtMessage
}

func (s *mtSession) Reset()        { s.msg = mtMessage{} }
func (s *mtSession) Logout() error { return nil }
func (s *mtSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.From = from
	return nil
}
func (s *mtSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}
func (s *mtSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = string(b)
	s.m.received <- s.msg
	return nil
}

// mtNext waits for the next delivered message.
func (m *mtServer) mtNext(t *testing.T) mtMessage {
	t.Helper()
	select {
	case msg := <-m.received:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("no mail arrived within 10 seconds")
		return mtMessage{}
	}
}

// mtMailOf returns the outbox rows of every notice of the student.
func mtMailOf(t *testing.T, st *store.Store, student string) []store.MailState {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), "SELECT id FROM notices WHERE student_number = $1 ORDER BY id", student)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []store.MailState
	for _, id := range ids {
		m, err := st.MailOfNotice(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	return out
}

// mtPoll checks cond until it holds, failing the test after 10 seconds.
func mtPoll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, 10*time.Second, cond)
}

// TestMailOneMessagePerNotice: with PAIRUP_SMTP_URL set on two instances, a coordinator's move
// mails each member of the team exactly once, at their own address, from PAIRUP_MAIL_FROM; a
// student without an address gets no mail, and no one else does.
func TestMailOneMessagePerNotice(t *testing.T) {
	t.Parallel()
	smtpd := mtStart(t, "127.0.0.1:0")
	env := map[string]string{"PAIRUP_SMTP_URL": "smtp://" + smtpd.Addr, "PAIRUP_MAIL_FROM": "Unit Office <office@example.edu>"}
	e := mtNewEnv(t, 4, 3, env)
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1], e.n[2])
	for i, n := range e.n[:2] {
		if _, err := e.f.Store.Pool().Exec(context.Background(), "UPDATE people SET email = $1 WHERE student_number = $2", fmt.Sprintf("student%d@example.edu", i), n); err != nil {
			t.Fatal(err)
		}
	}
	r := e.s[1].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/projects/%d/move", team.ID), e.coordOn[1], map[string]any{"lab_id": e.labs[1].ID, "reason": "room change"})
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	got := map[string]mtMessage{}
	for range 2 {
		m := smtpd.mtNext(t)
		if len(m.To) != 1 {
			t.Fatalf("one mail to %v", m.To)
		}
		if _, dup := got[m.To[0]]; dup {
			t.Fatalf("a second mail to %s", m.To[0])
		}
		got[m.To[0]] = m
	}
	for i := range 2 {
		addr := fmt.Sprintf("student%d@example.edu", i)
		m, ok := got[addr]
		if !ok {
			t.Fatalf("no mail to %s: %v", addr, got)
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.Data))
		if err != nil {
			t.Fatalf("mail to %s is not a message: %v\n%s", addr, err, m.Data)
		}
		body, _ := io.ReadAll(msg.Body)
		if m.From != "office@example.edu" || msg.Header.Get("To") != "<"+addr+">" || !strings.Contains(msg.Header.Get("Subject"), "Operations") ||
			!strings.Contains(string(body), "A coordinator moved your team") || !strings.Contains(string(body), "room change") {
			t.Fatalf("mail to %s: from %s, headers %v, body %q", addr, m.From, msg.Header, body)
		}
	}
	// Every row is marked sent; once they all are, no instance can still be sending one (a
	// sender marks a mail sent in the transaction that holds its row): the count is final.
	mtPoll(t, "both mails marked sent", func() bool {
		n := ccTQueryInt(t, e.f, "SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL")
		return n == 2
	})
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM mail_outbox"); n != 2 {
		t.Fatalf("%d outbox rows, want 2 (the member without an address has none)", n)
	}
	select {
	case m := <-smtpd.received:
		t.Fatalf("a third mail: %+v", m)
	default:
	}
}

// TestMailOutageNeverBlocksAChange: with the SMTP server down, a coordinator's move still
// succeeds and its mail stays queued with the error; once the server is back, the mail goes,
// once.
func TestMailOutageNeverBlocksAChange(t *testing.T) {
	t.Parallel()
	// A port with nothing listening on it, for now.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := mtNewEnv(t, 2, 2, map[string]string{"PAIRUP_SMTP_URL": "smtp://" + addr})
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	if _, err := e.f.Store.Pool().Exec(context.Background(), "UPDATE people SET email = 'a@example.edu' WHERE student_number = $1", e.n[0]); err != nil {
		t.Fatal(err)
	}
	r := e.s[0].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/projects/%d/move", team.ID), e.coordOn[0], map[string]any{"lab_id": e.labs[1].ID})
	if r.Status != 200 {
		t.Fatalf("move during a mail outage: %d %s", r.Status, r.Body)
	}
	// The instances' senders, kicked by the notice, try and fail.
	var row store.MailState
	mtPoll(t, "a failed attempt recorded", func() bool {
		rows := mtMailOf(t, e.f.Store, e.n[0])
		if len(rows) != 1 {
			t.Fatalf("outbox rows %+v, want 1", rows)
		}
		row = rows[0]
		return row.Attempts >= 1
	})
	if row.SentAt != nil || row.LastError == "" || !row.NextAttemptAt.After(time.Now()) {
		t.Fatalf("after the failure: %+v", row)
	}

	// The server comes back. A sender whose clock is past the backoff sends the mail now.
	smtpd := mtStart(t, addr)
	sender, err := pmail.NewSender(e.f.Store, mustSMTP(t, "smtp://"+addr), pmail.Config{}, func() time.Time { return time.Now().Add(2 * time.Hour) }, mtLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	sent, failed, err := sender.SendDue(context.Background())
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("SendDue: sent %d, failed %d, %v", sent, failed, err)
	}
	if m := smtpd.mtNext(t); len(m.To) != 1 || m.To[0] != "a@example.edu" {
		t.Fatalf("delivered %+v", m)
	}
	rows := mtMailOf(t, e.f.Store, e.n[0])
	if len(rows) != 1 || rows[0].SentAt == nil || rows[0].LastError != "" {
		t.Fatalf("after delivery %+v", rows)
	}
	if sent, _, err := sender.SendDue(context.Background()); err != nil || sent != 0 {
		t.Fatalf("a second round sent %d (%v)", sent, err)
	}
}

// TestMailSendersNeverSendOneMailTwice: many senders on two stores draining one outbox at
// once deliver each mail exactly once.
func TestMailSendersNeverSendOneMailTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0, 0)
	smtpd := mtStart(t, "127.0.0.1:0")
	ctx := context.Background()
	const mails = 30
	for i := range mails {
		if _, err := f.Store.Pool().Exec(ctx, "INSERT INTO mail_outbox (to_address, subject, body) VALUES ($1, 'S', 'B')", fmt.Sprintf("p%d@example.edu", i)); err != nil {
			t.Fatal(err)
		}
	}
	other, err := store.Open(ctx, f.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	var wg sync.WaitGroup
	for i := range 6 {
		st := f.Store
		if i%2 == 1 {
			st = other
		}
		s, err := pmail.NewSender(st, mustSMTP(t, "smtp://"+smtpd.Addr), pmail.Config{Batch: 4}, nil, mtLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for {
				sent, failed, err := s.SendDue(ctx)
				if err != nil || failed != 0 {
					t.Errorf("SendDue: %d failed, %v", failed, err)
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for range mails {
		m := smtpd.mtNext(t)
		if seen[m.To[0]] {
			t.Fatalf("a second mail to %s", m.To[0])
		}
		seen[m.To[0]] = true
	}
	select {
	case m := <-smtpd.received:
		t.Fatalf("mail %d+1: %+v", mails, m)
	default:
	}
}

// TestMailOutageFailsTheBatchFast: with the server unreachable, one round marks every due mail
// failed after one connection attempt, each due again after its backoff.
func TestMailOutageFailsTheBatchFast(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	for i := range 3 {
		if _, err := f.Store.Pool().Exec(ctx, "INSERT INTO mail_outbox (to_address, subject, body) VALUES ($1, 'S', 'B')", fmt.Sprintf("p%d@example.edu", i)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	s, err := pmail.NewSender(f.Store, mustSMTP(t, "smtp://"+addr), pmail.Config{}, func() time.Time { return now }, mtLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if sent, failed, err := s.SendDue(ctx); err != nil || sent != 0 || failed != 3 {
		t.Fatalf("SendDue: sent %d, failed %d, %v", sent, failed, err)
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND attempts = 1 AND last_error <> '' AND next_attempt_at > $1", now); n != 3 {
		t.Fatalf("%d of 3 mails marked failed and due later", n)
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM mail_outbox WHERE last_error LIKE 'not tried%'"); n != 2 {
		t.Fatalf("%d mails after the first were tried anyway", 2-n)
	}
	if sent, failed, err := s.SendDue(ctx); err != nil || sent+failed != 0 {
		t.Fatalf("a second round at once: sent %d, failed %d, %v (all wait for their backoff)", sent, failed, err)
	}
}

// mtNewEnv is ctNewEnv (a unit "ops" of teams of 2 to 3, its students, a coordinator, slots
// and two instances) with the instances' environment.
func mtNewEnv(t *testing.T, students, slots int, env map[string]string) *ctEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &ctEnv{f: f, coord: "33000999"}
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.n, err = f.Make.Students(ctx, "ops", 33000000, students, "Ops"); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "ops", testfactory.Person{Number: e.coord, Name: "Coordinator", Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	if e.labs, err = f.Make.Session(ctx, "ops", "Lab", slotDay(), slots, 15*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	e.s = [2]*testServer{startServer(t, f.DBURL, env), startServer(t, f.DBURL, env)}
	for i := range e.s {
		e.coordOn[i] = signIn(t, e.s[i], e.coord)
	}
	return e
}

func mtLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLogWriter{t}, nil))
}

func mustSMTP(t *testing.T, raw string) pmail.Server {
	t.Helper()
	s, err := pmail.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
