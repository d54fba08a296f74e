// Package icp implements executor.Executor with the `icp` command-line tool, version 1.5.0.
//
// Every operation runs one `icp` command of the shapes its argument parser is known to accept
// (testdata/ACCEPTED-COMMAND-LINES.txt): positional arguments, command flags, then the network
// flags (`-n NAME|URL [-k ROOT_KEY]` or `-e ENV`), then `--identity` and
// `--identity-password-file`. Commands run with DO_NOT_TRACK=1, in their own process group, which
// is killed at the command's timeout or when its context ends. The registry is read with
// `canister call <root> canic_subnet_registry () --query --json` and decoded from the Candid bytes
// of the envelope (package candid); snapshots are created and listed with `--json`. A canister at
// its snapshot limit is refused with an error matching executor.ErrSnapshotLimit (recognised by the
// IC's wording); ReplaceSnapshot (executor.SnapshotReplacer) takes a snapshot in its place with
// `canister snapshot create <C> --quiet --replace <S>`, and DeleteSnapshot deletes one.
//
// It also implements executor.Restorer: `canister snapshot upload <C> --input <DIR> --json` (the
// new id read from its {"snapshot_id": ...} output), `canister snapshot restore <C> <S>` (icp
// itself refuses a running canister), and the module hash from `canister status <C> --json`.
//
// A failed command becomes an *executor.Error{Status: "icp"} whose message is the command line
// and icp's error chain ("Error: ..." and its "Caused by" lines, without the backtrace), classified
// transient (network, timeout, rate limit, busy or overloaded replica, killed at the timeout) or
// permanent (not a controller, not found, invalid argument, exit status 2: an argument the parser
// refused, output that cannot be parsed).
package icp
