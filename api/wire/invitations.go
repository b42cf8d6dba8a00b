package wire

import (
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// Invitation is an invitation as the API writes it; its status is the one to report (see
// pairup.Invitation.StatusAt).
func Invitation(i pairup.Invitation) oapigen.Invitation {
	return oapigen.Invitation{
		Id: i.ID, Unit: i.Unit, Pid: optional(i.ProjectID), Team: i.Team,
		From: Student(i.From), Student: Student(i.Student), Status: oapigen.InvitationStatus(i.Status),
		CreatedAt: i.CreatedAt.UTC(), ExpiresAt: i.ExpiresAt.UTC(),
	}
}

// InvitationList is a student's received and sent invitations.
func InvitationList(received, sent []pairup.Invitation) oapigen.InvitationList {
	out := oapigen.InvitationList{Received: make([]oapigen.Invitation, len(received)), Sent: make([]oapigen.Invitation, len(sent))}
	for i, inv := range received {
		out.Received[i] = Invitation(inv)
	}
	for i, inv := range sent {
		out.Sent[i] = Invitation(inv)
	}
	return out
}
