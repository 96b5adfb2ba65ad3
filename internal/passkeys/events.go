package passkeys

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"movieapi/internal/domain"
)

// event is a security event of the request in ctx: its client and request
// id filled in; the repository fills the account and passkey from the rows
// a write touches when they are left zero.
func event(ctx context.Context, typ domain.EventType, detail string) domain.SecurityEvent {
	meta := domain.RequestMetaFrom(ctx)
	return domain.SecurityEvent{Type: typ, Detail: detail, Client: meta.Client, RequestID: meta.RequestID}
}

// eventQueueSize bounds the events waiting to be written: past it, an event
// is dropped (and counted) rather than holding up requests or memory.
const eventQueueSize = 1024

// eventWriteTimeout bounds one write of a queued event.
const eventWriteTimeout = 5 * time.Second

// eventLog writes the events of actions that write nothing else to
// PostgreSQL — a logout, a session ended from elsewhere, a refused sign-in —
// after the action, off the request's path. The policy (contract §7.11):
// such an event never fails or slows its action; if it cannot be written
// (PostgreSQL down, the queue full) it is dropped, counted in
// security_event_write_failures_total and logged. Off the path matters for
// refused sign-ins in particular: a write only for real accounts would
// otherwise let a prober time real accounts apart from decoys.
type eventLog struct {
	repo    domain.EventRepository
	metrics Metrics
	log     *slog.Logger
	queue   chan domain.SecurityEvent
	done    chan struct{}
	once    sync.Once
}

func newEventLog(repo domain.EventRepository, metrics Metrics, log *slog.Logger) *eventLog {
	l := &eventLog{repo: repo, metrics: metrics, log: log,
		queue: make(chan domain.SecurityEvent, eventQueueSize), done: make(chan struct{})}
	go l.run()
	return l
}

// record queues e; it never blocks.
func (l *eventLog) record(ctx context.Context, e domain.SecurityEvent) {
	select {
	case l.queue <- e:
	default:
		l.dropped(ctx, e, "the queue is full")
	}
}

func (l *eventLog) run() {
	defer close(l.done)
	for e := range l.queue {
		ctx, cancel := context.WithTimeout(context.Background(), eventWriteTimeout)
		if err := l.repo.RecordEvent(ctx, e); err != nil {
			l.dropped(ctx, e, err.Error())
		} else {
			l.metrics.SecurityEvent(e.Type)
		}
		cancel()
	}
}

func (l *eventLog) dropped(ctx context.Context, e domain.SecurityEvent, why string) {
	l.metrics.SecurityEventDropped()
	l.log.ErrorContext(ctx, "security event not recorded", "event", "security_event.dropped",
		"type", string(e.Type), "user_id", e.UserID, "request_id", e.RequestID, "err", why)
}

// close writes what is queued (bounded by ctx) and stops the writer.
func (l *eventLog) close(ctx context.Context) {
	l.once.Do(func() { close(l.queue) })
	select {
	case <-l.done:
	case <-ctx.Done():
	}
}
