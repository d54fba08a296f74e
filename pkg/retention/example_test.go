package retention_test

import (
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
)

// Nightly backups over two weeks, with two backups on the last day: keep the newest two, one a
// day for the last three days that have backups, and one a week (ISO weeks, UTC).
func ExampleDecide() {
	var backups []retention.Backup
	for d := 16; d <= 29; d++ {
		at := time.Date(2026, 11, d, 2, 0, 0, 0, time.UTC)
		backups = append(backups, retention.Backup{ID: fmt.Sprintf("nightly-%02d", d), Time: at})
	}
	backups = append(backups, retention.Backup{ID: "manual-29", Time: time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)})
	keep, remove, reasons := retention.Decide(backups, retention.Policy{Last: 2, Daily: 3, Weekly: 2})
	for _, b := range keep {
		fmt.Println("keep", b.ID, reasons[b.ID])
	}
	fmt.Println("remove", len(remove))
	// Output:
	// keep manual-29 [last daily 2026-11-29 weekly 2026-W48]
	// keep nightly-29 [last]
	// keep nightly-28 [daily 2026-11-28]
	// keep nightly-27 [daily 2026-11-27]
	// keep nightly-22 [weekly 2026-W47]
	// remove 10
}
