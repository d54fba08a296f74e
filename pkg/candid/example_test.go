package candid_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
)

func ExampleDecodeRegistryReply() {
	reply, _ := candid.EncodeRegistryReply([]byte(`{"Ok":[{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root",
		"record":{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root","parent_pid":null,"module_hash":[1,171],"created_at":"1715090400"}}]}`))
	// `icp canister call ... --json` carries reply as hex in response_bytes.
	raw, _ := hex.DecodeString(hex.EncodeToString(reply))
	registry, err := candid.DecodeRegistryReply(raw)
	fmt.Println(string(registry), err)

	rejected, _ := candid.EncodeRegistryError("Unauthorized", "caller is not a controller")
	_, err = candid.DecodeRegistryReply(rejected)
	var re *candid.RegistryError
	fmt.Println(errors.As(err, &re), re.Code)
	// Output:
	// {"Ok":[{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root","record":{"pid":"r7inp-6aaaa-aaaaa-aaabq-cai","role":"root","parent_pid":null,"module_hash":[1,171],"created_at":"1715090400"}}]} <nil>
	// true Unauthorized
}
