package candid

// fieldSpec is a record field the reader expects: how to decode it, and whether it is an opt
// field (which reads as null when the sender leaves it out).
type fieldSpec struct {
	name     string
	hash     uint32
	optional bool
	decode   func(ref) error
}

// record reads a record of wire type x: fields the reader expects are decoded, the others are
// skipped by their type, and a missing non-opt field is a type mismatch.
func (d *decoder) record(x ref, specs []fieldSpec) error {
	r := d.r
	if err := r.enter(); err != nil {
		return err
	}
	defer r.leave()
	if d.t.op(x) != opRecord {
		return r.fail(ErrTypeMismatch, "expected a record")
	}
	seen := make([]bool, len(specs))
	for _, f := range d.t.types[x].fields {
		i := specIndex(specs, f.hash)
		if i < 0 {
			if err := d.skip(f.typ); err != nil {
				return err
			}
			continue
		}
		r.push(specs[i].name)
		err := specs[i].decode(f.typ)
		r.pop()
		if err != nil {
			return err
		}
		seen[i] = true
	}
	for i, s := range specs {
		if !seen[i] && !s.optional {
			return r.fail(ErrTypeMismatch, "missing field "+s.name)
		}
	}
	return nil
}

func specIndex(specs []fieldSpec, hash uint32) int {
	for i, s := range specs {
		if s.hash == hash {
			return i
		}
	}
	return -1
}

// opt reads a value the reader expects as `opt T`, following Candid's rules: null and reserved
// read as absent (they take no bytes); `opt T'` reads its content when T' fits T and as absent
// otherwise (the content is skipped); any other type reads as present when it fits T and as
// absent otherwise.
func (d *decoder) opt(x ref, fits func(ref) bool, read func(ref) error) (present bool, err error) {
	if err := d.r.enter(); err != nil {
		return false, err
	}
	defer d.r.leave()
	switch op := d.t.op(x); {
	case op == opNull || op == opReserved:
		return false, nil
	case op == opOpt:
		if present, err := d.present(); err != nil || !present {
			return false, err
		}
		elem := d.t.types[x].elem
		if fits(elem) {
			return true, read(elem)
		}
		return false, d.skip(elem)
	case fits(x):
		return true, read(x)
	default:
		return false, d.skip(x)
	}
}
