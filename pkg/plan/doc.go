// Package plan builds, validates and loads backup plans (DOMAIN §1.3 and §2).
//
// Build turns a registry selection into a plan: targets in traversal order with their depth,
// the same declared (or proven) authorities on every target, and the phases of §2.4. Validate
// applies the plan rules of §2.5 (a dry-run plan with declared authority is valid);
// ValidateForExecution additionally requires proven authorities, which package preflight
// supplies. Load decodes a `backup-plan.json` strictly and validates it. Everything runs in
// time linear in the number of targets.
package plan
