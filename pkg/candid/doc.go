// Package candid decodes and encodes the Candid reply of a fleet root's canic_subnet_registry
// query.
//
// `icp canister call <root> canic_subnet_registry '()' --query --json` prints the reply as Candid
// bytes (hex in the envelope's response_bytes). DecodeRegistryReply reads them following
// Candid's binary format and subtyping rules — type table, records and variants keyed by field
// hash, opt, vec, LEB128 — skipping fields a newer root may add, and renders the registry JSON of
// DOMAIN §1.1. Hostile input never panics and never allocates beyond the input's own length:
// every length is checked against the bytes left, nesting is bounded and so is the work spent on
// values that take no bytes. EncodeRegistryReply is the inverse, for the fake `icp` of the tests.
package candid
