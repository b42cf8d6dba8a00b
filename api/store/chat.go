package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// PostChatMessage stores a message in a room of the unit and announces it to every instance.
func (s *Store) PostChatMessage(ctx context.Context, unit, room, sender, body string) (pairup.ChatMessage, error) {
	var m pairup.ChatMessage
	err := s.InTx(ctx, func(tx *Tx) error {
		row, err := tx.q.InsertChatMessage(ctx, dbgen.InsertChatMessageParams{Unit: unit, Room: room, StudentNumber: sender, Body: body})
		if code, _ := constraintViolated(err); code != "" {
			return pairup.Errorf(pairup.EINVALID, "the message breaks a rule of the room")
		} else if err != nil {
			return fmt.Errorf("store chat message: %w", err)
		}
		m = pairup.ChatMessage{ID: row.ID, Unit: unit, Room: room, Body: body, SentAt: row.SentAt}
		return notify(ctx, tx.q, pairup.Event{Kind: pairup.EventChatMessage, Unit: unit, MessageID: row.ID, Room: room})
	})
	return m, err
}

// ChatMessage returns one stored message: ENOTFOUND when there is none.
func (q Queries) ChatMessage(ctx context.Context, id int64) (pairup.ChatMessage, error) {
	r, err := q.q.GetChatMessage(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.ChatMessage{}, pairup.Errorf(pairup.ENOTFOUND, "no such message")
	} else if err != nil {
		return pairup.ChatMessage{}, fmt.Errorf("get chat message: %w", err)
	}
	return pairup.ChatMessage{ID: r.ID, Unit: r.Unit, Room: r.Room, From: r.Name, Body: r.Body, SentAt: r.SentAt}, nil
}

// RecentChatMessages returns the last n messages of the unit's room, oldest first.
func (q Queries) RecentChatMessages(ctx context.Context, unit, room string, n int) ([]pairup.ChatMessage, error) {
	rows, err := q.q.RecentChatMessages(ctx, dbgen.RecentChatMessagesParams{Unit: unit, Room: room, Limit: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("recent chat messages: %w", err)
	}
	out := make([]pairup.ChatMessage, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = pairup.ChatMessage{ID: r.ID, Unit: r.Unit, Room: r.Room, From: r.Name, Body: r.Body, SentAt: r.SentAt}
	}
	return out, nil
}
