package candid

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecodeRegistryReply: no input panics; every failure is a *DecodeError or a *RegistryError;
// every success re-encodes to a reply that decodes to the same JSON.
func FuzzDecodeRegistryReply(f *testing.F) {
	for _, c := range loadVectors(f) {
		f.Add(c.bytes(f))
	}
	f.Add(afterReply([][]byte{tVec(opNull)}, []int64{2}, uleb(1<<62)))
	f.Add(canisterOnly([][]byte{tVec(opNat8)}, []fieldType{{"parent_pid", opPrincipal}, {"module_hash", 0}},
		map[string][]byte{"parent_pid": vPrin(pidRoot), "module_hash": vBlob(9)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		js, err := DecodeRegistryReply(data)
		if err != nil {
			var de *DecodeError
			var re *RegistryError
			if !errors.As(err, &de) && !errors.As(err, &re) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		encoded, err := EncodeRegistryReply(js)
		if err != nil {
			t.Fatalf("decoded JSON does not re-encode: %v\n%s", err, js)
		}
		again, err := DecodeRegistryReply(encoded)
		if err != nil || !bytes.Equal(again, js) {
			t.Fatalf("round trip changed the registry: %v\n%s\n%s", err, js, again)
		}
	})
}
