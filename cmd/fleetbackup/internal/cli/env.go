package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Env is what a command may touch of its process: standard streams and the environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// StdEnv is the process's own streams and environment.
func StdEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// terminal reports whether w is a terminal, and its size (80x24 when the terminal does not say).
func terminal(w io.Writer) (ok bool, width, height int) {
	f, isFile := w.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return false, 0, 0
	}
	width, height, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 || height <= 0 {
		return true, 80, 24
	}
	return true, width, height
}

// terminalSize reads w's current size, falling back to 80x24.
func terminalSize(w io.Writer) (int, int) {
	_, width, height := terminal(w)
	if width <= 0 {
		return 80, 24
	}
	return width, height
}
