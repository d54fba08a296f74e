package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// printFleet draws the fleet as a tree, marking the canisters the plan backs up.
func printFleet(w io.Writer, fleet []registry.Entry, p *plan.Plan, bytesEach int64) {
	children := map[string][]registry.Entry{}
	known := map[string]bool{}
	for _, e := range fleet {
		known[e.Pid] = true
	}
	var roots []registry.Entry
	for _, e := range fleet {
		if e.ParentPid == nil || !known[*e.ParentPid] {
			roots = append(roots, e)
			continue
		}
		children[*e.ParentPid] = append(children[*e.ParentPid], e)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Simulated fleet: %d canisters, %s of memory each. Backing up %d of them (*): %s %s.\n\n",
		len(fleet), progress.FormatBytes(bytesEach), len(p.Targets), p.SelectedScopeKind, selectedName(p))
	seen := map[string]bool{}
	for _, r := range roots {
		drawNode(&b, r, "", "", children, p, seen)
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

func drawNode(b *strings.Builder, e registry.Entry, lead, branch string, children map[string][]registry.Entry,
	p *plan.Plan, seen map[string]bool) {
	if seen[e.Pid] {
		return // a cycle in a hand-written fleet
	}
	seen[e.Pid] = true
	mark := " "
	if _, ok := p.Target(e.Pid); ok {
		mark = "*"
	}
	label := lead + branch + roleName(e.Role)
	fmt.Fprintf(b, "  %s %-28s %s\n", mark, label, e.Pid)
	kids := children[e.Pid]
	next := lead
	switch branch {
	case "├─ ":
		next += "│  "
	case "└─ ":
		next += "   "
	}
	for i, k := range kids {
		br := "├─ "
		if i == len(kids)-1 {
			br = "└─ "
		}
		drawNode(b, k, next, br, children, p, seen)
	}
}

func roleName(role *string) string {
	if role == nil || *role == "" {
		return "(no role)"
	}
	return *role
}

// selectedName names the plan's selected canister by role when it has one.
func selectedName(p *plan.Plan) string {
	if p.SelectedSubtreeRoot == nil {
		return "of the whole fleet but its root"
	}
	if t, ok := p.Target(*p.SelectedSubtreeRoot); ok && t.Role != nil {
		return *t.Role
	}
	return *p.SelectedSubtreeRoot
}
