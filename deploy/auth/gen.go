//go:build ignore

// gen generates a secured installation's NATS keys, credentials and TLS certificates
// (bus.GenerateAuth): run it through deploy/auth/gen.sh. See docs/security.md.
//
//	go run ./deploy/auth/gen.go -out deploy/auth/out
//	go run ./deploy/auth/gen.go -matrix          # print the permission matrix (Markdown)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

func main() {
	out := flag.String("out", "deploy/auth/out", "output `DIR` (git-ignored; never commit it)")
	prefix := flag.String("prefix", bus.DefaultPrefix, "the installation's subject and bucket `PREFIX`")
	hosts := flag.String("hosts", strings.Join(bus.DefaultServerHosts, ","), "the servers' `NAMES` and addresses, comma-separated (certificate SANs)")
	serverDir := flag.String("server-dir", bus.DefaultServerDir, "`DIR` where the server reads its files (auth.conf names certificates there)")
	days := flag.Int("days", int(bus.DefaultCertValidity/(24*time.Hour)), "certificate validity in `DAYS`")
	workerSetup := flag.Bool("worker-setup", true, "let the workers update the streams and consumers (today's services set up at start)")
	force := flag.Bool("force", false, "replace an earlier generation: every key and certificate changes")
	matrix := flag.Bool("matrix", false, "print the permission matrix as Markdown and exit")
	flag.Parse()
	policy := bus.PolicyConfig{WorkerSetup: *workerSetup}
	if *matrix {
		names, err := bus.NewNames(*prefix)
		exitOn(err)
		fmt.Print(names.PermissionMatrix(policy))
		return
	}
	if *days < 1 {
		exitOn(errors.New("-days: want at least 1"))
	}
	files, err := bus.GenerateAuth(bus.AuthConfig{Dir: *out, Prefix: *prefix, Hosts: strings.Split(*hosts, ","),
		ServerDir: *serverDir, Validity: time.Duration(*days) * 24 * time.Hour, Policy: policy, Force: *force})
	exitOn(err)
	fmt.Printf("server files (mount at %s): %s\n", *serverDir, files.ServerDir())
	for _, id := range append(bus.AccountIdentities(), bus.IdentitySystem) {
		fmt.Printf("%-12s %s\n", id, filepath.Dir(files.Identity(id).Creds))
	}
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
