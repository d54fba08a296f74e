package candid

import (
	"encoding/binary"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// decoder reads values of a message against its type table.
type decoder struct {
	r *reader
	t *table
}

// DecodeRegistry decodes the Candid reply of canic_subnet_registry, of type
// variant { Ok : vec record { pid; role; record : record { pid; role; parent_pid : opt principal;
// module_hash : opt blob; created_at : nat64 } }; Err : record { code : variant {...}; message : text } }.
// Following Candid's subtyping, record fields may come in any table order, unknown fields are
// skipped, missing opt fields read as null, and extra arguments are skipped. The returned slice is
// never nil on success. An Err reply is a *RegistryError.
func DecodeRegistry(data []byte) ([]RegistryEntry, error) {
	r := newReader(data)
	t, err := readTable(r)
	if err != nil {
		return nil, err
	}
	if len(t.args) == 0 {
		return nil, r.fail(ErrTypeMismatch, "message holds no value")
	}
	d := &decoder{r: r, t: t}
	entries, rejection, err := d.reply(t.args[0])
	if err != nil {
		return nil, err
	}
	for _, extra := range t.args[1:] {
		if err := d.skip(extra); err != nil {
			return nil, err
		}
	}
	if r.remaining() != 0 {
		return nil, r.fail(ErrMalformed, fmt.Sprintf("%d trailing bytes after the values", r.remaining()))
	}
	if rejection != nil {
		return nil, rejection
	}
	return entries, nil
}

// reply reads the Ok/Err variant.
func (d *decoder) reply(x ref) ([]RegistryEntry, *RegistryError, error) {
	if d.t.op(x) != opVariant {
		return nil, nil, d.r.fail(ErrTypeMismatch, "reply is not a variant")
	}
	alts := d.t.types[x].fields
	i, err := d.alternative(alts)
	if err != nil {
		return nil, nil, err
	}
	switch alts[i].hash {
	case hashOk:
		d.r.push("Ok")
		entries, err := d.entries(alts[i].typ)
		d.r.pop()
		return entries, nil, err
	case hashErr:
		d.r.push("Err")
		rejection, err := d.rejection(alts[i].typ)
		d.r.pop()
		return nil, rejection, err
	default:
		return nil, nil, d.r.fail(ErrTypeMismatch, fmt.Sprintf("reply alternative #%d is neither Ok nor Err", alts[i].hash))
	}
}

// entries reads the Ok vector.
func (d *decoder) entries(x ref) ([]RegistryEntry, error) {
	if d.t.op(x) != opVec {
		return nil, d.r.fail(ErrTypeMismatch, "Ok is not a vector")
	}
	elem := d.t.types[x].elem
	n, err := d.r.uleb()
	if err != nil {
		return nil, err
	}
	entries := make([]RegistryEntry, 0, min(n, uint64(d.r.remaining())))
	for i := uint64(0); i < n; i++ {
		d.r.push(fmt.Sprintf("[%d]", i))
		var e RegistryEntry
		err := d.record(elem, []fieldSpec{
			{name: "pid", hash: hashPid, decode: d.principal(&e.Pid)},
			{name: "role", hash: hashRole, decode: d.text(&e.Role)},
			{name: "record", hash: hashRecord, decode: d.canisterRecord(&e.Record)},
		})
		d.r.pop()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func (d *decoder) canisterRecord(out *CanisterRecord) func(ref) error {
	return func(x ref) error {
		return d.record(x, []fieldSpec{
			{name: "pid", hash: hashPid, decode: d.principal(&out.Pid)},
			{name: "role", hash: hashRole, decode: d.text(&out.Role)},
			{name: "parent_pid", hash: hashParentPid, optional: true, decode: d.optPrincipal(&out.ParentPid)},
			{name: "module_hash", hash: hashModuleHash, optional: true, decode: d.optBlob(&out.ModuleHash)},
			{name: "created_at", hash: hashCreatedAt, decode: d.nat64(&out.CreatedAt)},
		})
	}
}

// rejection reads the Err record.
func (d *decoder) rejection(x ref) (*RegistryError, error) {
	var e RegistryError
	err := d.record(x, []fieldSpec{
		{name: "code", hash: hashCode, decode: d.code(&e.Code)},
		{name: "message", hash: hashMessage, decode: d.text(&e.Message)},
	})
	return &e, err
}

// code reads the error code variant by name; an unknown code is kept as "#<hash>".
func (d *decoder) code(out *string) func(ref) error {
	return func(x ref) error {
		if d.t.op(x) != opVariant {
			return d.r.fail(ErrTypeMismatch, "code is not a variant")
		}
		alts := d.t.types[x].fields
		i, err := d.alternative(alts)
		if err != nil {
			return err
		}
		if name, ok := codeByHash[alts[i].hash]; ok {
			*out = name
		} else {
			*out = fmt.Sprintf("#%d", alts[i].hash)
		}
		return d.skip(alts[i].typ)
	}
}

func (d *decoder) principal(out *string) func(ref) error {
	return func(x ref) error {
		if d.t.op(x) != opPrincipal {
			return d.r.fail(ErrTypeMismatch, "expected a principal")
		}
		raw, err := d.principalBytes()
		*out = principal.Encode(raw)
		return err
	}
}

func (d *decoder) text(out *string) func(ref) error {
	return func(x ref) error {
		if d.t.op(x) != opText {
			return d.r.fail(ErrTypeMismatch, "expected text")
		}
		s, err := d.r.text()
		*out = s
		return err
	}
}

func (d *decoder) nat64(out *uint64) func(ref) error {
	return func(x ref) error {
		if d.t.op(x) != opNat64 {
			return d.r.fail(ErrTypeMismatch, "expected nat64")
		}
		raw, err := d.r.bytes(8)
		if err == nil {
			*out = binary.LittleEndian.Uint64(raw)
		}
		return err
	}
}

func (d *decoder) optPrincipal(out **string) func(ref) error {
	isPrincipal := func(x ref) bool { return d.t.op(x) == opPrincipal }
	return func(x ref) error {
		var text string
		present, err := d.opt(x, isPrincipal, d.principal(&text))
		if present && err == nil {
			*out = &text
		}
		return err
	}
}

func (d *decoder) optBlob(out *Bytes) func(ref) error {
	isBlob := func(x ref) bool { return d.t.op(x) == opVec && d.t.op(d.t.types[x].elem) == opNat8 }
	return func(x ref) error {
		_, err := d.opt(x, isBlob, func(ref) error {
			n, err := d.r.uleb()
			if err != nil {
				return err
			}
			raw, err := d.r.bytes(n)
			*out = append(Bytes{}, raw...)
			return err
		})
		return err
	}
}
