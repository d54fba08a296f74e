// Package registry reads a fleet's canister registry (DOMAIN §1.1) and answers the questions
// planning asks of it: which canister a selector names (§1.2), which canisters a subtree holds
// (§1.3), how deep each canister sits (§1.4) and the topology hash that pins the fleet's shape
// (§1.5).
//
// Every function is linear in the size of the registry, so fleets of tens of thousands of
// canisters plan as fast as small ones, and every result equals the reference runner's.
package registry
