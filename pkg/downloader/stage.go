package downloader

import "github.com/fleetbackup/fleetbackup/pkg/stage"

// Stage is the downloader service.
var Stage = stage.Operations("downloader", 2, true, Effects)
