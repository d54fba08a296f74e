package icp

import (
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Command kinds, which pick a command's default timeout and name it in messages.
const (
	kindRegistry = "registry"
	kindStatus   = "status"
	kindStop     = "stop"
	kindStart    = "start"
	kindCreate   = "snapshot"
	kindList     = "list"
	kindDownload = "download"
	kindDelete   = "delete"
	kindUpload   = "upload"
	kindLoad     = "load"
)

// The command-specific part of each command line (before the network and identity flags), in
// the shapes of testdata/ACCEPTED-COMMAND-LINES.txt.

func registryArgs(root string) []string {
	return []string{"canister", "call", root, "canic_subnet_registry", "()", "--query", "--json"}
}

func statusArgs(canister string) []string { return []string{"canister", "status", canister, "--json"} }

func stopArgs(canister string) []string { return []string{"canister", "stop", canister} }

func startArgs(canister string) []string { return []string{"canister", "start", canister} }

func createArgs(canister string) []string {
	return []string{"canister", "snapshot", "create", canister, "--json"}
}

// replaceArgs is the accepted `snapshot create <C> --quiet --replace <S>`: icp prints only the new
// snapshot's id.
func replaceArgs(canister, replaced string) []string {
	return []string{"canister", "snapshot", "create", canister, "--quiet", "--replace", replaced}
}

func deleteArgs(canister, snapshotID string) []string {
	return []string{"canister", "snapshot", "delete", canister, snapshotID}
}

func listArgs(canister string) []string {
	return []string{"canister", "snapshot", "list", canister, "--json"}
}

func downloadArgs(canister, snapshotID, dir string, resume bool) []string {
	args := []string{"canister", "snapshot", "download", canister, snapshotID, "--output", dir}
	if resume {
		args = append(args, "--resume")
	}
	return args
}

// uploadArgs is `snapshot upload` as fleetbackup's reference runs it (RESTORE.md §6.2): --json
// for the new id, and no --resume, which icp refuses when dir holds no upload progress. The flags
// are those of the 1.5.0 help (testdata/canister-snapshot-upload.txt); the checked line
// (ACCEPTED-COMMAND-LINES.txt) has --resume where this has --json.
func uploadArgs(canister, dir string) []string {
	return []string{"canister", "snapshot", "upload", canister, "--input", dir, "--json"}
}

func restoreArgs(canister, snapshotID string) []string {
	return []string{"canister", "snapshot", "restore", canister, snapshotID}
}

// checkCanister requires a canonical principal text, so that no argument can read as a flag.
func checkCanister(what, id string) error {
	if !principal.Valid(id) {
		return invalidArgument(what, id, "not a canonical principal")
	}
	return nil
}

// checkSnapshotID requires the hex form icp prints and accepts.
func checkSnapshotID(id string) error {
	if !isHex(id, 0) {
		return invalidArgument("snapshot id", id, "want an even number of hex digits")
	}
	return nil
}

// outputDir makes a download directory absolute, so that it never starts with '-'.
func outputDir(dir string) (string, error) { return absDir("output directory", dir) }

// inputDir makes an upload directory absolute, so that it never starts with '-'.
func inputDir(dir string) (string, error) { return absDir("input directory", dir) }

func absDir(what, dir string) (string, error) {
	if dir == "" {
		return "", invalidArgument(what, dir, "empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", invalidArgument(what, dir, err.Error())
	}
	return abs, nil
}
