package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "":
		field := te.Field[strings.LastIndex(te.Field, ".")+1:]
		return &RequestError{Field: field, Reason: fmt.Sprintf("wrong type: got JSON %s, want %s", te.Value, te.Type.Kind())}
	case errors.Is(err, plan.ErrUnknownEnum):
		return &RequestError{Field: "scope", Reason: err.Error()}
	}
	return malformed(err)
}

// checkKeys refuses what encoding/json would let through at the top level: a value that is not
// an object, a key that is not exactly one of the contract's names (encoding/json folds case,
// so "RUN_ID" would set run_id) and a key given twice (the last one would win).
func checkKeys(data []byte, known map[string]bool) error {
	seen := make(map[string]bool, len(known))
	return eachKey(data, func(key string, _ json.RawMessage) error {
		switch {
		case !known[key]:
			return &RequestError{Field: key, Reason: "unknown field (field names match exactly)"}
		case seen[key]:
			return &RequestError{Field: key, Reason: "given more than once"}
		}
		seen[key] = true
		return nil
	})
}

// eachKey calls visit with every key of the top-level object of data, exactly as written
// (unescaped, no case folding), and its value, in order. It fails on a top level that is not
// an object and on malformed JSON inside the object; what follows the object is not read.
func eachKey(data []byte, visit func(key string, value json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return malformed(err)
	} else if tok != json.Delim('{') {
		return &RequestError{Reason: "a run request must be a JSON object"}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return malformed(err)
		}
		key, ok := tok.(string)
		if !ok {
			return &RequestError{Reason: "malformed JSON: object key is not a string"}
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return malformed(err)
		}
		if err := visit(key, value); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing brace
	return malformed(err)
}

// malformed is the RequestError for a JSON syntax error; nil for nil.
func malformed(err error) error {
	if err == nil {
		return nil
	}
	return &RequestError{Reason: "malformed JSON: " + err.Error()}
}

// GuessRunID extracts a usable run id from a request that failed to decode, so that the
// rejection can be recorded; it returns "" when there is none. Like DecodeRequest it reads only
// the key "run_id" exactly as written, and only when the body is valid JSON giving it once:
// "RUN_ID" or a second "run_id" never name the run whose record the rejection writes.
func GuessRunID(data []byte) string {
	if !json.Valid(data) {
		return ""
	}
	var runID string
	given := 0
	err := eachKey(data, func(key string, value json.RawMessage) error {
		if key == "run_id" {
			given++
			if json.Unmarshal(value, &runID) != nil {
				runID = ""
			}
		}
		return nil
	})
	if err != nil || given != 1 || !runs.IDPattern.MatchString(runID) {
		return ""
	}
	return runID
}
