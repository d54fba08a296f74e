package cli

import (
	"strings"
	"unicode/utf8"
)

// table lays out rows in left-aligned columns, two spaces apart.
type table struct {
	rows [][]string
}

func newTable(headers ...string) *table {
	return &table{rows: [][]string{headers}}
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// String renders the table, one line per row, each line ending in a newline.
func (t *table) String() string {
	widths := map[int]int{}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}
