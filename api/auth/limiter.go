package auth

import (
	"context"
	"runtime"
	"slices"
	"sync"
)

// Limiter lets at most a fixed number of jobs run at once and serves the jobs that wait strictly
// in the order they arrived: a ticket queue. PIN hashing is CPU-bound, so running more bcrypts
// at once than there are cores only makes every one of them slower: with 500 sign-ins at 9:00 all
// hashing together, each finishes near the end of the burst; queued first come first served, the
// first finish early and the burst takes no longer. (A sync.Mutex or a buffered channel would
// bound the number too, but neither is FIFO: a newcomer can overtake goroutines that have waited
// for a while, which shows as a long tail.)
type Limiter struct {
	mu    sync.Mutex
	free  int       // slots no job holds
	queue []*ticket // waiting jobs, in arrival order
	// enqueued, when set (by tests), is called with mu held each time a job starts to wait.
	enqueued func()
}

// ticket is one waiting job's place in the queue.
type ticket struct {
	ready   chan struct{} // closed once the job is handed a slot
	granted bool          // set, under mu, when ready is closed
}

// NewLimiter returns a Limiter that lets n jobs run at once (at least one).
func NewLimiter(n int) *Limiter {
	return &Limiter{free: max(n, 1)}
}

// sharedLimiter bounds all of the process's PIN hashing to its cores: what PINs uses when it is
// given no Limiter of its own.
var sharedLimiter = sync.OnceValue(func() *Limiter { return NewLimiter(runtime.GOMAXPROCS(0)) })

// Acquire waits for a slot, behind every job that asked before it, and takes it; the caller must
// Release it. When ctx ends first, the job leaves the queue, never holds a slot and Acquire
// returns ctx's error (a request whose client has gone does not hash).
func (l *Limiter) Acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	if l.free > 0 && len(l.queue) == 0 {
		l.free--
		l.mu.Unlock()
		return nil
	}
	t := &ticket{ready: make(chan struct{})}
	l.queue = append(l.queue, t)
	if l.enqueued != nil {
		l.enqueued()
	}
	l.mu.Unlock()

	select {
	case <-t.ready:
		if err := ctx.Err(); err != nil {
			// Handed the slot as ctx ended: pass it on rather than run.
			l.Release()
			return err
		}
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		if t.granted {
			l.releaseLocked()
		} else if i := slices.Index(l.queue, t); i >= 0 {
			l.queue = slices.Delete(l.queue, i, i+1)
		}
		return ctx.Err()
	}
}

// Release gives back a slot Acquire took: to the job that has waited longest, if any.
func (l *Limiter) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked()
}

func (l *Limiter) releaseLocked() {
	if len(l.queue) == 0 {
		l.free++
		return
	}
	t := l.queue[0]
	l.queue[0] = nil
	l.queue = l.queue[1:]
	t.granted = true
	close(t.ready)
}

// Waiting reports how many jobs are waiting for a slot.
func (l *Limiter) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}
