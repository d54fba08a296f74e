package candid

import "fmt"

// ref is a type reference: an index into the type table, or a primitive opcode.
type ref int64

// field is one record field or variant alternative of a table type.
type field struct {
	hash uint32
	typ  ref
}

// tableType is one constructed type of the type table.
type tableType struct {
	op     int64
	elem   ref     // opt, vec
	fields []field // record, variant: ascending hash
	refs   []ref   // func argument and result types, service method types
}

// table is the type table of a message, with the types of its arguments.
type table struct {
	types []tableType
	args  []ref
}

// readTable reads the magic, the type table and the argument types, and checks every reference.
func readTable(r *reader) (*table, error) {
	magic, err := r.bytes(4)
	if err != nil || string(magic) != "DIDL" {
		return nil, &DecodeError{Offset: 0, Reason: `missing "DIDL" magic`, Err: ErrMalformed}
	}
	n, err := r.length()
	if err != nil {
		return nil, err
	}
	t := &table{types: make([]tableType, 0, n)}
	for i := range n {
		r.push(fmt.Sprintf("type[%d]", i))
		tt, err := readTableType(r)
		r.pop()
		if err != nil {
			return nil, err
		}
		t.types = append(t.types, tt)
	}
	argc, err := r.length()
	if err != nil {
		return nil, err
	}
	t.args = make([]ref, 0, argc)
	for range argc {
		a, err := readRef(r)
		if err != nil {
			return nil, err
		}
		t.args = append(t.args, a)
	}
	return t, t.check(r)
}

func readRef(r *reader) (ref, error) {
	v, err := r.sleb()
	return ref(v), err
}

func readTableType(r *reader) (tableType, error) {
	op, err := r.sleb()
	if err != nil {
		return tableType{}, err
	}
	tt := tableType{op: op}
	switch op {
	case opOpt, opVec:
		tt.elem, err = readRef(r)
	case opRecord, opVariant:
		tt.fields, err = readFields(r)
	case opFunc:
		tt.refs, err = readFunc(r)
	case opService:
		tt.refs, err = readService(r)
	default:
		err = r.fail(ErrMalformed, fmt.Sprintf("opcode %d is not a constructed type", op))
	}
	return tt, err
}

// readFields reads record fields or variant alternatives, which must be in strictly ascending
// hash order.
func readFields(r *reader) ([]field, error) {
	n, err := r.length()
	if err != nil {
		return nil, err
	}
	fields := make([]field, 0, n)
	for i := range n {
		h, err := r.hash32()
		if err != nil {
			return nil, err
		}
		if i > 0 && h <= fields[i-1].hash {
			return nil, r.fail(ErrMalformed, "field ids not in strictly ascending order")
		}
		t, err := readRef(r)
		if err != nil {
			return nil, err
		}
		fields = append(fields, field{hash: h, typ: t})
	}
	return fields, nil
}

// readFunc reads a func type: argument types, result types and annotations.
func readFunc(r *reader) ([]ref, error) {
	var refs []ref
	for range 2 {
		n, err := r.length()
		if err != nil {
			return nil, err
		}
		for range n {
			t, err := readRef(r)
			if err != nil {
				return nil, err
			}
			refs = append(refs, t)
		}
	}
	n, err := r.length()
	if err != nil {
		return nil, err
	}
	for range n {
		a, err := r.byte()
		if err != nil {
			return nil, err
		}
		if a < 1 || a > 3 {
			return nil, r.fail(ErrMalformed, fmt.Sprintf("unknown func annotation %d", a))
		}
	}
	return refs, nil
}

// readService reads a service type: methods with names in strictly ascending order.
func readService(r *reader) ([]ref, error) {
	n, err := r.length()
	if err != nil {
		return nil, err
	}
	refs := make([]ref, 0, n)
	prev := ""
	for i := range n {
		name, err := r.text()
		if err != nil {
			return nil, err
		}
		if i > 0 && name <= prev {
			return nil, r.fail(ErrMalformed, "service methods not in strictly ascending order")
		}
		prev = name
		t, err := readRef(r)
		if err != nil {
			return nil, err
		}
		refs = append(refs, t)
	}
	return refs, nil
}

// check requires every reference to name a table entry or a primitive type, and every service
// method to be a func.
func (t *table) check(r *reader) error {
	for i, tt := range t.types {
		for _, x := range tt.references() {
			if !t.valid(x) {
				return r.fail(ErrMalformed, fmt.Sprintf("type %d refers to unknown type %d", i, x))
			}
		}
		if tt.op == opService {
			for _, x := range tt.refs {
				if x < 0 || t.types[x].op != opFunc {
					return r.fail(ErrMalformed, fmt.Sprintf("service type %d has a method that is not a func", i))
				}
			}
		}
	}
	for _, a := range t.args {
		if !t.valid(a) {
			return r.fail(ErrMalformed, fmt.Sprintf("argument refers to unknown type %d", a))
		}
	}
	return nil
}

// references lists the types a table type refers to.
func (tt tableType) references() []ref {
	var refs []ref
	if tt.op == opOpt || tt.op == opVec {
		refs = append(refs, tt.elem)
	}
	refs = append(refs, tt.refs...)
	for _, f := range tt.fields {
		refs = append(refs, f.typ)
	}
	return refs
}

func (t *table) valid(x ref) bool {
	if x >= 0 {
		return x < ref(len(t.types))
	}
	return isPrimitive(int64(x))
}

// op is the opcode of a reference: the primitive itself or the table entry's constructor.
func (t *table) op(x ref) int64 {
	if x < 0 {
		return int64(x)
	}
	return t.types[x].op
}
