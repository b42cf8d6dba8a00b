package store

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

const eventChannel = "pairup_events"

// ListenerApplicationName is the application_name of the event listener's connection (unless
// DATABASE_URL sets one), so pg_stat_activity shows which backend holds the LISTEN.
const ListenerApplicationName = "pairup-listener"

var _ pairup.EventBus = (*Store)(nil)

// notify queues an event on the transaction's connection; Postgres delivers it at commit.
func notify(ctx context.Context, q *dbgen.Queries, e pairup.Event) error {
	if e.At == 0 {
		e.At = time.Now().UnixMicro() // listeners measure their lag from here
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if err := q.Notify(ctx, string(payload)); err != nil {
		return fmt.Errorf("notify %s: %w", e.Kind, err)
	}
	return nil
}

// Notify queues the event; every instance hears of it when the transaction commits.
func (tx Tx) Notify(ctx context.Context, e pairup.Event) error { return notify(ctx, tx.q, e) }

// Publish implements pairup.EventBus.
func (s *Store) Publish(ctx context.Context, e pairup.Event) error {
	return notify(ctx, s.q, e)
}

// Listen implements pairup.EventBus on a connection of its own (LISTEN holds it), reconnecting
// with backoff until ctx ends.
func (s *Store) Listen(ctx context.Context, handle func(pairup.Event), resync func(), lost func(error)) error {
	backoff := 100 * time.Millisecond
	for {
		err := s.listenOnce(ctx, handle, func() {
			backoff = 100 * time.Millisecond
			resync()
		})
		if ctx.Err() != nil {
			return nil
		}
		if lost != nil {
			lost(err)
		}
		s.logger.WarnContext(ctx, "event listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, handle func(pairup.Event), connected func()) error {
	cc := s.pool.Config().ConnConfig.Copy()
	if cc.RuntimeParams["application_name"] == "" {
		cc.RuntimeParams["application_name"] = ListenerApplicationName // tells it apart in pg_stat_activity
	}
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("connect listener: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+eventChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		var e pairup.Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			s.logger.ErrorContext(ctx, "undecodable event", "payload", n.Payload, "err", err)
			continue
		}
		handle(e)
	}
}

// RevokedAmong returns which of the token ids have been revoked.
func (s *Store) RevokedAmong(ctx context.Context, ids []string) ([]string, error) {
	parsed := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			parsed = append(parsed, u)
		}
	}
	rows, err := s.q.RevokedAmong(ctx, parsed)
	if err != nil {
		return nil, fmt.Errorf("check revocations: %w", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.String()
	}
	return out, nil
}

// discard is the logger of a Store made without one.
var discard = slog.New(slog.DiscardHandler)
