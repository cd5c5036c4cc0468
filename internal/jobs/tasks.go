package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/tasks"
)

// TaskArgs asks for the Salesforce Tasks of one conversation event (kind
// tandem.task): a conversation started or closed, or a part tagged to be
// logged. The worker reads the conversation as it is when the job runs.
type TaskArgs struct {
	tasks.Request
}

// Kind implements river.JobArgs.
func (TaskArgs) Kind() string { return "tandem.task" }

// TaskTriggers says which conversation webhooks become Task jobs.
type TaskTriggers struct {
	// Enabled: Tasks are on (a close updates the Task a conversation has).
	Enabled bool
	// Automatic: a conversation start creates a Task.
	Automatic bool
	// Tag logs the part it is put on; empty turns the tag trigger off.
	Tag string
}

// TaskJobsFor returns the Task jobs a webhook notification calls for:
// conversation.user.created and conversation.admin.single.created create
// the automatic Task, conversation.admin.closed updates it, and
// conversation_part.tag.created with the reserved tag logs the tagged
// part. Other topics, and a body that cannot be read, yield none.
func TaskJobsFor(t TaskTriggers, topic string, body []byte) []river.JobArgs {
	if !t.Enabled {
		return nil
	}
	switch topic {
	case "conversation.user.created", "conversation.admin.single.created", "conversation.admin.closed", "conversation_part.tag.created":
	default:
		return nil
	}
	n, err := intercom.ParseNotification(body)
	if err != nil {
		return nil
	}
	id := n.Item().ID
	if id == "" {
		return nil
	}
	switch topic {
	case "conversation.admin.closed":
		return []river.JobArgs{TaskArgs{tasks.Request{Trigger: tasks.Closed, ConversationID: id}}}
	case "conversation_part.tag.created":
		return taggedParts(t.Tag, id, n.Data.Item)
	}
	if !t.Automatic {
		return nil
	}
	return []river.JobArgs{TaskArgs{tasks.Request{Trigger: tasks.Started, ConversationID: id}}}
}

// taggedParts returns a Part job per part of the notification when the tag
// was the one added (tags_added), or, when the notification does not say
// what was added, per part carrying the tag.
func taggedParts(tag, conversationID string, item json.RawMessage) []river.JobArgs {
	if tag == "" {
		return nil
	}
	var it struct {
		TagsAdded *intercom.TagList `json:"tags_added"`
		Parts     *struct {
			Parts []*intercom.ConversationPart `json:"conversation_parts"`
		} `json:"conversation_parts"`
	}
	if err := json.Unmarshal(item, &it); err != nil || it.Parts == nil {
		return nil
	}
	has := func(tags []*intercom.Tag) bool {
		for _, x := range tags {
			if x != nil && strings.EqualFold(x.Name, tag) {
				return true
			}
		}
		return false
	}
	var out []river.JobArgs
	for _, p := range it.Parts.Parts {
		if p == nil || p.ID == "" {
			continue
		}
		if it.TagsAdded != nil && !has(it.TagsAdded.Tags) || it.TagsAdded == nil && !has(p.Tags) {
			continue
		}
		out = append(out, TaskArgs{tasks.Request{Trigger: tasks.Part, ConversationID: conversationID, PartID: string(p.ID)}})
	}
	return out
}

// taskRetryArgs returns the job that repeats the request of a tasks sync
// error, read from its payload.
func taskRetryArgs(e tandem.SyncError) (river.JobArgs, error) {
	var r tasks.Request
	if err := json.Unmarshal([]byte(e.Payload), &r); err != nil || r.ConversationID == "" || r.Trigger == "" {
		return nil, tandem.Errorf(tandem.EUNPROCESSABLE, "Sync error %d does not say which Task to retry.", e.ID)
	}
	return TaskArgs{r}, nil
}

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	deps Deps
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t := w.deps.current().Tasks
	if t == nil {
		return nil // Tasks are turned off
	}
	class := budget.Event
	if job.Args.Manual() {
		class = budget.Action
	}
	if ok, wait := w.deps.Syncer.Allow(class); !ok {
		return river.JobSnooze(wait)
	}
	r := job.Args.Request
	_, err := t.Handle(ctx, r)
	switch {
	case err == nil:
		return t.Resolve(ctx, r)
	case errors.Is(err, tasks.ErrBusy):
		return river.JobSnooze(5 * time.Second)
	case tasks.Permanent(err):
		t.RecordFailure(context.WithoutCancel(ctx), r, err)
		return river.JobCancel(err)
	}
	return Outcome(err, job.Attempt, job.MaxAttempts, func() { t.RecordFailure(context.WithoutCancel(ctx), r, err) })
}
