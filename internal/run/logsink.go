package run

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
)

// logFlushEvery is how long log lines wait before they are written, in batches, so that a
// chatty agent does not make one write transaction per line. Live listeners get each line at
// once.
const logFlushEvery = 250 * time.Millisecond

// truncationMark ends a log that reached MaxLogBytes.
const truncationMark = "[log truncated: this run wrote more than 1 MiB; the rest was dropped]"

// logSink keeps a run's log lines: it numbers them, sends each to live listeners, writes them
// in batches and stops keeping them past MaxLogBytes.
type logSink struct {
	store      *Store
	campaignID string
	runID      string

	mu      sync.Mutex
	seq     int
	bytes   int
	cut     bool
	pending []LogLine
	done    chan struct{}
	flushed chan struct{}
}

func newLogSink(s *Store, campaignID, runID string) *logSink {
	l := &logSink{store: s, campaignID: campaignID, runID: runID,
		done: make(chan struct{}), flushed: make(chan struct{})}
	go l.loop()
	return l
}

// add keeps one line; it is the executor's log callback.
func (l *logSink) add(line string) {
	l.mu.Lock()
	if l.cut {
		l.mu.Unlock()
		return
	}
	// Room is kept for the mark, so that the log never passes MaxLogBytes.
	if l.bytes+len(line) > MaxLogBytes-len(truncationMark) {
		l.cut, line = true, truncationMark
	}
	l.bytes += len(line)
	l.seq++
	ll := LogLine{Seq: l.seq, Line: line, At: l.store.now().UTC()}
	l.pending = append(l.pending, ll)
	l.mu.Unlock()
	if b := l.store.broker; b != nil {
		b.Publish(event.Event{Type: "run.log", CampaignID: l.campaignID,
			Data: liveLine{CampaignID: l.campaignID, RunID: l.runID, Seq: ll.Seq,
				Line: ll.Line, At: ll.At}})
	}
}

// liveLine is a log line on the event stream.
type liveLine struct {
	CampaignID string    `json:"campaignId"`
	RunID      string    `json:"runId"`
	Seq        int       `json:"seq"`
	Line       string    `json:"line"`
	At         time.Time `json:"at"`
}

func (l *logSink) truncated() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cut
}

func (l *logSink) loop() {
	defer close(l.flushed)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.flush()
		case <-l.done:
			l.flush()
			return
		}
	}
}

// close writes what is left and stops the sink.
func (l *logSink) close() {
	close(l.done)
	<-l.flushed
}

func (l *logSink) flush() {
	l.mu.Lock()
	lines := l.pending
	l.pending = nil
	total := l.bytes
	l.mu.Unlock()
	if len(lines) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := l.store.db.Tx(ctx, func(tx *database.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO run_logs (campaign_id, run_id, seq,
			stream, line, created_at) VALUES (?, ?, ?, 'stderr', ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, ll := range lines {
			if _, err := st.ExecContext(ctx, l.campaignID, l.runID, ll.Seq, ll.Line,
				database.FormatTime(ll.At)); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET log_bytes = ?
			WHERE campaign_id = ? AND id = ?`, total, l.campaignID, l.runID)
		return err
	})
	if err != nil {
		slog.Error("Run log lines could not be saved", "run_id", l.runID,
			"lines", len(lines), "err", err)
	}
}
