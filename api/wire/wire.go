// Package wire converts domain values into the JSON shapes openapi.yaml defines, shared by the
// REST handlers and the WebSocket pushes so both show a project the same way.
package wire

import (
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// Student is a student as clients see it: number and name, never the role.
func Student(s pairup.Student) oapigen.Student {
	return oapigen.Student{Id: s.Number, Name: s.Name}
}

// Project is a project with its team line, slot label and members.
func Project(p pairup.Project) oapigen.Project {
	members := make([]oapigen.Student, len(p.Members))
	for i, m := range p.Members {
		members[i] = Student(m)
	}
	return oapigen.Project{
		Pid:         p.ID,
		Team:        p.Team(),
		Description: p.Description,
		LabId:       p.Lab.ID,
		Lab:         p.Lab.Label(),
		Room:        p.Lab.Room,
		StartsAt:    p.Lab.StartsAt.Format(pairup.LabTimeLayout),
		Members:     members,
	}
}

// Lab is a free slot as GET /api/labs lists it.
func Lab(l pairup.LabSlot) oapigen.Lab {
	return oapigen.Lab{LabId: l.ID, Lab: l.Label(), Room: l.Room, StartsAt: l.StartsAt.Format(pairup.LabTimeLayout)}
}
