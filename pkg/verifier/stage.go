package verifier

import "github.com/fleetbackup/fleetbackup/pkg/stage"

// Stage is the verifier service.
var Stage = stage.Operations("verifier", 2, true, Effects)
