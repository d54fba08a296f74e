package svc

import (
	"flag"
	"strings"
)

// envOverrides are the environment names that do not follow the FLEETBACKUP_ rule.
var envOverrides = map[string]string{
	"nats-url":   "NATS_URL",
	"nats-creds": "NATS_CREDS",
}

// EnvName is the environment variable that stands in for a flag: NATS_URL and NATS_CREDS for
// the NATS flags, FLEETBACKUP_<FLAG> (upper case, '-' as '_') for every other one.
func EnvName(flagName string) string {
	if name, ok := envOverrides[flagName]; ok {
		return name
	}
	return "FLEETBACKUP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ApplyEnv sets every flag of fs that the command line left unset from its environment
// variable (see EnvName), when that variable is not empty. A flag always wins over the
// environment. Values go through the flag's own parser, so they are validated alike.
func ApplyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || set[f.Name] {
			return
		}
		value := getenv(EnvName(f.Name))
		if value == "" {
			return
		}
		if setErr := fs.Set(f.Name, value); setErr != nil {
			err = invalid(f.Name, value, setErr.Error())
		}
	})
	return err
}
