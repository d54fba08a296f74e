package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// redrawEvery bounds how often Bars redraws on changes (ticks redraw anyway).
const redrawEvery = 80 * time.Millisecond

// Bars redraws a block of progress bars in place: for a terminal.
type Bars struct {
	W io.Writer
	// Size reports the terminal's width and height; nil means 80x24.
	Size  func() (width, height int)
	lines int // height of the frame on screen
	last  time.Time
	spin  int
}

// Changed redraws, unless the last redraw was a moment ago (the next tick will).
func (b *Bars) Changed(m *Model, _ []Change) {
	if time.Since(b.last) >= redrawEvery {
		b.draw(m)
	}
}

// Tick advances the spinners and the clock.
func (b *Bars) Tick(m *Model) {
	b.spin++
	b.draw(m)
}

// Close draws the last frame and gives the cursor back.
func (b *Bars) Close(m *Model) {
	b.draw(m)
	io.WriteString(b.W, "\x1b[?25h")
}

func (b *Bars) draw(m *Model) {
	width, height := 80, 24
	if b.Size != nil {
		width, height = b.Size()
	}
	lines := Frame(m, width, height, b.spin, time.Now())
	var out strings.Builder
	if b.lines == 0 {
		out.WriteString("\x1b[?25l") // hide the cursor while drawing
	} else {
		fmt.Fprintf(&out, "\r\x1b[%dA", b.lines)
	}
	out.WriteString("\x1b[J")
	for _, l := range lines {
		out.WriteString(l + "\n")
	}
	io.WriteString(b.W, out.String())
	b.lines = len(lines)
	b.last = time.Now()
}
