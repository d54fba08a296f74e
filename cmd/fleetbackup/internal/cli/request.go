package cli

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// requestFlags are the flags that describe a run request, shared by plan and run (DESIGN §9,
// contract). Each maps to one field of the request JSON.
type requestFlags struct {
	file     string
	registry string
	values   map[string]*string // flag name → value, for the string fields
	include  bool
}

// requestFields maps the string flags to the request's JSON fields.
var requestFields = []struct{ flag, field, usage string }{
	{"run-id", "run_id", "run `ID` (default: generated, run-<fleet>-<time>-<random>)"},
	{"fleet", "fleet", "fleet `NAME`"},
	{"network", "network", "`NETWORK` the fleet lives on, e.g. ic or local"},
	{"root", "root_canister_id", "root canister `PRINCIPAL` of the fleet"},
	{"scope", "scope", "`SCOPE`: member, subtree, non-root-fleet or maintenance-root (default subtree with --selector, else non-root-fleet)"},
	{"selector", "selector", "`ROLE` or principal of the selected canister"},
	{"quiescence-policy", "quiescence_policy", "`POLICY`: crash-consistent, root-coordinated or app-quiesced (default crash-consistent)"},
	{"order", "order", "`ORDER`: parallel or strict (default parallel)"},
	{"on-conflict", "on_conflict", "`POLICY` when another run holds one of the canisters: reject, or wait in state queued (default reject)"},
}

func addRequestFlags(fs *flag.FlagSet) *requestFlags {
	rf := &requestFlags{values: map[string]*string{}}
	fs.StringVar(&rf.file, "file", "", "request JSON `FILE` (- for standard input); flags given as well override its fields")
	for _, f := range requestFields {
		rf.values[f.flag] = fs.String(f.flag, "", f.usage)
	}
	fs.BoolVar(&rf.include, "include-descendants", false, "with scope member: back up the member's whole subtree")
	fs.StringVar(&rf.registry, "registry", "", "inline registry JSON `FILE` ({\"Ok\": [...]} or an array); default: the root canister's")
	return rf
}

// fields assembles the request's JSON fields: those of --file, then those of every flag given.
func (rf *requestFlags) fields(fs *flag.FlagSet, stdin io.Reader) (map[string]json.RawMessage, error) {
	fields := map[string]json.RawMessage{}
	if rf.file != "" {
		data, err := readInput(rf.file, stdin)
		if err != nil {
			return nil, &InputError{What: "--file " + rf.file, Err: err}
		}
		if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
			return nil, &InputError{What: "--file " + rf.file, Err: errors.New("want a JSON object (a run request)")}
		}
	}
	for _, f := range requestFields {
		if isSet(fs, f.flag) {
			fields[f.field] = jsonString(*rf.values[f.flag])
		}
	}
	if isSet(fs, "include-descendants") {
		fields["include_descendants"], _ = json.Marshal(rf.include)
	}
	if rf.registry != "" {
		raw, err := readRegistry(rf.registry, stdin)
		if err != nil {
			return nil, err
		}
		fields["registry"] = raw
	}
	return fields, nil
}

// decodeRequest turns the fields into a checked request, with a generated run id if it has none.
func decodeRequest(fields map[string]json.RawMessage) (*request.Request, error) {
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, &InputError{What: "request", Err: err}
	}
	req, err := request.DecodeRequest(data)
	if err != nil {
		return nil, err
	}
	if req.RunID == "" {
		req.RunID = newRunID("run", req.Fleet)
	}
	return req, nil
}

// readRegistry reads a registry file and checks that it parses (DOMAIN §1.1).
func readRegistry(path string, stdin io.Reader) (json.RawMessage, error) {
	data, err := readInput(path, stdin)
	if err == nil {
		_, err = registry.Parse(data)
	}
	if err != nil {
		return nil, &InputError{What: "--registry " + path, Err: err}
	}
	return json.RawMessage(data), nil
}

// readInput reads a file, or standard input for "-", up to document.MaxSize.
func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return document.ReadAllLimited(stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return document.ReadAllLimited(f)
}

func jsonString(s string) json.RawMessage {
	data, _ := json.Marshal(s)
	return data
}

// newRunID makes a run id that names its fleet and time and does not collide with another
// made at the same second: <prefix>-<fleet>-<YYYYMMDD-HHMMSS>-<4 random hex digits> (no fleet
// part for an empty fleet).
func newRunID(prefix, fleet string) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	name := strings.Trim(plan.Safe(fleet), ".")
	name = strings.ReplaceAll(name, ".", "-")
	if len(name) > 64 {
		name = name[:64]
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	if fleet == "" {
		return fmt.Sprintf("%s-%s-%s", prefix, stamp, hex.EncodeToString(b[:]))
	}
	return fmt.Sprintf("%s-%s-%s-%s", prefix, name, stamp, hex.EncodeToString(b[:]))
}
