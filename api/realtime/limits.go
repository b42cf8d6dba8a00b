package realtime

import (
	"net/http"
	"strings"
)

// DefaultMaxSocketsPerPerson is how many WebSockets one person may hold on one instance unless
// Config says otherwise: a few browser tabs and devices, not a flood of connections each
// costing a goroutine pair, a queue and a share of every broadcast.
const DefaultMaxSocketsPerPerson = 8

// maxFrame bounds what a client may send in one message; a chat message is at most 4000 bytes
// (16 KiB leaves room for JSON escapes). A bigger one closes the socket with 1009 (message too
// big). Compression is never negotiated, so what is read is what was sent: no small frame
// inflates into a big one.
const maxFrame = 16 << 10

// acquireSocket takes one of the person's sockets on this instance, before the upgrade; false
// when they already hold the most they may. Every true is paired with one releaseSocket.
func (h *Hub) acquireSocket(number string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sockets == nil {
		h.sockets = map[string]int{}
	}
	if h.sockets[number] >= h.cfg.MaxSocketsPerPerson {
		return false
	}
	h.sockets[number]++
	return true
}

// releaseSocket gives back a socket acquireSocket took.
func (h *Hub) releaseSocket(number string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sockets[number] <= 1 {
		delete(h.sockets, number)
		return
	}
	h.sockets[number]--
}

// documentHeaders are the security headers every HTTP answer carries (api/web.SecurityHeaders):
// they tell a browser how to treat a document, and a 101 Switching Protocols is none.
var documentHeaders = []string{"Content-Security-Policy", "Cross-Origin-Opener-Policy", "Referrer-Policy", "X-Content-Type-Options"}

// upgradeHeaders leaves the document headers off an upgrade that will succeed, so the 101 is
// the same few bytes whatever headers the answers of the API carry: a client reading through a
// tiny receive window (the slow-consumer test) depends on where the first frames fall. A
// handshake that the WebSocket library will refuse keeps them on its 400.
func upgradeHeaders(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Sec-WebSocket-Key") == "" || r.Header.Get("Sec-WebSocket-Version") != "13" ||
		!strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade") || r.Method != http.MethodGet {
		return
	}
	for _, k := range documentHeaders {
		w.Header().Del(k)
	}
}
