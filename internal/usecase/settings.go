package usecase

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
)

// SettingsConfig lets a Service read and change the installation's
// settings at run time.
type SettingsConfig struct {
	// Base is the configuration from the file, the environment and the
	// defaults, with the keys they gave (config.Config.Given).
	Base config.Config
	// Check validates a candidate configuration against both systems as
	// start-up does (the mappings against describe and the data attributes,
	// the Cases configuration); nil checks the configuration's shape only.
	Check func(ctx context.Context, c config.Config) error
	// Apply puts a saved configuration (of the given settings version) in
	// force in this process; other processes notice the new version
	// themselves.
	Apply func(c config.Config, version int64)
}

// Where a setting's value comes from (SettingView.Source).
const (
	SettingDefault     = "default"
	SettingFile        = "file"
	SettingEnvironment = "environment"
	SettingConfigured  = "configured"         // set by the program that started the bridge, not locked
	SettingChanged     = "changed"            // changed at run time
	SettingConfigOnly  = "configuration only" // never changed at run time
)

// SettingView is one setting as an operator sees it.
type SettingView struct {
	Key string
	// Text is the value on one line ("[redacted]" for a secret).
	Text string
	// Value is the value's JSON form (editable settings only).
	Value json.RawMessage
	// Source is SettingDefault, SettingFile, SettingEnvironment,
	// SettingChanged or SettingConfigOnly.
	Source string
	// Editable: the setting can be changed now (editable and not locked).
	Editable bool
	// By and At say who changed it last and when (SettingChanged).
	By string
	At time.Time
}

// SettingsView is every setting of the installation.
type SettingsView struct {
	// Version of the stored settings, to send back with a change.
	Version int64
	// Settings are the run-time settings (config.Editable's order), then
	// the configuration-only ones.
	Settings []SettingView
	// Effective is the configuration in force, secrets redacted.
	Effective config.Config
}

// Setting returns the view of key.
func (v SettingsView) Setting(key string) (SettingView, bool) {
	for _, s := range v.Settings {
		if s.Key == key {
			return s, true
		}
	}
	return SettingView{}, false
}

// storedSetting is one override in the settings document.
type storedSetting struct {
	Value json.RawMessage `json:"value"`
	By    string          `json:"by"`
	At    time.Time       `json:"at"`
}

type settingsDoc map[string]storedSetting

func parseDoc(s store.Settings) (settingsDoc, error) {
	doc := settingsDoc{}
	if s.Document == "" {
		return doc, nil
	}
	if err := json.Unmarshal([]byte(s.Document), &doc); err != nil {
		return nil, fmt.Errorf("settings document version %d: %w", s.Version, err)
	}
	return doc, nil
}

// overrides are the document's values of keys not locked by base.
func (d settingsDoc) overrides(base config.Config) config.Overrides {
	o := config.Overrides{}
	for k, s := range d {
		if _, locked := base.Given.Locked(k); !locked && config.IsEditable(k) {
			o[k] = s.Value
		}
	}
	return o
}

// EffectiveSettings returns the configuration in force for inst: base
// overlaid with the settings changed at run time (except where base's file
// or environment gave the key), with the settings version it reflects.
func EffectiveSettings(ctx context.Context, db *store.DB, inst string, base config.Config) (config.Config, int64, error) {
	s, err := db.GetSettings(ctx, inst)
	if err != nil {
		return config.Config{}, 0, err
	}
	doc, err := parseDoc(s)
	if err != nil {
		return config.Config{}, 0, err
	}
	c, err := base.Apply(doc.overrides(base))
	if err != nil {
		return config.Config{}, 0, fmt.Errorf("settings version %d: %w", s.Version, err)
	}
	return c, s.Version, nil
}

// configOnly are the settings shown but never changed at run time.
var configOnly = []string{
	"listen", "data_dir", "database_url", "admin_token", "actions_token",
	"intercom.url", "intercom.token", "intercom.client_secret", "intercom.version",
	"salesforce.url", "salesforce.token", "salesforce.client_id", "salesforce.client_secret", "salesforce.username",
	"salesforce.private_key_file", "salesforce.refresh_token", "salesforce.api_version", "salesforce.auto_assign",
	"sync.poll_overlap", "sync.people_match", "sync.people_external_id_field", "sync.company_match_field",
}

// settingsOf needs the Settings dependency.
func (s *Service) settingsDeps() (*SettingsConfig, error) {
	if s.cfg.Settings == nil {
		return nil, tandem.Errorf(tandem.EINTERNAL, "Settings need the bridge's configuration, which this process did not load.")
	}
	return s.cfg.Settings, nil
}

