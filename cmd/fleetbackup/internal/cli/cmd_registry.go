package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func registryCommand() *command {
	return &command{
		Name:    "registry",
		Args:    "parse <file|->",
		Summary: "normalise a registry (JSON, icp --json envelope or Candid hex) to {\"Ok\": [...]} JSON",
		About: `Registry parse reads a fleet registry in any of the shapes it comes in and prints it as the
registry JSON fleetbackup takes ({"Ok": [...]}, DOMAIN §1.1), ready for --registry or --sim-fleet:
  - registry JSON: {"Ok": [...]} or a bare array;
  - the --json envelope of ` + "`icp canister call <root> canic_subnet_registry '()' --query --json`" + `
    ({"response_bytes": "<hex>", ...});
  - the Candid reply itself, as hex (4449444c...).
The input is a file, or standard input for -.`,
		Example: `fleetbackup registry parse reply.hex --compact
icp canister call <root> canic_subnet_registry '()' --query --json | fleetbackup registry parse - > registry.json`,
		Run: runRegistry,
	}
}

func runRegistry(_ context.Context, inv *invocation) error {
	compact := inv.fs.Bool("compact", false, "print the JSON on one line")
	args, err := inv.parse(1, 2)
	if err != nil {
		return err
	}
	if args[0] != "parse" {
		return usagef("unknown registry subcommand %q (want parse)", args[0])
	}
	if len(args) < 2 {
		return usagef("missing argument <file|->")
	}
	data, err := readInput(args[1], inv.Stdin)
	if err != nil {
		return &InputError{What: args[1], Err: err}
	}
	out, err := normaliseRegistry(data)
	if err != nil {
		return &InputError{What: args[1], Err: err}
	}
	if !*compact {
		var buf bytes.Buffer
		if err := json.Indent(&buf, out, "", "  "); err != nil {
			return err
		}
		out = buf.Bytes()
	}
	_, err = fmt.Fprintf(inv.Stdout, "%s\n", out)
	return err
}

// normaliseRegistry turns registry JSON, an icp --json envelope or Candid hex into the
// registry JSON of DOMAIN §1.1, {"Ok": [...]}, checked by registry.Parse.
func normaliseRegistry(data []byte) ([]byte, error) {
	text := bytes.TrimSpace(data)
	var registryJSON []byte
	switch {
	case len(text) == 0:
		return nil, errors.New("empty input")
	case text[0] == '{' || text[0] == '[':
		var env struct {
			ResponseBytes *string `json:"response_bytes"`
		}
		if json.Unmarshal(text, &env) != nil || env.ResponseBytes == nil {
			registryJSON = text
			break
		}
		reply, err := decodeHex(*env.ResponseBytes)
		if err != nil {
			return nil, fmt.Errorf("response_bytes: %w", err)
		}
		if registryJSON, err = candid.DecodeRegistryReply(reply); err != nil {
			return nil, err
		}
	default:
		reply, err := decodeHex(string(text))
		if err != nil {
			return nil, fmt.Errorf("neither JSON nor Candid hex: %w", err)
		}
		if registryJSON, err = candid.DecodeRegistryReply(reply); err != nil {
			return nil, err
		}
	}
	entries, err := registry.Parse(registryJSON)
	if err != nil {
		return nil, err
	}
	return registry.Encode(entries)
}

// decodeHex reads hex, ignoring a 0x prefix and whitespace.
func decodeHex(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	s = strings.Join(strings.Fields(s), "")
	return hex.DecodeString(s)
}
