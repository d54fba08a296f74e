package registry_test

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func Example() {
	data := []byte(`{"Ok": [
	  {"pid": "aaaaa-aa", "role": "root", "record": {"parent_pid": null}},
	  {"pid": "renrk-eyaaa-aaaaa-aaada-cai", "role": "app", "record": {"parent_pid": ["aaaaa-aa"], "module_hash": [1, 171]}},
	  {"pid": "rno2w-sqaaa-aaaaa-aaacq-cai", "role": "worker", "record": {"parent_pid": "renrk-eyaaa-aaaaa-aaada-cai"}}
	]}`)
	entries, err := registry.Parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	selected, _ := registry.ResolveSelector(entries, "app")
	subtree, _ := registry.Traverse(entries, selected, true)
	depths := registry.Depths(entries)
	for _, e := range subtree {
		fmt.Println(e.Pid, *e.Role, depths[e.Pid])
	}
	hash, _ := registry.TopologyHash(entries)
	fmt.Println(registry.TopologyHashAlgorithm, len(hash))
	// Output:
	// renrk-eyaaa-aaaaa-aaada-cai app 1
	// rno2w-sqaaa-aaaaa-aaacq-cai worker 2
	// sha256 64
}
