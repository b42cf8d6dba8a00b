package service

import (
	"context"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// EnableMail makes every notice also queue an email to its student (when they have an
// address); the outbox sender delivers it after commit. Off by default.
func (s *Service) EnableMail() { s.mail = true }

// notice records, in the use case's transaction, a notice for each of the students (in the unit
// u): their inbox shows text, a live push reaches them at commit and, with mail enabled, an
// email follows. data carries the ids a client can act on.
func (s *Service) notice(ctx context.Context, tx *store.Tx, u pairup.Unit, kind, text string, data map[string]any, students ...string) error {
	for _, st := range students {
		if err := s.addNotice(ctx, tx, u, pairup.Notice{Unit: u.Code, Student: st, Kind: kind, Text: text, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// addNotice stores one notice (with its dedupe key, if any) and queues its email.
func (s *Service) addNotice(ctx context.Context, tx *store.Tx, u pairup.Unit, n pairup.Notice) error {
	n.CreatedAt = s.now().UTC()
	id, ok, err := tx.AddNotice(ctx, n)
	if err != nil || !ok || !s.mail {
		return err
	}
	n.ID = id
	return tx.QueueNoticeMail(ctx, n, "Pair-Up · "+u.Title, n.Text+"\n\n— Pair-Up, "+u.Title+"\n")
}
