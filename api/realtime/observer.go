package realtime

import (
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// Observer hears of the hub's connections and events, for monitoring (api/metrics implements
// it). Its methods are called on the hub's paths, some under its lock: they must return at once
// and never call back into the hub.
type Observer interface {
	OnSocketOpen()                // a connection was registered
	OnSocketClose()               // a registered connection ended
	OnQueueClosure()              // a client was closed because its send queue overflowed
	OnEventLag(lag time.Duration) // an event's pushes were queued, lag after its NOTIFY
}

// noObserver is the observer of a hub configured without one.
type noObserver struct{}

func (noObserver) OnSocketOpen()            {}
func (noObserver) OnSocketClose()           {}
func (noObserver) OnQueueClosure()          {}
func (noObserver) OnEventLag(time.Duration) {}

// observer is the configured Observer, or one that does nothing.
func (h *Hub) observer() Observer {
	if h.cfg.Observer == nil {
		return noObserver{}
	}
	return h.cfg.Observer
}

// observeLag reports how long after its NOTIFY an event was dispatched; events without a
// timestamp (from an older instance) are not observed.
func (h *Hub) observeLag(e pairup.Event) {
	if e.At != 0 {
		h.observer().OnEventLag(time.Since(time.UnixMicro(e.At)))
	}
}
