package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/store"
)

// CaseArgs asks for the Case of one conversation to be created or
// refreshed.
type CaseArgs struct {
	ConversationID string        `json:"conversation_id"`
	Trigger        cases.Trigger `json:"trigger"`
}

// Kind implements river.JobArgs.
func (CaseArgs) Kind() string { return "tandem.case" }

// InsertOpts: Case jobs are not unique. A duplicated notification is
// dropped by its delivery id already, and a second job for a conversation
// must not be dropped while the first one runs: the conversation may have
// changed since the first one read it (closed, reopened, closed again).
// Running twice is harmless; the Case's intent makes it one Case.
func (CaseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10}
}

type caseWorker struct {
	river.WorkerDefaults[CaseArgs]
	deps Deps
}

func (w *caseWorker) Work(ctx context.Context, job *river.Job[CaseArgs]) error {
	d := w.deps.current()
	if d.Cases == nil {
		return nil // Cases were turned off since the job was queued
	}
	_, err := d.Cases.Sync(ctx, job.Args.ConversationID, job.Args.Trigger)
	// Recorded failures cancel, a held intent snoozes, a gone conversation
	// cancels; a transient failure that outlives its retries becomes a
	// sync error too.
	return Outcome(err, job.Attempt, job.MaxAttempts, func() { d.Cases.GiveUp(ctx, job.Args.ConversationID, err) })
}

// CaseTriggers decides which notifications ask for a Case.
type CaseTriggers struct {
	OnStarted bool
	OnClosed  bool
	Tag       string // "" or "-": no tag trigger
}

// Jobs returns the Case jobs a notification calls for.
func (t CaseTriggers) Jobs(topic string, body []byte) []river.JobArgs {
	var n struct {
		Data struct {
			Item struct {
				Type      string   `json:"type"`
				ID        any      `json:"id"`
				TagsAdded *tagList `json:"tags_added"`
				Parts     *struct {
					Parts []struct {
						Tags []tagRef `json:"tags"`
					} `json:"conversation_parts"`
				} `json:"conversation_parts"`
			} `json:"item"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		return nil
	}
	item := n.Data.Item
	id := idString(item.ID)
	if id == "" || item.Type != "conversation" {
		return nil
	}
	job := func(tr cases.Trigger) []river.JobArgs {
		return []river.JobArgs{CaseArgs{ConversationID: id, Trigger: tr}}
	}
	switch topic {
	case "conversation.user.created", "conversation.admin.single.created":
		if t.OnStarted {
			return job(cases.TriggerStarted)
		}
	case "conversation.admin.closed":
		if t.OnClosed {
			return job(cases.TriggerClosed)
		}
	case "conversation_part.tag.created":
		if t.Tag == "" || t.Tag == "-" {
			return nil
		}
		var added []tagRef
		if item.TagsAdded != nil {
			added = item.TagsAdded.Tags
		} else if item.Parts != nil {
			for _, p := range item.Parts.Parts {
				added = append(added, p.Tags...)
			}
		}
		for _, tg := range added {
			if strings.EqualFold(tg.Name, t.Tag) {
				return job(cases.TriggerTag)
			}
		}
	}
	return nil
}

type tagList struct {
	Tags []tagRef `json:"tags"`
}

type tagRef struct {
	Name string `json:"name"`
}

func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return ""
}

// CaseBackstopArgs searches for conversations closed since the last search,
// in case their close notification never arrived.
type CaseBackstopArgs struct{}

// Kind implements river.JobArgs.
func (CaseBackstopArgs) Kind() string { return "tandem.case_backstop" }

// InsertOpts keeps at most one backstop waiting or running.
func (CaseBackstopArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

type caseBackstopWorker struct {
	river.WorkerDefaults[CaseBackstopArgs]
	deps Deps
}

const caseBackstopKey = "cases_backstop_watermark"

// Work queues a Case job for every conversation closed since the
// watermark (a day of overlap on the first run): a new Case when closing
// creates Cases, else a refresh of the Case the conversation already has.
func (w *caseBackstopWorker) Work(ctx context.Context, job *river.Job[CaseBackstopArgs]) error {
	db := w.deps.Store
	now := time.Now()
	since := now.Add(-24 * time.Hour)
	if v, ok, err := db.GetState(ctx, tandem.DefaultInstallation, caseBackstopKey); err != nil {
		return err
	} else if ok {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			since = t.Add(-time.Minute) // Intercom's updated_at is in seconds; overlap a little
		}
	}
	d := w.deps.current()
	if d.Cases == nil {
		return nil // Cases are turned off
	}
	ids, err := d.Cases.ClosedSince(ctx, since)
	if err != nil {
		return Outcome(err, job.Attempt, job.MaxAttempts, nil)
	}
	var params []river.InsertManyParams
	for _, id := range ids {
		if !d.CaseTriggers.OnClosed {
			if in, err := db.GetIntent(ctx, tandem.DefaultInstallation, "case", id); err != nil || in.State != store.IntentDone {
				continue
			}
		}
		params = append(params, river.InsertManyParams{Args: CaseArgs{ConversationID: id, Trigger: cases.TriggerBackstop}})
	}
	if len(params) > 0 {
		if _, err := river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params); err != nil {
			return err
		}
	}
	return db.SetState(ctx, tandem.DefaultInstallation, caseBackstopKey, now.UTC().Format(time.RFC3339))
}
