// Package e2e holds end-to-end tests that run fleetbackup's five services as separate,
// built processes against one NATS server, kill them for real, and check the backups they
// produce. It has no library code; see the *_test.go files.
package e2e
