package candid

// Type opcodes of Candid's binary format. Primitive types are referenced by their (negative)
// opcode; constructed types live in the type table and are referenced by their index (>= 0).
const (
	opNull      = -1
	opBool      = -2
	opNat       = -3
	opInt       = -4
	opNat8      = -5
	opNat16     = -6
	opNat32     = -7
	opNat64     = -8
	opInt8      = -9
	opInt16     = -10
	opInt32     = -11
	opInt64     = -12
	opFloat32   = -13
	opFloat64   = -14
	opText      = -15
	opReserved  = -16
	opEmpty     = -17
	opOpt       = -18
	opVec       = -19
	opRecord    = -20
	opVariant   = -21
	opFunc      = -22
	opService   = -23
	opPrincipal = -24
)

// fixedSize is the encoded size of primitive values whose size does not depend on the value.
var fixedSize = map[int64]int{
	opNull: 0, opReserved: 0, opBool: 1, opNat8: 1, opInt8: 1, opNat16: 2, opInt16: 2,
	opNat32: 4, opInt32: 4, opFloat32: 4, opNat64: 8, opInt64: 8, opFloat64: 8,
}

func isPrimitive(op int64) bool {
	_, fixed := fixedSize[op]
	return fixed || op == opNat || op == opInt || op == opText || op == opEmpty || op == opPrincipal
}