// Settings returns every setting in force, each with where its value comes
// from: the default, the configuration (file or environment, then locked),
// a change at run time (by whom and when), or configuration only.
func (s *Service) Settings(ctx context.Context) (SettingsView, error) {
	deps, err := s.settingsDeps()
	if err != nil {
		return SettingsView{}, err
	}
	st, err := s.cfg.Store.GetSettings(ctx, s.cfg.Installation)
	if err != nil {
		return SettingsView{}, err
	}
	doc, err := parseDoc(st)
	if err != nil {
		return SettingsView{}, err
	}
	eff, err := deps.Base.Apply(doc.overrides(deps.Base))
	if err != nil {
		return SettingsView{}, err
	}
	return view(deps.Base, eff, doc, st.Version), nil
}

func view(base, eff config.Config, doc settingsDoc, version int64) SettingsView {
	out := SettingsView{Version: version, Effective: eff.Redacted()}
	defaults := config.Config{}.WithDefaults()
	red := eff.Redacted()
	for _, k := range config.Editable {
		v := SettingView{Key: k, Text: eff.Text(k), Source: SettingDefault, Editable: true}
		v.Value, _ = eff.Value(k)
		if src, locked := base.Given.Locked(k); locked {
			v.Source, v.Editable = string(src), false
		} else if d, ok := doc[k]; ok {
			v.Source, v.By, v.At = SettingChanged, d.By, d.At
		} else if dv, _ := defaults.Value(k); !bytes.Equal(dv, v.Value) {
			// Not given by the file or the environment, yet not the
			// default: the program that started the bridge set it (the
			// demo does). It can be changed like a default.
			v.Source = SettingConfigured
		}
		out.Settings = append(out.Settings, v)
	}
	for _, k := range configOnly {
		out.Settings = append(out.Settings, SettingView{Key: k, Text: red.Text(k), Source: SettingConfigOnly})
	}
	return out
}

// SettingsChange is a change of settings made at run time.
type SettingsChange struct {
	// Version is the settings version the change was made from
	// (SettingsView.Version); a save in between makes it an ECONFLICT.
	Version int64
	// Set gives new values by key, in their JSON form.
	Set map[string]json.RawMessage
	// Reset returns keys to their configured or default value.
	Reset []string
	// By names who changes them (recorded with each setting and in the
	// audit log).
	By string
	// Via names where ("console", "API"), for the audit log's reason.
	Via string
}

// SettingsProblem is one reason a change was refused, about one setting
// when Key is set.
type SettingsProblem struct {
	Key     string
	Message string
}

// SettingsError is a refused change with every problem found. Its code is
// EINVALID.
type SettingsError struct {
	Problems []SettingsProblem
}

