// Package restore is the domain half of restoring a fleet from a backup directory (RESTORE.md,
// DESIGN §10): the restore plan built from a backup's manifest, the admission checks that run
// before anything is touched, and the apply journal whose operations a pipeline claims,
// completes and fails through named transitions.
//
// Documents follow the reference's 0.108 shapes (`restore-plan.json`,
// `restore-apply-journal.json`): every field is written, nullable fields as explicit null, and
// reading requires every field and rejects unknown ones. The journal's operation kinds are
// fleetbackup's (DESIGN §10), not the reference's; docs/restore.md lists every difference.
//
// The package does no I/O beyond reading a backup directory during admission; it imports no
// messaging code.
package restore
