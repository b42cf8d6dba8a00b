package service

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// MaxNoticePage is the most notices one page of an inbox holds.
const MaxNoticePage = 200

// NoticePage is one page of a person's inbox, newest first. Next is the cursor of the next
// (older) page, 0 on the last; Unread counts the person's unread notices in the unit.
type NoticePage struct {
	Notices []pairup.Notice
	Unread  int
	Next    int64
}

// Notices returns a page of the caller's own notices in the unit, older than cursor (0: the
// newest): EINVALID. Anyone with access to the unit has an inbox there; a coordinator's is
// normally empty. No one reads another person's notices.
func (s *Service) Notices(ctx context.Context, acc Access, cursor int64, limit int) (NoticePage, error) {
	if limit < 1 || limit > MaxNoticePage {
		return NoticePage{}, pairup.FieldErrorf(pairup.EINVALID, "limit", "must be from 1 to %d", MaxNoticePage)
	}
	if cursor < 0 {
		return NoticePage{}, pairup.FieldErrorf(pairup.EINVALID, "cursor", "must be the next of an earlier page")
	}
	me := acc.Actor.Person.Number
	if acc.Actor.CLI || me == "" {
		return NoticePage{Notices: []pairup.Notice{}}, nil
	}
	notices, err := s.st.Notices(ctx, acc.Unit.Code, me, cursor, limit+1)
	if err != nil {
		return NoticePage{}, err
	}
	unread, err := s.st.UnreadNotices(ctx, acc.Unit.Code, me)
	if err != nil {
		return NoticePage{}, err
	}
	page := NoticePage{Notices: notices, Unread: unread}
	if len(notices) > limit {
		page.Notices = notices[:limit]
		page.Next = notices[limit-1].ID
	}
	return page, nil
}

// MarkNoticesRead marks the caller's own notices in the unit with an id up to upTo read and
// returns how many are still unread: EINVALID. Idempotent: notices read already keep their
// time, and other people's notices are never touched.
func (s *Service) MarkNoticesRead(ctx context.Context, acc Access, upTo int64) (unread int, err error) {
	if upTo < 1 {
		return 0, pairup.FieldErrorf(pairup.EINVALID, "up_to", "must be the id of a notice: a positive integer")
	}
	me := acc.Actor.Person.Number
	if acc.Actor.CLI || me == "" {
		return 0, nil
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.MarkNoticesRead(ctx, acc.Unit.Code, me, upTo, s.now().UTC()); err != nil {
			return err
		}
		unread, err = tx.UnreadNotices(ctx, acc.Unit.Code, me)
		return err
	})
	return unread, err
}

// ReminderWindow is how far ahead of a demonstration its reminder goes: "the day before".
const ReminderWindow = 24 * time.Hour

// SendReminders notices each member of every team of a live unit whose slot starts within the
// next ReminderWindow (and has not started) that their demonstration is near, once only per
// team and slot: the notice's dedupe key makes it exactly once across instances, so every
// instance may run it. A team moved to another slot is reminded of the new one. It returns how
// many notices it added.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.st.DueReminders(ctx, now, now.Add(ReminderWindow))
	if err != nil {
		return 0, err
	}
	units := map[string]pairup.Unit{}
	added := 0
	for i := 0; i < len(due); {
		// One transaction per team: its members' notices go together.
		j := i
		for j < len(due) && due[j].Project == due[i].Project {
			j++
		}
		team := due[i:j]
		i = j
		u, ok := units[team[0].Unit]
		if !ok {
			if u, err = s.st.Unit(ctx, team[0].Unit); err != nil {
				return added, err
			}
			units[u.Code] = u
		}
		lab := team[0].Lab
		text := fmt.Sprintf("Reminder: your team demonstrates at %s (%s time), within a day.", lab.Label(), u.Timezone)
		data := map[string]any{"pid": team[0].Project, "lab_id": lab.ID}
		key := fmt.Sprintf("reminder:%d:%d", team[0].Project, lab.ID)
		n := 0
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			n = 0
			for _, m := range team {
				ok, err := s.addNoticeOnce(ctx, tx, u, pairup.Notice{
					Unit: u.Code, Student: m.Student, Kind: pairup.NoticeReminder, Text: text, Data: data, DedupeKey: key,
				})
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return added, err
		}
		added += n
	}
	return added, nil
}

// addNoticeOnce is addNotice that also says whether the notice was new (its dedupe key unused).
func (s *Service) addNoticeOnce(ctx context.Context, tx *store.Tx, u pairup.Unit, n pairup.Notice) (bool, error) {
	n.CreatedAt = s.now().UTC()
	id, ok, err := tx.AddNotice(ctx, n)
	if err != nil || !ok {
		return false, err
	}
	if s.mail {
		n.ID = id
		if err := tx.QueueNoticeMail(ctx, n, "Pair-Up · "+u.Title, n.Text+"\n\n— Pair-Up, "+u.Title+"\n"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// RunReminders calls SendReminders every interval (the first time one interval after it
// starts) until ctx ends. Every instance runs it; the notices' dedupe keys keep each reminder
// to one.
func (s *Service) RunReminders(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.SendReminders(ctx); err != nil && ctx.Err() == nil {
			logger.WarnContext(ctx, "send reminders", "err", err)
		} else if n > 0 {
			logger.InfoContext(ctx, "reminders sent", "notices", n)
		}
	}
}
