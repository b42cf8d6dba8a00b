package pairup

import "time"

// Invitation statuses. A pending invitation past its expiry is reported as lapsed.
const (
	InvitePending   = "pending"
	InviteAccepted  = "accepted"
	InviteDeclined  = "declined"
	InviteLapsed    = "lapsed"
	InviteWithdrawn = "withdrawn"
)

// Audit actions of invitations.
const (
	AuditInviteSent      = "invite.sent"
	AuditInviteAccepted  = "invite.accepted"
	AuditInviteDeclined  = "invite.declined"
	AuditInviteWithdrawn = "invite.withdrawn"
)

// Invitation is a team's request that a student join it; the student accepts (and joins,
// within team_max) or declines.
type Invitation struct {
	ID        int64
	Unit      string
	ProjectID int64  // the inviting team; 0 once it has dissolved
	Team      string // its members' names joined by " & " ("" once dissolved)
	From      Student
	Student   Student
	Status    string // as stored; see StatusAt
	CreatedAt time.Time
	ExpiresAt time.Time
}

// StatusAt is the invitation's status at the instant: a pending one lapses at its expiry.
func (i Invitation) StatusAt(now time.Time) string {
	if i.Status == InvitePending && !now.Before(i.ExpiresAt) {
		return InviteLapsed
	}
	return i.Status
}
