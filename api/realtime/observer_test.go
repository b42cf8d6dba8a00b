package realtime

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pairup/pairup/api/metrics"
)

// TestQueueClosureObserved: a client whose send queue overflows is closed with 1008 and counted
// once as a queue closure, however many senders find its queue full at once.
func TestQueueClosureObserved(t *testing.T) {
	m := metrics.New()
	h := NewHub(nil, nil, slog.New(slog.DiscardHandler), Config{QueueSize: 1, Observer: m})

	accepted, stop := make(chan *websocket.Conn, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		accepted <- conn
		<-stop
	}))
	defer srv.Close()
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	peer, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.CloseNow()
	conn := <-accepted

	// No writer drains the queue: the second frame overflows it.
	c := &client{hub: h, conn: conn, send: make(chan []byte, h.cfg.QueueSize), closed: make(chan struct{})}
	c.enqueue([]byte(`{"type":"ready"}`))
	if got := queueClosures(t, m); got != 0 {
		t.Fatalf("closures with room in the queue = %v", got)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { c.enqueue([]byte(`{"type":"resync"}`)) })
	}
	wg.Wait()
	if got := queueClosures(t, m); got != 1 {
		t.Fatalf("closures after the queue overflowed = %v, want 1", got)
	}
	select {
	case <-c.closed:
	default:
		t.Fatal("the slow client is not closed")
	}
	// The peer is told why: 1008.
	for {
		_, _, err := peer.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != websocket.StatusPolicyViolation {
				t.Fatalf("peer saw %v (code %d), want 1008", err, code)
			}
			break
		}
	}
}

func queueClosures(t *testing.T, m *metrics.Metrics) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "pairup_socket_queue_closures_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no pairup_socket_queue_closures_total")
	return 0
}
