package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// backtrace is the noise icp prints after an error when backtraces are captured.
const backtrace = `
Stack backtrace:
   0: std::backtrace_rs::backtrace::libunwind::trace
             at /rustc/17067e9ac6d7e98f18d4d0b8a4e0d7c7a1c7e2d1/library/std/src/../../backtrace/src/backtrace/libunwind.rs:117:9
   1: anyhow::error::<impl anyhow::Error>::msg
   2: icp::commands::canister::exec
   3: std::rt::lang_start_internal
`

// fail prints an icp-style error (with one cause when cause is not empty) and returns exit status 1.
func fail(w io.Writer, message, cause string) int {
	fmt.Fprintf(w, "Error: %s\n", message)
	if cause != "" {
		fmt.Fprintf(w, "\nCaused by:\n    %s\n", cause)
	}
	fmt.Fprint(w, backtrace)
	return 1
}

// failCall prints a failed simulator call as icp prints a rejected management call: the IC's
// reject code says whether a retry may help.
func failCall(w io.Writer, what string, err error) int {
	code := "CanisterReject"
	switch {
	case executor.IsTransient(err):
		code = "SysTransient"
	case errors.Is(err, sim.ErrCanisterNotFound), errors.Is(err, sim.ErrSnapshotNotFound):
		code = "DestinationInvalid"
	}
	var ee *executor.Error
	message := err.Error()
	if errors.As(err, &ee) {
		message = ee.Message
	}
	return failReject(w, what, code, message)
}

// failReject prints a management call the replica rejected with code and message, as icp does.
func failReject(w io.Writer, what, code, message string) int {
	fmt.Fprintf(w, "Error: failed to %s\n\nCaused by:\n    0: the replica returned a rejection error: reject code %s, reject message %s, error code None\n    1: %s\n",
		what, code, message, "request rejected")
	fmt.Fprint(w, backtrace)
	return 1
}
