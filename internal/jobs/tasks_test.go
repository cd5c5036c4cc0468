package jobs

import (
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/tasks"
)

func TestTaskJobsFor(t *testing.T) {
	t.Parallel()

	on := TaskTriggers{Enabled: true, Automatic: true, Tag: "salesforce-task"}
	note := func(topic, item string) []byte {
		return []byte(`{"type":"notification_event","id":"n1","topic":"` + topic + `","data":{"type":"notification_event_data","item":` + item + `}}`)
	}
	conv := `{"type":"conversation","id":"77","conversation_parts":{"conversation_parts":[]}}`
	tagged := func(added, partTags string) string {
		s := `{"type":"conversation","id":77,"conversation_parts":{"type":"conversation_part.list","conversation_parts":[{"id":"901","part_type":"note","tags":[` + partTags + `]}]}`
		if added != "" {
			s += `,"tags_added":{"type":"tag.list","tags":[{"type":"tag","id":"5","name":"` + added + `"}]}`
		}
		return s + `}`
	}
	started := TaskArgs{tasks.Request{Trigger: tasks.Started, ConversationID: "77"}}
	part := TaskArgs{tasks.Request{Trigger: tasks.Part, ConversationID: "77", PartID: "901"}}

	for _, tc := range []struct {
		name     string
		triggers TaskTriggers
		topic    string
		item     string
		wantJobs []river.JobArgs
	}{
		{"user started", on, "conversation.user.created", conv, []river.JobArgs{started}},
		{"admin started", on, "conversation.admin.single.created", conv, []river.JobArgs{started}},
		{"started, automatic off", TaskTriggers{Enabled: true, Tag: "x"}, "conversation.user.created", conv, nil},
		{"closed", on, "conversation.admin.closed", conv, []river.JobArgs{TaskArgs{tasks.Request{Trigger: tasks.Closed, ConversationID: "77"}}}},
		{"tasks off", TaskTriggers{}, "conversation.admin.closed", conv, nil},
		{"reserved tag added", on, "conversation_part.tag.created", tagged("Salesforce-Task", ""), []river.JobArgs{part}},
		{"another tag added", on, "conversation_part.tag.created", tagged("vip", `{"name":"salesforce-task"}`), nil},
		{"no tags_added: the part's tags", on, "conversation_part.tag.created", tagged("", `{"name":"salesforce-task"}`), []river.JobArgs{part}},
		{"tag trigger off", TaskTriggers{Enabled: true}, "conversation_part.tag.created", tagged("salesforce-task", ""), nil},
		{"other topic", on, "conversation.admin.replied", conv, nil},
		{"no item", on, "conversation.admin.closed", `null`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.wantJobs, TaskJobsFor(tc.triggers, tc.topic, note(tc.topic, tc.item)))
		})
	}
}

func TestRetryArgsOfATaskError(t *testing.T) {
	t.Parallel()

	args, err := RetryArgs(tandem.SyncError{ID: 1, Object: tandem.ObjectTask, IntercomID: "77#901",
		Payload: `{"trigger":"part","conversation_id":"77","part_id":"901"}`})
	require.NoError(t, err)
	require.Equal(t, TaskArgs{tasks.Request{Trigger: tasks.Part, ConversationID: "77", PartID: "901"}}, args)

	_, err = RetryArgs(tandem.SyncError{ID: 2, Object: tandem.ObjectTask, IntercomID: "77", Payload: `{}`})
	require.Equal(t, tandem.EUNPROCESSABLE, tandem.ErrorCode(err))
}
