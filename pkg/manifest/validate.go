package manifest

// Validate checks the manifest in the order of DOMAIN §8.2; the first failure wins. Version 1
// keeps every rule of §8.2; version 2 replaces the role-keyed unit rules by member-keyed ones.
func (m *Manifest) Validate() error {
	if m == nil {
		e := newErr(ErrMissingInput)
		e.Field = "manifest"
		return e
	}
	steps := []func() *Error{
		m.validateHeader,
		m.validateConsistency,
		m.Fleet.validate,
		m.Verification.validate,
		m.validateUnitsAgainstFleet,
		m.validateVerificationAgainstFleet,
	}
	for _, step := range steps {
		if e := step(); e != nil {
			return e
		}
	}
	return nil
}

// validateHeader is steps 1 and 2: version, ids, tool and source.
func (m *Manifest) validateHeader() *Error {
	if m.ManifestVersion != Version1 && m.ManifestVersion != Version2 {
		e := newErr(ErrUnsupportedManifestVersion)
		e.Version = m.ManifestVersion
		return e
	}
	if e := nonEmpty("backup_id", m.BackupID); e != nil {
		return e
	}
	if e := nonEmpty("created_at", m.CreatedAt); e != nil {
		return e
	}
	if e := nonEmpty("tool.name", m.Tool.Name); e != nil {
		return e
	}
	if e := nonEmpty("tool.version", m.Tool.Version); e != nil {
		return e
	}
	if e := nonEmpty("source.environment", m.Source.Environment); e != nil {
		return e
	}
	return validPrincipal("source.root_canister", m.Source.RootCanister)
}

// validateConsistency is step 3: the units on their own, then unique unit ids.
func (m *Manifest) validateConsistency() *Error {
	units := m.Consistency.BackupUnits
	if len(units) == 0 {
		e := newErr(ErrEmptyCollection)
		e.Field = "consistency.backup_units"
		return e
	}
	seen := make(map[string]bool, len(units))
	for i := range units {
		u := &units[i]
		if e := u.validate(m.ManifestVersion); e != nil {
			return e.at(i)
		}
		if seen[u.UnitID] {
			e := newErr(ErrDuplicateBackupUnitID)
			e.UnitID = u.UnitID
			return e.at(i)
		}
		seen[u.UnitID] = true
	}
	return nil
}

func (u *BackupUnit) validate(version uint16) *Error {
	if e := nonEmpty("consistency.backup_units[].unit_id", u.UnitID); e != nil {
		return e
	}
	if u.Kind != UnitSingle && u.Kind != UnitSubtree {
		e := newErr(ErrUnknownKind)
		e.Field, e.Value, e.UnitID = "consistency.backup_units[].kind", string(u.Kind), u.UnitID
		return e
	}
	if len(u.Roles) == 0 {
		e := newErr(ErrEmptyCollection)
		e.Field, e.UnitID = "consistency.backup_units[].roles", u.UnitID
		return e
	}
	for _, role := range u.Roles {
		if e := nonEmpty("consistency.backup_units[].roles[]", role); e != nil {
			e.UnitID = u.UnitID
			return e
		}
	}
	if role, dup := firstDuplicate(u.Roles); dup {
		e := newErr(ErrDuplicateBackupUnitRole)
		e.UnitID, e.Role = u.UnitID, role
		return e
	}
	if version == Version1 {
		if u.CanisterIDs != nil {
			e := newErr(ErrUnexpectedUnitMembers)
			e.Field, e.UnitID = "consistency.backup_units[].canister_ids", u.UnitID
			return e
		}
		return nil
	}
	return u.validateMemberList()
}

// validateMemberList is version 2's shape rule for canister_ids: present, principals, unique.
func (u *BackupUnit) validateMemberList() *Error {
	if len(u.CanisterIDs) == 0 {
		e := newErr(ErrEmptyCollection)
		e.Field, e.UnitID = "consistency.backup_units[].canister_ids", u.UnitID
		return e
	}
	for _, id := range u.CanisterIDs {
		if e := validPrincipal("consistency.backup_units[].canister_ids[]", id); e != nil {
			e.UnitID = u.UnitID
			return e
		}
	}
	if id, dup := firstDuplicate(u.CanisterIDs); dup {
		e := newErr(ErrDuplicateBackupUnitMember)
		e.UnitID, e.CanisterID = u.UnitID, id
		return e
	}
	return nil
}

// firstDuplicate returns the first value that occurs a second time.
func firstDuplicate(values []string) (string, bool) {
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if seen[v] {
			return v, true
		}
		seen[v] = true
	}
	return "", false
}
