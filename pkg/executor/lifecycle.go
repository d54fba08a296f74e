package executor

import "context"

// Lifecycle stops or starts a canister through call, retrying transient errors under policy.
// A takeover or a retry (reconcile: the previous reply may have been lost after the IC
// acted) looks at the canister first: if it is already where the call would take it, nothing
// is called again.
func Lifecycle(ctx context.Context, exec Executor, policy RetryPolicy, target string, want Status,
	call func(context.Context, string) error, reconcile bool) error {
	return policy.Do(ctx, func() error {
		if reconcile {
			if st, err := exec.Status(ctx, target); err == nil && st == want {
				return nil
			}
		}
		reconcile = true
		return call(ctx, target)
	})
}

// EnsureRunning starts a canister unless it already runs.
func EnsureRunning(ctx context.Context, exec Executor, policy RetryPolicy, target string) error {
	return Lifecycle(ctx, exec, policy, target, StatusRunning, exec.Start, true)
}
