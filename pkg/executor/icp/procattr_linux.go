package icp

import "syscall"

// procAttr puts icp in its own process group (so a timeout kills everything it started) and,
// on Linux, asks the kernel to kill it when the thread that started it dies: an icp upload must
// not outlive a worker killed with -9, or the worker that takes the operation over would see no
// new snapshot yet and upload a second one (RESTORE §11, orphaned commands).
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
