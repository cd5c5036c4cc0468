package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem"
)

// bulkPollInterval is how often the progress stream reads the run.
const bulkPollInterval = 500 * time.Millisecond

// bulkEvents answers GET /admin/bulk/{id}/events with server-sent events:
// a "progress" event whenever the run changes, and "done" when it ends.
// The run is read from the database, so the stream follows it whichever
// replica runs it.
func (c *Console) bulkEvents(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, tandem.Errorf(tandem.ENOTFOUND, "There is no bulk sync %q.", r.PathValue("id")))
		return
	}
	ctx := r.Context()
	if _, err := c.cfg.UseCases.BulkSync(ctx, id); err != nil {
		c.fail(w, r, err)
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	t := time.NewTicker(bulkPollInterval)
	defer t.Stop()
	last := ""
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		v, err := c.cfg.UseCases.BulkSync(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				c.cfg.Log.Error("console: bulk progress", "err", err)
			}
			return
		}
		b, _ := json.Marshal(v)
		event := "progress"
		if !v.Running() {
			event = "done"
		}
		if string(b) != last || event == "done" {
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
				return
			}
			fl.Flush()
			last = string(b)
		}
		if event == "done" {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
