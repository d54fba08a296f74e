package planning

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// A request that cannot be planned is a *request.RequestError naming the field, and its typed
// cause (here the registry's) stays reachable with errors.Is and errors.As.
func TestBuildPlanKeepsTypedCauses(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2}, Roles: []string{"hub", "store"}})
	reg, err := fleetgen.JSON(entries)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"fleet":"f","network":"local","root_canister_id":"` + entries[0].Pid +
		`","scope":"subtree","selector":"no-such-role","registry":` + string(reg) + `}`
	req, err := request.DecodeRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	_, err = BuildPlan(context.Background(), nil, executor.RetryPolicy{}, req)
	var bad *request.RequestError
	if !errors.As(err, &bad) || bad.Field != "selector" {
		t.Fatalf("err = %v, want a RequestError on selector", err)
	}
	var unknown *registry.UnknownSelectorError
	if !errors.Is(err, request.ErrBadRequest) || !errors.Is(err, registry.ErrUnknownSelector) || !errors.As(err, &unknown) {
		t.Fatalf("err = %v: the registry's cause is lost", err)
	}
	if unknown.Selector != "no-such-role" {
		t.Fatalf("cause names %q", unknown.Selector)
	}
}
