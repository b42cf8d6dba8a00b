package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/mail"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
)

// noticeConfig is the environment's say over notices: reminders and email.
type noticeConfig struct {
	SMTPURL          string        // PAIRUP_SMTP_URL; empty means no email
	MailFrom         string        // PAIRUP_MAIL_FROM
	MailInterval     time.Duration // PAIRUP_MAIL_INTERVAL: how often the outbox is looked at without a new notice
	ReminderInterval time.Duration // PAIRUP_REMINDER_INTERVAL
	smtp             mail.Server
}

func loadNoticeConfig(getenv func(string) string) (noticeConfig, error) {
	cfg := noticeConfig{
		SMTPURL: getenv("PAIRUP_SMTP_URL"), MailFrom: getenv("PAIRUP_MAIL_FROM"),
		MailInterval: 30 * time.Second, ReminderInterval: 5 * time.Minute,
	}
	if cfg.MailFrom == "" {
		cfg.MailFrom = mail.DefaultFrom
	}
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"PAIRUP_MAIL_INTERVAL", &cfg.MailInterval}, {"PAIRUP_REMINDER_INTERVAL", &cfg.ReminderInterval}} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return noticeConfig{}, fmt.Errorf("%s=%q is not a positive Go duration such as 5m or 30s", d.name, v)
			}
			*d.to = t
		}
	}
	if cfg.SMTPURL != "" {
		srv, err := mail.ParseURL(cfg.SMTPURL)
		if err != nil {
			return noticeConfig{}, fmt.Errorf("PAIRUP_SMTP_URL: %w (want smtp://[user:pass@]host:port)", err)
		}
		cfg.smtp = srv
	}
	return cfg, nil
}

// startNotices runs this instance's share of notice delivery until ctx ends: the day-before
// reminders and, with PAIRUP_SMTP_URL set, the outbox sender (kicked by every committed notice,
// from any instance). Every instance runs both; the database keeps each reminder and each
// mail to one. The returned channel closes when they have stopped.
func startNotices(ctx context.Context, cfg noticeConfig, st *store.Store, svc *service.Service, logger *slog.Logger) (<-chan struct{}, error) {
	var sender *mail.Sender
	if cfg.SMTPURL != "" {
		var err error
		sender, err = mail.NewSender(st, cfg.smtp, mail.Config{From: cfg.MailFrom, Interval: cfg.MailInterval}, time.Now, logger)
		if err != nil {
			return nil, fmt.Errorf("PAIRUP_MAIL_FROM: %w", err)
		}
		svc.EnableMail()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		stopped := make(chan struct{}, 3)
		n := 1
		go func() { svc.RunReminders(ctx, cfg.ReminderInterval, logger); stopped <- struct{}{} }()
		if sender != nil {
			n += 2
			go func() { sender.Run(ctx); stopped <- struct{}{} }()
			go func() {
				// Its own LISTEN: a notice committed on any instance kicks this sender.
				_ = st.Listen(ctx, sender.KickOnNotice, sender.Kick, nil)
				stopped <- struct{}{}
			}()
		}
		for range n {
			<-stopped
		}
	}()
	return done, nil
}
