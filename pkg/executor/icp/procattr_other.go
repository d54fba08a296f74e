//go:build !linux

package icp

import "syscall"

// procAttr puts icp in its own process group (so a timeout kills everything it started).
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
