package snapshotter

import "github.com/fleetbackup/fleetbackup/pkg/stage"

// Stage is the snapshotter service.
var Stage = stage.Operations("snapshotter", 8, false, Effects)
