package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
