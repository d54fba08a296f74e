package candid

import "fmt"

// skip consumes one value of type x without keeping it: fields a newer root sends that the
// reader does not know, and alternatives of other types.
func (d *decoder) skip(x ref) error {
	r := d.r
	if err := r.enter(); err != nil {
		return err
	}
	defer r.leave()
	op := d.t.op(x)
	if size, ok := fixedSize[op]; ok {
		return d.skipFixed(op, size)
	}
	switch op {
	case opNat, opInt:
		return r.skipLEB()
	case opText:
		_, err := r.text()
		return err
	case opEmpty:
		return r.fail(ErrMalformed, "a value of type empty cannot exist")
	case opPrincipal:
		_, err := d.principalBytes()
		return err
	case opOpt:
		return d.skipOpt(d.t.types[x].elem)
	case opVec:
		return d.skipVec(d.t.types[x].elem)
	case opRecord:
		return d.skipRecord(d.t.types[x].fields)
	case opVariant:
		return d.skipVariant(d.t.types[x].fields)
	case opFunc:
		return d.skipFunc()
	default: // opService
		return d.skipReference("service")
	}
}

func (d *decoder) skipFixed(op int64, size int) error {
	raw, err := d.r.bytes(uint64(size))
	if err == nil && op == opBool && raw[0] > 1 {
		return d.r.fail(ErrMalformed, fmt.Sprintf("bool value %d", raw[0]))
	}
	return err
}

func (d *decoder) skipOpt(elem ref) error {
	present, err := d.present()
	if err != nil || !present {
		return err
	}
	return d.skip(elem)
}

func (d *decoder) skipVec(elem ref) error {
	n, err := d.r.uleb()
	if err != nil {
		return err
	}
	if d.t.op(elem) == opNat8 {
		_, err := d.r.bytes(n)
		return err
	}
	// Elements may take no bytes (null, empty records), so the count is bounded by the work
	// budget that skip charges, not by the remaining input.
	for ; n > 0; n-- {
		if err := d.skip(elem); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) skipRecord(fields []field) error {
	for _, f := range fields {
		if err := d.skip(f.typ); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) skipVariant(alts []field) error {
	i, err := d.alternative(alts)
	if err != nil {
		return err
	}
	return d.skip(alts[i].typ)
}

// skipFunc skips a transparent func reference: flag 1, a service reference, a method name.
func (d *decoder) skipFunc() error {
	flag, err := d.r.byte()
	if err != nil {
		return err
	}
	if flag != 1 {
		return d.r.fail(ErrMalformed, "opaque func reference")
	}
	if err := d.skipReference("service"); err != nil {
		return err
	}
	_, err = d.r.text()
	return err
}

// skipReference skips a transparent service reference (flag 1, then a principal's bytes).
func (d *decoder) skipReference(kind string) error {
	flag, err := d.r.byte()
	if err != nil {
		return err
	}
	if flag != 1 {
		return d.r.fail(ErrMalformed, "opaque "+kind+" reference")
	}
	n, err := d.r.uleb()
	if err != nil {
		return err
	}
	_, err = d.r.bytes(n)
	return err
}

// present reads an opt's flag byte.
func (d *decoder) present() (bool, error) {
	b, err := d.r.byte()
	if err != nil {
		return false, err
	}
	if b > 1 {
		return false, d.r.fail(ErrMalformed, fmt.Sprintf("opt flag %d", b))
	}
	return b == 1, nil
}

// alternative reads a variant's alternative index.
func (d *decoder) alternative(alts []field) (int, error) {
	i, err := d.r.uleb()
	if err != nil {
		return 0, err
	}
	if i >= uint64(len(alts)) {
		return 0, d.r.fail(ErrMalformed, fmt.Sprintf("variant index %d out of range", i))
	}
	return int(i), nil
}

// principalBytes reads a transparent principal: flag 1, then at most 29 bytes.
func (d *decoder) principalBytes() ([]byte, error) {
	flag, err := d.r.byte()
	if err != nil {
		return nil, err
	}
	if flag != 1 {
		return nil, d.r.fail(ErrMalformed, "opaque principal reference")
	}
	n, err := d.r.uleb()
	if err != nil {
		return nil, err
	}
	if n > maxPrincipalLen {
		return nil, d.r.fail(ErrMalformed, fmt.Sprintf("principal of %d bytes (at most %d)", n, maxPrincipalLen))
	}
	return d.r.bytes(n)
}
