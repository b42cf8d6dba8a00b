package service

import (
	"context"
	"errors"
	"slices"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Board is the partner board as one caller sees it.
type Board struct {
	Entries []pairup.BoardEntry // newest first
	Times   []string            // the session times an entry may name: the unit's slot starts still ahead
	CanPost bool                // the caller may post now: a student of the unit in no team, within the window
}

// Board returns the unit's partner board (the unit's students and coordinators): EFORBIDDEN.
func (s *Service) Board(ctx context.Context, acc Access) (Board, error) {
	if err := s.Authorize(ctx, acc, ReadUnit, ""); err != nil {
		return Board{}, err
	}
	entries, err := s.st.BoardEntries(ctx, acc.Unit.Code)
	if err != nil {
		return Board{}, err
	}
	times, err := s.st.SessionTimes(ctx, acc.Unit.Code, s.now())
	if err != nil {
		return Board{}, err
	}
	b := Board{Entries: entries, Times: times}
	if mayPost(acc) == nil && s.checkPhase(acc, acc.Unit) == nil {
		_, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
		switch pairup.ErrorCode(err) {
		case pairup.ENOTFOUND:
			b.CanPost = true
		case "":
		default:
			return Board{}, err
		}
	}
	return b, nil
}

// mayPost allows the unit's students alone: the board is for people looking for a team.
func mayPost(acc Access) error {
	if acc.Actor.CLI || acc.Role != pairup.RoleStudent {
		return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students post on its partner board")
	}
	return nil
}

// PutBoardEntry posts or replaces the caller's own "looking for a team" entry, within the
// sign-up window: EFORBIDDEN (not a student of the unit), EINVALID (note, tags, times; a time
// that is not one of the unit's sessions ahead), ECONFLICT (in a team, the window, archived).
// The database refuses an entry of a member under the student's enrolment lock, so a join
// racing the post never leaves one.
func (s *Service) PutBoardEntry(ctx context.Context, acc Access, note string, tags, times []string) (pairup.BoardEntry, error) {
	if err := mayPost(acc); err != nil {
		return pairup.BoardEntry{}, err
	}
	e, err := pairup.NormalizeBoardEntry(note, tags, times)
	if err != nil {
		return pairup.BoardEntry{}, err
	}
	e.Unit = acc.Unit.Code
	e.Student = pairup.Student{Number: acc.Actor.Person.Number, Name: acc.Actor.Person.Name, Role: pairup.RoleStudent}
	e.UpdatedAt = s.now().UTC()
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		if len(e.Times) > 0 {
			sessions, err := tx.SessionTimes(ctx, u.Code, s.now())
			if err != nil {
				return err
			}
			for _, t := range e.Times {
				if !slices.Contains(sessions, t) {
					return pairup.FieldErrorf(pairup.EINVALID, "times", "%s is not the start of one of this unit's sessions still ahead", t)
				}
			}
		}
		switch at, err := tx.PutBoardEntry(ctx, e); {
		case errors.Is(err, pairup.ErrIsMember):
			return pairup.Errorf(pairup.ECONFLICT, "you are in a team already; the board is for students without one")
		case errors.Is(err, pairup.ErrNotStudentOfUnit):
			return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students post on its partner board")
		case err != nil:
			return err
		default:
			e.UpdatedAt = at
		}
		return nil
	})
	if err != nil {
		return pairup.BoardEntry{}, err
	}
	return e, nil
}

// DeleteBoardEntry takes the caller's own entry off the board, whether or not they had one:
// EFORBIDDEN (not a student of the unit), ECONFLICT (archived).
func (s *Service) DeleteBoardEntry(ctx context.Context, acc Access) error {
	if err := mayPost(acc); err != nil {
		return err
	}
	if err := checkLive(acc.Unit); err != nil {
		return err
	}
	_, err := s.st.DeleteBoardEntry(ctx, acc.Unit.Code, acc.Actor.Person.Number)
	return err
}
