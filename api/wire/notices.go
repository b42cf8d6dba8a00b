package wire

import (
	"strconv"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// Notice is one notice of an inbox, as GET /api/units/{unit}/notices lists it and the notice
// frame pushes it.
func Notice(n pairup.Notice) oapigen.Notice {
	data := n.Data
	if data == nil {
		data = map[string]any{}
	}
	return oapigen.Notice{
		Id: n.ID, Unit: n.Unit, Kind: oapigen.NoticeKind(n.Kind), Text: n.Text, Data: data,
		CreatedAt: n.CreatedAt.UTC(), ReadAt: n.ReadAt,
	}
}

// NoticePage is one page of an inbox; next is 0 on the last page.
func NoticePage(notices []pairup.Notice, unread int, next int64) oapigen.NoticePage {
	out := oapigen.NoticePage{Notices: make([]oapigen.Notice, len(notices)), Unread: unread}
	for i, n := range notices {
		out.Notices[i] = Notice(n)
	}
	if next != 0 {
		s := strconv.FormatInt(next, 10)
		out.Next = &s
	}
	return out
}
