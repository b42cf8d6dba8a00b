// Package mail sends the outbox: the emails that notices queue in the same transaction as the
// change that caused them. Every instance runs a Sender; rows are claimed with SKIP LOCKED, so
// two instances never send one mail at once, and a failed send is retried with capped
// exponential backoff. A mail outage never blocks a change: it only delays its email.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// DefaultFrom is the sender address when PAIRUP_MAIL_FROM is not set.
const DefaultFrom = "Pair-Up <pairup@localhost>"

// Outbox is where the sender finds its mail (store.Store).
type Outbox interface {
	DeliverDueMail(ctx context.Context, now time.Time, limit int, send func(store.OutboxMail) error, retryAt func(attempts int) time.Time) (sent, failed int, err error)
}

// Server is an SMTP server to send through, parsed from smtp://[user:pass@]host:port
// (STARTTLS when the server offers it) or smtps://... (TLS from the start).
type Server struct {
	Addr        string // host:port
	ImplicitTLS bool
	Username    string
	Password    string
	host        string
}

// ParseURL reads an SMTP server's URL: smtp://[user:pass@]host[:port] (port 25 by default) or
// smtps://[user:pass@]host[:port] (465).
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Server{}, fmt.Errorf("not a URL: %w", err)
	}
	var srv Server
	switch u.Scheme {
	case "smtp":
	case "smtps":
		srv.ImplicitTLS = true
	default:
		return Server{}, fmt.Errorf("the scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return Server{}, errors.New("no host")
	}
	port := u.Port()
	if port == "" {
		port = "25"
		if srv.ImplicitTLS {
			port = "465"
		}
	}
	srv.host = u.Hostname()
	srv.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		srv.Username = u.User.Username()
		srv.Password, _ = u.User.Password()
	}
	return srv, nil
}

// Config tunes a Sender; zero values take the defaults.
type Config struct {
	From     string        // the From header and envelope sender (DefaultFrom)
	Interval time.Duration // how often due mail (retries included) is looked for without a kick (30s)
	Batch    int           // mails claimed per round (20)
	Timeout  time.Duration // for one SMTP conversation (30s)
}

// Sender delivers the outbox through one SMTP server.
type Sender struct {
	outbox Outbox
	server Server
	cfg    Config
	from   *mail.Address
	now    func() time.Time
	logger *slog.Logger
	kick   chan struct{}
}

// NewSender returns a sender; now is the clock (time.Now in production).
func NewSender(outbox Outbox, server Server, cfg Config, now func() time.Time, logger *slog.Logger) (*Sender, error) {
	if cfg.From == "" {
		cfg.From = DefaultFrom
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("the sender address %q: %w", cfg.From, err)
	}
	if now == nil {
		now = time.Now
	}
	return &Sender{outbox: outbox, server: server, cfg: cfg, from: from, now: now, logger: logger, kick: make(chan struct{}, 1)}, nil
}

// Backoff is how long a mail waits after its attempts-th failed attempt: a minute, doubling,
// at most an hour.
func Backoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Kick asks Run to look for due mail now (a notice was committed); it never blocks.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run sends due mail at once, then on every Kick (a committed notice, from any instance: see
// KickOnNotice) and every interval (retries), until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		for {
			sent, failed, err := s.SendDue(ctx)
			if err != nil && ctx.Err() == nil {
				s.logger.WarnContext(ctx, "send mail", "err", err)
			}
			// A full batch of successes may have more behind it; failures wait for their backoff.
			if err != nil || sent+failed < s.cfg.Batch || failed > 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// unreachableError is a failure to reach the SMTP server at all: the rest of the batch is not
// tried (each would wait for the same timeout) and waits for its backoff too.
type unreachableError struct{ err error }

func (e unreachableError) Error() string { return e.err.Error() }
func (e unreachableError) Unwrap() error { return e.err }

// SendDue sends one batch of the mail due now and returns how many went and how many failed.
func (s *Sender) SendDue(ctx context.Context) (sent, failed int, err error) {
	now := s.now()
	var down error
	return s.outbox.DeliverDueMail(ctx, now, s.cfg.Batch, func(m store.OutboxMail) error {
		if down != nil {
			return fmt.Errorf("not tried, the server was unreachable: %w", down)
		}
		if err := s.send(ctx, m); err != nil {
			if errors.As(err, new(unreachableError)) {
				down = err
			}
			s.logger.WarnContext(ctx, "mail not sent; will retry", "mail", m.ID, "attempt", m.Attempts+1, "err", err)
			return err
		}
		return nil
	}, func(attempts int) time.Time { return now.Add(Backoff(attempts)) })
}

// send delivers one mail in one SMTP conversation.
func (s *Sender) send(ctx context.Context, m store.OutboxMail) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("the address %q: %w", m.To, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.server.Addr)
	if err != nil {
		return unreachableError{fmt.Errorf("connect to %s: %w", s.server.Addr, err)}
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	tlsConfig := &tls.Config{ServerName: s.server.host}
	if s.server.ImplicitTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, s.server.host)
	if err != nil {
		conn.Close()
		return unreachableError{fmt.Errorf("greeting from %s: %w", s.server.Addr, err)}
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if !s.server.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		}
	}
	if s.server.Username != "" {
		// PlainAuth itself refuses to send the password in the clear, except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.server.Username, s.server.Password, s.server.host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(s.message(to, m))); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message is the RFC 5322 text of a mail: plain text in UTF-8 (8bit; the body is a few short
// lines), CRLF line ends.
func (s *Sender) message(to *mail.Address, m store.OutboxMail) string {
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", s.now().UTC().Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<outbox-%d@pairup>", m.ID))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	b.WriteString(body)
	if !strings.HasSuffix(body, "\r\n") {
		b.WriteString("\r\n")
	}
	return b.String()
}

// KickOnNotice returns an event handler that kicks the sender on every committed notice.
func (s *Sender) KickOnNotice(e pairup.Event) {
	if e.Kind == pairup.EventNotice {
		s.Kick()
	}
}
