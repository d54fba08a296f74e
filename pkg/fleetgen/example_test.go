package fleetgen_test

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
)

func ExampleGenerate() {
	fleet := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 1}, Roles: []string{"app", "worker"}})
	for _, e := range fleet {
		parent := "-"
		if e.ParentPid != nil {
			parent = *e.ParentPid
		}
		fmt.Println(e.Pid, *e.Role, parent)
	}
	// Output:
	// wd3ea-eiaaa-aaaaa-baaaa-cai root -
	// we2cu-jqaaa-aaaaa-baaaq-cai app wd3ea-eiaaa-aaaaa-baaaa-cai
	// wnzji-7yaaa-aaaaa-baaba-cai worker wd3ea-eiaaa-aaaaa-baaaa-cai
	// wkyp4-saaaa-aaaaa-baabq-cai app we2cu-jqaaa-aaaaa-baaaq-cai
	// w776r-tiaaa-aaaaa-baaca-cai worker wnzji-7yaaa-aaaaa-baaba-cai
}
