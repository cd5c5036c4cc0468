package jobs

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tasks"
)

// CaseBackstopArgs is the conversation backstop: it searches Intercom for
// conversations started or closed since its last run, in case their
// notification never arrived (Intercom retries a failed delivery once,
// about a minute later, then drops it: a bridge down for longer misses
// it), and queues the Case and Task jobs those notifications would have.
// Its kind keeps the name it had when it covered closed conversations for
// Cases alone, so that jobs queued before an upgrade still run.
type CaseBackstopArgs struct{}

// Kind implements river.JobArgs.
func (CaseBackstopArgs) Kind() string { return "tandem.case_backstop" }

// InsertOpts keeps at most one backstop waiting or running.
func (CaseBackstopArgs) InsertOpts() river.InsertOpts { return oneAtATime(3) }

type caseBackstopWorker struct {
	river.WorkerDefaults[CaseBackstopArgs]
	deps Deps
}

const caseBackstopKey = "cases_backstop_watermark"

// Work searches the conversations closed since the watermark (a day back
// on the first run) and, after the first run, those started since, then
// queues:
//   - for a closed conversation, its Case (a new one when closing creates
//     Cases, else only a refresh of the Case it has) and the update of its
//     Task (which makes the Task when Tasks are automatic, after the first
//     run);
//   - for a started one, when starting creates them, its Case and its Task
//     unless they were already asked for.
//
// The first run makes no new Task and does not look for started
// conversations: a Task (or a Case) for every conversation of the day
// before the triggers were turned on would be a surprise. (Cases made at
// close on the first run are the backstop's behaviour from before Tasks.)
func (w *caseBackstopWorker) Work(ctx context.Context, job *river.Job[CaseBackstopArgs]) error {
	db := w.deps.Store
	now := time.Now()
	since, first := now.Add(-24*time.Hour), true
	if v, ok, err := db.GetState(ctx, tandem.DefaultInstallation, caseBackstopKey); err != nil {
		return err
	} else if ok {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			since, first = t.Add(-time.Minute), false // Intercom's times are in seconds; overlap a little
		}
	}
	d := w.deps.current()
	if d.Cases == nil && d.Tasks == nil {
		return nil // Cases and Tasks are turned off
	}
	closed, err := w.search(ctx, intercom.And(
		intercom.Where("state", intercom.OpEquals, intercom.StateClosed),
		intercom.Where("updated_at", intercom.OpGreaterThan, since.Unix())))
	if err != nil {
		return Outcome(err, job.Attempt, job.MaxAttempts, nil)
	}
	var started []string
	if !first && (d.Cases != nil && d.CaseTriggers.OnStarted || d.Tasks != nil && d.Tasks.Automatic()) {
		if started, err = w.search(ctx, intercom.Where("created_at", intercom.OpGreaterThan, since.Unix())); err != nil {
			return Outcome(err, job.Attempt, job.MaxAttempts, nil)
		}
	}
	params, err := backstopJobs(ctx, d, closed, started, first)
	if err != nil {
		return err
	}
	if len(params) > 0 {
		if _, err := river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params); err != nil {
			return err
		}
	}
	return db.SetState(ctx, tandem.DefaultInstallation, caseBackstopKey, now.UTC().Format(time.RFC3339))
}

// search returns the ids of the conversations query finds.
func (w *caseBackstopWorker) search(ctx context.Context, query intercom.Filter) ([]string, error) {
	var ids []string
	for c, err := range w.deps.Intercom.Conversations.SearchIter(ctx, &intercom.SearchRequest{Query: query}) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// backstopJobs returns the Case and Task jobs for the conversations closed
// and started since the last run; a conversation in both lists counts as
// closed. On the first run only a Task that exists is updated.
func backstopJobs(ctx context.Context, d Deps, closed, started []string, first bool) ([]river.InsertManyParams, error) {
	var out []river.InsertManyParams
	add := func(args river.JobArgs) { out = append(out, river.InsertManyParams{Args: args}) }
	isClosed := make(map[string]bool, len(closed))
	for _, id := range closed {
		isClosed[id] = true
		if d.Cases != nil {
			ok := d.CaseTriggers.OnClosed
			if !ok {
				in, err := d.Store.GetIntent(ctx, tandem.DefaultInstallation, "case", id)
				if err != nil && !store.IsNotFound(err) {
					return nil, err
				}
				ok = err == nil && in.State == store.IntentDone
			}
			if ok {
				add(CaseArgs{ConversationID: id, Trigger: cases.TriggerBackstop})
			}
		}
		if d.Tasks != nil {
			ok := d.Tasks.Automatic() && !first
			if !ok {
				var err error
				if ok, err = d.Tasks.HasTask(ctx, id); err != nil {
					return nil, err
				}
			}
			if ok {
				add(TaskArgs{tasks.Request{Trigger: tasks.Closed, ConversationID: id}})
			}
		}
	}
	for _, id := range started {
		if isClosed[id] {
			continue
		}
		if d.Cases != nil && d.CaseTriggers.OnStarted {
			if _, err := d.Store.GetIntent(ctx, tandem.DefaultInstallation, "case", id); store.IsNotFound(err) {
				add(CaseArgs{ConversationID: id, Trigger: cases.TriggerBackstop})
			} else if err != nil {
				return nil, err
			}
		}
		if d.Tasks != nil && d.Tasks.Automatic() {
			if has, err := d.Tasks.HasTask(ctx, id); err != nil {
				return nil, err
			} else if !has {
				add(TaskArgs{tasks.Request{Trigger: tasks.Started, ConversationID: id}})
			}
		}
	}
	return out, nil
}
