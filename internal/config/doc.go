// Package config loads tandem's configuration: a YAML file, then
// environment overrides, then defaults, then validation.
//
// The result is a plain [Config] value that the app passes down; nothing in
// tandem reads the environment or a global configuration. Secrets are of
// type [Secret], which never prints its value — not with fmt, not in YAML
// or JSON, not in slog output — so that [Config.Dump] and logs are safe to
// share. Every secret can also come from a file named by the variable's
// _FILE twin (TANDEM_ADMIN_TOKEN_FILE=/run/secrets/admin), as container
// orchestrators provide them.
//
// docs/configuration.md lists every key and variable.
package config
