package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Source says where a setting given explicitly came from.
type Source string

// Sources of explicit settings.
const (
	SourceFile        Source = "file"
	SourceEnvironment Source = "environment"
)

// Sources maps the dotted key of every setting given explicitly in the
// configuration file or the environment (such as "sync.poll_interval") to
// where it came from. Lists and maps count as one setting: "mappings",
// "cases.mappings" and "cases.priority" are given as a whole or not at all.
type Sources map[string]Source

// Locked reports whether key was given in the file or the environment, and
// where. Such a setting cannot be changed at run time: configuration as
// code wins.
func (s Sources) Locked(key string) (Source, bool) {
	src, ok := s[key]
	return src, ok
}

// Editable lists, in the order the console shows them, the settings that
// can be changed at run time (unless locked). Every other setting —
// connections, credentials, API versions, the matching keys — is
// configuration only.
var Editable = []string{
	"ownership.enabled", "ownership.direction", "ownership.fallback", "ownership.on_first_link",
	"sync.placeholder",
	"mappings",
	"cases.enabled", "cases.on_conversation_started", "cases.on_conversation_closed", "cases.tag", "cases.note",
	"cases.origin", "cases.priority", "cases.record_type", "cases.owner", "cases.external_id_field",
	"cases.backstop_interval", "cases.mappings",
	"tasks.enabled", "tasks.on_conversation_started", "tasks.tag", "tasks.type", "tasks.external_id_field",
	"budget.daily_salesforce_calls", "budget.bulk_share", "budget.event_share",
	"sync.poll_interval", "sync.reconcile_interval",
}

// IsEditable reports whether key can be changed at run time.
func IsEditable(key string) bool { return slices.Contains(Editable, key) }

// Overrides are settings changed at run time, by dotted key, each value
// in its JSON form (durations as strings such as "90s"). They apply over
// the file, the environment and the defaults, except for locked keys.
type Overrides map[string]json.RawMessage

// Apply returns a copy of c with every override set. A key that is not
// editable, or a value that does not fit its setting, is an error naming
// the key.
func (c Config) Apply(o Overrides) (Config, error) {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	c.Mappings = slices.Clone(c.Mappings)
	c.Cases.Mappings = slices.Clone(c.Cases.Mappings)
	for _, k := range keys {
		if !IsEditable(k) {
			return Config{}, fmt.Errorf("%s: cannot be changed at run time", k)
		}
		f, err := field(&c, k)
		if err != nil {
			return Config{}, err
		}
		if err := decodeInto(f, o[k]); err != nil {
			return Config{}, fmt.Errorf("%s: %w", k, err)
		}
	}
	return c, nil
}

// Value returns the JSON form of the setting key in c.
func (c Config) Value(key string) (json.RawMessage, error) {
	f, err := field(&c, key)
	if err != nil {
		return nil, err
	}
	if d, ok := f.Interface().(time.Duration); ok {
		return json.Marshal(d.String())
	}
	return json.Marshal(f.Interface())
}

// Text returns the setting key of c as one line of text, as the console
// and the audit log show it: a duration as "1m0s", a list as YAML flow.
func (c Config) Text(key string) string {
	f, err := field(&c, key)
	if err != nil {
		return ""
	}
	switch v := f.Interface().(type) {
	case time.Duration:
		return v.String()
	case *bool:
		if v == nil {
			return ""
		}
		return fmt.Sprint(*v)
	}
	switch f.Kind() {
	case reflect.String:
		return f.String()
	case reflect.Bool, reflect.Int, reflect.Float64:
		return fmt.Sprint(f.Interface())
	}
	b, err := yaml.Marshal(f.Interface())
	if err != nil {
		return ""
	}
	var n yaml.Node
	if yaml.Unmarshal(b, &n) == nil && len(n.Content) > 0 {
		setFlow(n.Content[0])
		if b, err = yaml.Marshal(n.Content[0]); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return strings.TrimSpace(string(b))
}

func setFlow(n *yaml.Node) {
	n.Style = yaml.FlowStyle
	for _, c := range n.Content {
		setFlow(c)
	}
}

// field finds the struct field of the dotted yaml key in c.
func field(c *Config, key string) (reflect.Value, error) {
	v := reflect.ValueOf(c).Elem()
	for part := range strings.SplitSeq(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, fmt.Errorf("%s: unknown setting", key)
		}
		found := false
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			if name == part && name != "-" {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}, fmt.Errorf("%s: unknown setting", key)
		}
	}
	return v, nil
}

// decodeInto replaces f's value with raw, decoded by f's type.
func decodeInto(f reflect.Value, raw json.RawMessage) error {
	if f.Type() == reflect.TypeFor[time.Duration]() {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("must be a duration such as 90s or 5m")
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("must be a duration such as 90s or 5m, not %q", s)
		}
		f.SetInt(int64(d))
		return nil
	}
	p := reflect.New(f.Type())
	if err := json.Unmarshal(raw, p.Interface()); err != nil {
		return fmt.Errorf("must be %s", kindName(f.Type()))
	}
	f.Set(p.Elem())
	return nil
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "text"
	case reflect.Pointer:
		return kindName(t.Elem())
	case reflect.Map:
		return "a map of text to text"
	}
	return "a list"
}

// given records in s every setting the YAML node n sets, as checkNode
// walks it: a struct's keys one by one, anything else as a whole.
func given(n *yaml.Node, t reflect.Type, path string, s Sources) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return
	}
	if t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Duration]() && n.Kind == yaml.MappingNode {
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if ft, ok := fields[k.Value]; ok {
				given(v, ft, join(path, k.Value), s)
			}
		}
		return
	}
	if path != "" {
		s[path] = SourceFile
	}
}
