// Package preflight proves that a plan may be executed (DOMAIN §3). Prove gathers a receipt
// bundle from the fleet through an executor (registry, topology hash, status of every target,
// as the reference host executor does in §10.2); Apply checks the bundle against the plan
// within its time window (§3.2, §3.3) and, only if every check passes, replaces the targets'
// declared authorities with the proven ones, after which the plan passes ValidateForExecution.
package preflight
