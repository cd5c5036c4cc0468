package config

import "strings"

// Tasks configures Salesforce Tasks made from Intercom conversations: an
// automatic Task per conversation on the linked Contact or Lead, and
// manual Tasks logging one message or note (a tag on the part, or the
// Custom Action POST /intercom/actions/tasks).
type Tasks struct {
	// Enabled turns Tasks on; the manual triggers (tag and Custom Action)
	// work whenever Tasks are enabled.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// OnStarted creates a Task when a conversation starts, for a person
	// already in Salesforce, and completes it with the transcript when the
	// conversation closes.
	OnStarted bool `yaml:"on_conversation_started" json:"on_conversation_started"`
	// Tag is the tag that, put on one message or note, logs that part as a
	// completed Task; "-" turns the tag trigger off.
	Tag string `yaml:"tag" json:"tag"`
	// Type is the Task Type picklist value (default Other: a chat is not a
	// Call, an Email or a Meeting; orgs that added "Chat" can use it).
	Type string `yaml:"type" json:"type"`
	// ExternalIDField is a Task field (an External ID, not unique) holding
	// the conversation id, or "<conversation id>#<part id>" for a Task
	// logging one part. With it, a Task whose creation was interrupted is
	// found again instead of created twice.
	ExternalIDField string `yaml:"external_id_field" json:"external_id_field"`
}

// DefaultTaskTag is the tag that logs a conversation part as a Task.
const DefaultTaskTag = "salesforce-task"

// DefaultTaskType is the Task Type of conversation Tasks.
const DefaultTaskType = "Other"

func (t Tasks) withDefaults() Tasks {
	if t.Tag == "" {
		t.Tag = DefaultTaskTag
	}
	if t.Type == "" {
		t.Type = DefaultTaskType
	}
	return t
}

// TagEnabled reports whether the tag trigger is on.
func (t Tasks) TagEnabled() bool { return t.Enabled && t.Tag != "-" }

func (t Tasks) validate(add func(key, format string, args ...any)) {
	if strings.ContainsAny(t.Tag, "\n\r") {
		add("tasks.tag", "must be one line")
	}
	if f := t.ExternalIDField; f != "" && !strings.HasSuffix(f, "__c") {
		add("tasks.external_id_field", "must be a custom field (ending in __c), not %q", f)
	}
}
