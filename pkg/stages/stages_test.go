package stages

import (
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// The one list of services: five stages in pipeline order, each bound to its own consumer on
// the right stream, found by name; the stages that touch backup directories say so.
func TestOneListOfStages(t *testing.T) {
	want := []string{"planner", "snapshotter", "downloader", "verifier", "finalizer"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("stages = %v, want %v", got, want)
	}
	names, _ := bus.NewNames("")
	consumers := names.ConsumerSubjects()
	for _, s := range All {
		got, ok := ByName(s.Name)
		if !ok || got.Consumer != s.Consumer || s.Handler == nil || s.Concurrency <= 0 {
			t.Errorf("stage %s: %+v", s.Name, got)
		}
		if s.Name == "planner" {
			if s.Stream(names) != names.RequestStream() {
				t.Errorf("planner reads %s", s.Stream(names))
			}
			continue
		}
		if _, ok := consumers[s.Consumer]; !ok || s.Stream(names) != names.OpStream() {
			t.Errorf("stage %s: consumer %s on %s is not set up by bus.Setup", s.Name, s.Consumer, s.Stream(names))
		}
		if s.NeedsBackupRoot != (s.Name != "snapshotter") {
			t.Errorf("stage %s: needs backup root %v", s.Name, s.NeedsBackupRoot)
		}
	}
	if _, ok := ByName("planer"); ok {
		t.Fatal("a misspelt stage was found")
	}
}
