package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Load builds the configuration: the YAML file at path (skipped when path is
// ""), then the environment overrides read through getenv, then
// WithDefaults, then Validate. Unknown keys in the file are errors naming the
// key and its line; every problem found is reported, not just the first.
func Load(getenv func(string) string, path string) (Config, error) {
	c, err := read(getenv, path)
	if err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// read is Load without the validation.
func read(getenv func(string) string, path string) (Config, error) {
	var c Config
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		if c, err = Parse(b); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&c, getenv); err != nil {
		return Config{}, fmt.Errorf("config environment: %w", err)
	}
	return c.WithDefaults(), nil
}

// LoadDatabase is Load for commands that only use the database (migrate,
// listing and retrying sync errors): the file, the environment and the
// defaults are read and checked for shape as Load does, but only the
// database settings are validated, so API credentials may be missing.
func LoadDatabase(getenv func(string) string, path string) (Config, error) {
	c, err := read(getenv, path)
	if err != nil {
		return Config{}, err
	}
	if err := c.ValidateDatabase(); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// Parse decodes a YAML configuration document without applying the
// environment, defaults or validation.
func Parse(b []byte) (Config, error) {
	var c Config
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return Config{}, err
	}
	if len(root.Content) == 0 {
		return c, nil // an empty file
	}
	if err := checkNode(root.Content[0], reflect.TypeFor[Config](), ""); err != nil {
		return Config{}, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, err
	}
	c.Given = Sources{}
	given(root.Content[0], reflect.TypeFor[Config](), "", c.Given)
	return c, nil
}

// checkNode walks a YAML node against the Go type it decodes into and
// reports unknown keys (with their line) and malformed durations by their
// key path, such as "sync.poll_interval" or "mappings[2].direction".
func checkNode(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return nil
	}
	switch {
	case t == reflect.TypeFor[time.Duration]():
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: line %d: must be a duration such as 90s or 5m", path, n.Line)
		}
		if _, err := time.ParseDuration(n.Value); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				errs = append(errs, fmt.Errorf("line %d: unknown key %s (known keys: %s)", k.Line, join(path, k.Value), strings.Join(sortedKeys(fields), ", ")))
				continue
			}
			errs = append(errs, checkNode(v, ft, join(path, k.Value)))
		}
		return errors.Join(errs...)
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		var errs []error
		for i, e := range n.Content {
			errs = append(errs, checkNode(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)))
		}
		return errors.Join(errs...)
	}
	return nil // type mismatches are left to the decoder's own message
}

// yamlFields maps a struct's yaml keys to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]reflect.Type) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sorted(keys)
}

// join appends key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