func (e *SettingsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Message
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes the error a tandem EINVALID error.
func (e *SettingsError) Unwrap() error { return tandem.Errorf(tandem.EINVALID, "%s", e.Error()) }

// problems splits a validation error into one problem per line, each
// about the setting its line starts with.
func problems(err error) *SettingsError {
	out := &SettingsError{}
	for line := range strings.SplitSeq(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasSuffix(line, ":") { // a heading such as "invalid mappings:"
			continue
		}
		out.Problems = append(out.Problems, SettingsProblem{Key: keyOf(line), Message: line})
	}
	return out
}

// keyOf returns the editable setting a validation message is about.
func keyOf(line string) string {
	if strings.HasPrefix(line, "mapping ") || strings.HasPrefix(line, "mappings") {
		return "mappings"
	}
	for _, k := range slices.Backward(config.Editable) {
		if strings.HasPrefix(line, k+":") || strings.HasPrefix(line, k+"[") || strings.HasPrefix(line, k+".") {
			return k
		}
	}
	if strings.HasPrefix(line, "cases.") || strings.HasPrefix(line, "case ") {
		return "cases"
	}
	return ""
}

// SaveSettings changes settings at run time. It refuses keys that are not
// editable or are locked by the file or the environment, builds the
// configuration the change leads to and validates it exactly as start-up
// does, then saves it as the next settings version, records one audit
// entry per changed setting, and puts it in force here at once (every other
// replica within a few seconds). A refused change returns a
// *SettingsError (EINVALID) listing every problem.
func (s *Service) SaveSettings(ctx context.Context, ch SettingsChange) (SettingsView, error) {
	deps, err := s.settingsDeps()
	if err != nil {
		return SettingsView{}, err
	}
	st, err := s.cfg.Store.GetSettings(ctx, s.cfg.Installation)
	if err != nil {
		return SettingsView{}, err
	}
	if st.Version != ch.Version {
		return SettingsView{}, tandem.Errorf(tandem.ECONFLICT,
			"The settings were changed by %s since you opened them. Reload them and make your change again.", orSomeone(st.UpdatedBy))
	}
	doc, err := parseDoc(st)
	if err != nil {
		return SettingsView{}, err
	}
	old, err := deps.Base.Apply(doc.overrides(deps.Base))
	if err != nil {
		return SettingsView{}, err
	}
	if refused := refuseUneditable(deps.Base, ch); refused != nil {
		return SettingsView{}, refused
	}
	now := s.cfg.Now().UTC()
	next, cand, changed, err := applyChange(deps.Base, doc, old, ch, now)
	if err != nil {
		return SettingsView{}, err
	}
	if len(changed) == 0 && len(next) == len(doc) {
		return view(deps.Base, old, doc, st.Version), nil
	}
	if err := checkSettings(ctx, deps, cand); err != nil {
		return SettingsView{}, err
	}
	saved, err := s.storeSettings(ctx, st.Version, next, changed, old, cand, ch, now)
	if err != nil {
		return SettingsView{}, err
	}
	if deps.Apply != nil {
		deps.Apply(cand, saved.Version)
	}
	return view(deps.Base, cand, next, saved.Version), nil
}

// refuseUneditable lists every key of ch that is configuration only or
// locked by the file or the environment; nil when there is none.
func refuseUneditable(base config.Config, ch SettingsChange) *SettingsError {
	var refused SettingsError
	for _, k := range append(slices.Sorted(maps.Keys(ch.Set)), ch.Reset...) {
		if !config.IsEditable(k) {
			refused.Problems = append(refused.Problems, SettingsProblem{Key: k, Message: k + ": is configuration only: change it in the configuration file or the environment and restart"})
		} else if src, locked := base.Given.Locked(k); locked {
			refused.Problems = append(refused.Problems, SettingsProblem{Key: k, Message: fmt.Sprintf("%s: set in configuration (%s): change it there", k, src)})
		}
	}
	if len(refused.Problems) == 0 {
		return nil
	}
	return &refused
}

// applyChange returns the settings document ch leads to, the
// configuration it gives, and the editable settings whose value differs
// from old. A value set to what is already in force is no change: saving a
// form unchanged records nothing.
func applyChange(base config.Config, doc settingsDoc, old config.Config, ch SettingsChange, now time.Time) (
	next settingsDoc, cand config.Config, changed []string, err error) {
	next = maps.Clone(doc)
	for _, k := range ch.Reset {
		delete(next, k)
	}
	keys := slices.Sorted(maps.Keys(ch.Set))
	for _, k := range keys {
		next[k] = storedSetting{Value: ch.Set[k], By: ch.By, At: now}
	}
	if cand, err = base.Apply(next.overrides(base)); err != nil {
		return nil, config.Config{}, nil, problems(err)
	}
	for _, k := range keys {
		if cand.Text(k) == old.Text(k) {
			if d, was := doc[k]; was {
				next[k] = d
			} else {
				delete(next, k)
			}
		}
	}
	for _, k := range config.Editable {
		if old.Text(k) != cand.Text(k) {
			changed = append(changed, k)
		}
	}
	return next, cand, changed, nil
}

// checkSettings reports every problem of cand at once: the configuration's
// shape, then the checks against both systems. A system that cannot be
// reached fails the save as such.
func checkSettings(ctx context.Context, deps *SettingsConfig, cand config.Config) error {
	var refused SettingsError
	if err := cand.Validate(); err != nil {
		refused.Problems = problems(err).Problems
	}
	if deps.Check != nil {
		if err := deps.Check(ctx, cand); err != nil {
			var te *tandem.Error
			if errors.As(err, &te) {
				return err
			}
			refused.Problems = append(refused.Problems, problems(err).Problems...)
		}
	}
	if len(refused.Problems) > 0 {
		return &refused
	}
	return nil
}

// storeSettings saves next as the version after expected and records one
// audit entry per changed setting, in one transaction.
func (s *Service) storeSettings(ctx context.Context, expected int64, next settingsDoc, changed []string,
	old, cand config.Config, ch SettingsChange, now time.Time) (store.Settings, error) {
	body, err := json.Marshal(next)
	if err != nil {
		return store.Settings{}, err
	}
	via := ch.Via
	if via == "" {
		via = "console"
	}
	var saved store.Settings
	err = s.cfg.Store.InTx(ctx, func(tx *store.Tx) error {
		if saved, err = tx.SaveSettings(ctx, store.SaveSettingsParams{Installation: s.cfg.Installation, Document: string(body),
			Expected: expected, By: ch.By}); err != nil {
			return err
		}
		for _, k := range changed {
			if _, err := tx.AddAuditEntry(ctx, tandem.AuditEntry{InstallationID: s.cfg.Installation, Field: k,
				OldValue: old.Text(k), NewValue: cand.Text(k), Cause: tandem.CauseSettings, At: now,
				Reason: SettingsReason(via, ch.By)}); err != nil {
				return err
			}
		}
		return nil
	})
	return saved, err
}

// SettingsReason is the audit log's reason for a setting changed at run
// time.
func SettingsReason(via, by string) string {
	if by == "" {
		return "changed in " + via
	}
	return "changed in " + via + " by " + by
}

func orSomeone(by string) string {
	if by == "" {
		return "someone else"
	}
	return by
}
