package candid

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Indices of the registry reply's type table, in the order @dfinity/candid writes it, so that
// the encoder's output equals that library's byte for byte.
const (
	tBlob      = iota // vec nat8
	tOptBlob          // opt blob
	tOptPrinc         // opt principal
	tCanister         // record { pid; role; parent_pid; module_hash; created_at }
	tEntry            // record { pid; role; record }
	tEntries          // vec entry
	tCode             // variant { Conflict; ... }
	tRejection        // record { code; message }
	tReply            // variant { Ok; Err }
	tTableCount
)

var (
	canisterFields  = byHash("pid", "role", "parent_pid", "module_hash", "created_at")
	entryFields     = byHash("pid", "role", "record")
	rejectionFields = byHash("code", "message")
	replyAlts       = byHash("Ok", "Err")
	codeAlts        = byHash(ErrorCodes...)
)

// header is the magic, the type table and the argument list (one value of type tReply).
var header = func() []byte {
	w := &writer{}
	w.raw([]byte("DIDL"))
	w.uleb(tTableCount)
	w.sleb(opVec, opNat8)
	w.sleb(opOpt, tBlob)
	w.sleb(opOpt, opPrincipal)
	w.fields(opRecord, canisterFields, map[string]int64{"pid": opPrincipal, "role": opText,
		"parent_pid": tOptPrinc, "module_hash": tOptBlob, "created_at": opNat64})
	w.fields(opRecord, entryFields, map[string]int64{"pid": opPrincipal, "role": opText, "record": tCanister})
	w.sleb(opVec, tEntry)
	w.fields(opVariant, codeAlts, nil)
	w.fields(opRecord, rejectionFields, map[string]int64{"code": tCode, "message": opText})
	w.fields(opVariant, replyAlts, map[string]int64{"Ok": tEntries, "Err": tRejection})
	w.uleb(1)
	w.sleb(tReply)
	return w.buf.Bytes()
}()

// EncodeRegistryReply encodes registry JSON ({"Ok": [...]} or a bare array of entries, in the
// shape DecodeRegistryReply produces) as the root's Candid reply.
func EncodeRegistryReply(registryJSON []byte) ([]byte, error) {
	entries, err := parseRegistryJSON(registryJSON)
	if err != nil {
		return nil, err
	}
	return EncodeRegistry(entries)
}

func parseRegistryJSON(data []byte) ([]RegistryEntry, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var entries []RegistryEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, &EncodeError{Index: -1, Reason: err.Error()}
		}
		return entries, nil
	}
	var reply struct {
		Ok *[]RegistryEntry `json:"Ok"`
	}
	if err := json.Unmarshal(data, &reply); err != nil {
		return nil, &EncodeError{Index: -1, Reason: err.Error()}
	}
	if reply.Ok == nil {
		return nil, &EncodeError{Index: -1, Reason: `registry JSON must be an array or {"Ok": [...]}`}
	}
	return *reply.Ok, nil
}

// EncodeRegistry encodes entries as the Ok reply. Every pid and parent_pid must be a valid principal.
func EncodeRegistry(entries []RegistryEntry) ([]byte, error) {
	w := &writer{}
	w.raw(header)
	w.uleb(uint64(slices.Index(replyAlts, "Ok")))
	w.uleb(uint64(len(entries)))
	for i, e := range entries {
		if err := w.entry(i, e); err != nil {
			return nil, err
		}
	}
	return w.buf.Bytes(), nil
}

// EncodeRegistryError encodes an Err reply with one of ErrorCodes and a message.
func EncodeRegistryError(code, message string) ([]byte, error) {
	at := slices.Index(codeAlts, code)
	if at < 0 {
		return nil, &EncodeError{Index: -1, Reason: fmt.Sprintf("unknown error code %q", code)}
	}
	if !utf8.ValidString(message) {
		return nil, &EncodeError{Index: -1, Field: "message", Reason: "not valid UTF-8"}
	}
	w := &writer{}
	w.raw(header)
	w.uleb(uint64(slices.Index(replyAlts, "Err")))
	for _, name := range rejectionFields {
		if name == "code" {
			w.uleb(uint64(at))
		} else {
			w.text(message)
		}
	}
	return w.buf.Bytes(), nil
}

func (w *writer) entry(i int, e RegistryEntry) error {
	if !utf8.ValidString(e.Role) || !utf8.ValidString(e.Record.Role) {
		return &EncodeError{Index: i, Field: "role", Reason: "not valid UTF-8"}
	}
	for _, name := range entryFields {
		var err error
		switch name {
		case "pid":
			err = w.principal(i, "pid", e.Pid)
		case "role":
			w.text(e.Role)
		case "record":
			err = w.canister(i, e.Record)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) canister(i int, c CanisterRecord) error {
	for _, name := range canisterFields {
		var err error
		switch name {
		case "pid":
			err = w.principal(i, "record.pid", c.Pid)
		case "role":
			w.text(c.Role)
		case "parent_pid":
			w.present(c.ParentPid != nil)
			if c.ParentPid != nil {
				err = w.principal(i, "record.parent_pid", *c.ParentPid)
			}
		case "module_hash":
			w.present(c.ModuleHash != nil)
			if c.ModuleHash != nil {
				w.uleb(uint64(len(c.ModuleHash)))
				w.raw(c.ModuleHash)
			}
		case "created_at":
			w.raw(binary.LittleEndian.AppendUint64(nil, c.CreatedAt))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
