package jobs

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem/internal/cases"
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
	// The job's own context may have run out (River's job timeout): the
	// failure is recorded whatever it was.
	return Outcome(err, job.Attempt, job.MaxAttempts, func() { d.Cases.GiveUp(context.WithoutCancel(ctx), job.Args.ConversationID, err) })
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
