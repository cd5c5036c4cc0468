package config

import (
	"io"

	"go.yaml.in/yaml/v3"
)

// Redacted returns a copy of c whose secrets hold "[redacted]" instead of
// their values, safe to hand to code that might reveal them.
func (c Config) Redacted() Config {
	for _, s := range []*Secret{
		&c.DatabaseURL, &c.AdminToken, &c.ActionsToken, &c.Intercom.Token, &c.Intercom.ClientSecret,
		&c.Salesforce.Token, &c.Salesforce.ClientSecret, &c.Salesforce.RefreshToken,
	} {
		*s = Secret(s.String())
	}
	c.Mappings = append(c.Mappings[:0:0], c.Mappings...)
	return c
}

// Dump writes the effective configuration to w as YAML, secrets redacted.
// The output is a valid configuration file, apart from the redacted
// secrets.
func (c Config) Dump(w io.Writer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(c.Redacted()); err != nil {
		return err
	}
	return enc.Close()
}
