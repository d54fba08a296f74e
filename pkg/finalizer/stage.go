package finalizer

import "github.com/fleetbackup/fleetbackup/pkg/stage"

// Stage is the finalizer service.
var Stage = stage.Operations("finalizer", 2, true, Effects)
