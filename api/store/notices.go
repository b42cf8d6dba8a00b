package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// AddNotice stores the notice and queues the event that pushes it to its student when the
// transaction commits. A notice whose dedupe key its student has had already is dropped: ok is
// false then.
func (tx Tx) AddNotice(ctx context.Context, n pairup.Notice) (id int64, ok bool, err error) {
	data := n.Data
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, false, fmt.Errorf("encode notice data: %w", err)
	}
	var key *string
	if n.DedupeKey != "" {
		key = &n.DedupeKey
	}
	id, err = tx.q.InsertNotice(ctx, dbgen.InsertNoticeParams{
		Unit: n.Unit, StudentNumber: n.Student, Kind: n.Kind, Text: n.Text, Data: raw,
		CreatedAt: n.CreatedAt, DedupeKey: key,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("insert notice: %w", err)
	}
	if err := tx.Notify(ctx, pairup.Event{Kind: pairup.EventNotice, Unit: n.Unit, Student: n.Student, NoticeID: id}); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// QueueNoticeMail puts the notice's email in the outbox when its student has an address; it is
// sent after commit and retried until it goes.
func (tx Tx) QueueNoticeMail(ctx context.Context, n pairup.Notice, subject, body string) error {
	_, err := tx.q.QueueNoticeMail(ctx, dbgen.QueueNoticeMailParams{
		NoticeID: &n.ID, StudentNumber: n.Student, Subject: subject, Body: body, CreatedAt: n.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

func decodeNotice(id int64, unit, student, kind, text string, data []byte, created time.Time, read *time.Time) (pairup.Notice, error) {
	n := pairup.Notice{ID: id, Unit: unit, Student: student, Kind: kind, Text: text, CreatedAt: created.UTC(), Data: map[string]any{}}
	if read != nil {
		t := read.UTC()
		n.ReadAt = &t
	}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &n.Data); err != nil {
			return pairup.Notice{}, fmt.Errorf("decode notice data: %w", err)
		}
	}
	return n, nil
}

// Notice returns one notice and whether its unit is archived: ENOTFOUND when there is none.
func (q Queries) Notice(ctx context.Context, id int64) (n pairup.Notice, archived bool, err error) {
	r, err := q.q.GetNotice(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Notice{}, false, pairup.Errorf(pairup.ENOTFOUND, "no notice %d", id)
	} else if err != nil {
		return pairup.Notice{}, false, fmt.Errorf("get notice: %w", err)
	}
	n, err = decodeNotice(r.ID, r.Unit, r.StudentNumber, r.Kind, r.Text, r.Data, r.CreatedAt, r.ReadAt)
	return n, r.Archived, err
}

// Notices returns up to limit of the person's notices in the unit older than before (0: the
// newest), newest first.
func (q Queries) Notices(ctx context.Context, unit, person string, before int64, limit int) ([]pairup.Notice, error) {
	rows, err := q.q.ListNotices(ctx, dbgen.ListNoticesParams{Unit: unit, StudentNumber: person, Before: before, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	out := make([]pairup.Notice, len(rows))
	for i, r := range rows {
		if out[i], err = decodeNotice(r.ID, r.Unit, r.StudentNumber, r.Kind, r.Text, r.Data, r.CreatedAt, r.ReadAt); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UnreadNotices counts the person's unread notices in the unit.
func (q Queries) UnreadNotices(ctx context.Context, unit, person string) (int, error) {
	n, err := q.q.CountUnreadNotices(ctx, dbgen.CountUnreadNoticesParams{Unit: unit, StudentNumber: person})
	if err != nil {
		return 0, fmt.Errorf("count unread notices: %w", err)
	}
	return int(n), nil
}

// MarkNoticesRead marks the person's unread notices in the unit with an id up to upTo read at at.
func (tx Tx) MarkNoticesRead(ctx context.Context, unit, person string, upTo int64, at time.Time) error {
	_, err := tx.q.MarkNoticesRead(ctx, dbgen.MarkNoticesReadParams{Unit: unit, StudentNumber: person, UpTo: upTo, ReadAt: &at})
	if err != nil {
		return fmt.Errorf("mark notices read: %w", err)
	}
	return nil
}

// DueReminder is one member of a team whose slot starts soon.
type DueReminder struct {
	Unit    string
	Project int64
	Lab     pairup.LabSlot
	Student string
}

// DueReminders lists the members of every team of a live unit whose slot starts after after and
// no later than until, by unit and team.
func (q Queries) DueReminders(ctx context.Context, after, until time.Time) ([]DueReminder, error) {
	rows, err := q.q.ListDueReminders(ctx, dbgen.ListDueRemindersParams{After: after, Until: until})
	if err != nil {
		return nil, fmt.Errorf("list due reminders: %w", err)
	}
	out := make([]DueReminder, len(rows))
	for i, r := range rows {
		out[i] = DueReminder{Unit: r.Unit, Project: r.Pid, Student: r.StudentNumber,
			Lab: pairup.LabSlot{ID: r.LabID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt}}
	}
	return out, nil
}

// OutboxMail is one email waiting in the outbox.
type OutboxMail struct {
	ID       int64
	To       string
	Subject  string
	Body     string
	Attempts int // failed attempts so far
}

// DeliverDueMail claims up to limit mails due at now and hands each to send, in one
// transaction that holds their row locks: another instance skips them (SKIP LOCKED), so no
// mail is sent twice at once. A mail send accepts is marked sent; one it refuses is marked
// failed, with its error, and due again at retryAt(its attempts so far). It returns how many
// were sent and how many failed.
func (s *Store) DeliverDueMail(ctx context.Context, now time.Time, limit int, send func(OutboxMail) error, retryAt func(attempts int) time.Time) (sent, failed int, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error {
		sent, failed = 0, 0
		q := s.q.WithTx(ptx)
		rows, err := q.ClaimDueMail(ctx, dbgen.ClaimDueMailParams{Now: now, Lim: int32(limit)})
		if err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		for _, r := range rows {
			m := OutboxMail{ID: r.ID, To: r.ToAddress, Subject: r.Subject, Body: r.Body, Attempts: int(r.Attempts)}
			if serr := send(m); serr != nil {
				msg := serr.Error()
				if len(msg) > 1000 {
					msg = msg[:1000]
				}
				if err := q.MarkMailFailed(ctx, dbgen.MarkMailFailedParams{ID: r.ID, LastError: &msg, NextAttemptAt: retryAt(m.Attempts + 1)}); err != nil {
					return fmt.Errorf("mark mail failed: %w", err)
				}
				failed++
				continue
			}
			if err := q.MarkMailSent(ctx, dbgen.MarkMailSentParams{ID: r.ID, SentAt: &now}); err != nil {
				return fmt.Errorf("mark mail sent: %w", err)
			}
			sent++
		}
		return nil
	})
	return sent, failed, err
}

// MailState is an outbox row as tests and operators see it.
type MailState struct {
	OutboxMail
	LastError     string
	NextAttemptAt time.Time
	SentAt        *time.Time
}

// MailOfNotice returns the outbox rows of a notice.
func (q Queries) MailOfNotice(ctx context.Context, notice int64) ([]MailState, error) {
	rows, err := q.q.MailOfNotice(ctx, &notice)
	if err != nil {
		return nil, fmt.Errorf("mail of notice: %w", err)
	}
	out := make([]MailState, len(rows))
	for i, r := range rows {
		out[i] = MailState{
			OutboxMail:    OutboxMail{ID: r.ID, To: r.ToAddress, Subject: r.Subject, Body: r.Body, Attempts: int(r.Attempts)},
			LastError:     deref(r.LastError),
			NextAttemptAt: r.NextAttemptAt, SentAt: r.SentAt,
		}
	}
	return out, nil
}
