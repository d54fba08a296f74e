package manifest

import (
	"encoding/json"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Load decodes and validates a manifest document of at most document.MaxSize bytes. Unknown
// fields are ignored; a missing or null non-optional field is an ErrMissingField error; a missing
// optional field reads as null. Versions 1 and 2 are accepted.
func Load(data []byte) (*Manifest, error) {
	if len(data) > document.MaxSize {
		return nil, fmt.Errorf("manifest: %w: %d bytes (limit %d)", document.ErrTooLarge, len(data), document.MaxSize)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest: decoding: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// UnmarshalJSON decodes a manifest strictly in one pass: it decodes into a mirror of the
// document whose required fields are pointers, then copies it over, failing on the first
// required field that is missing or null. A version 1 document's canister_ids, a field version
// 1 does not have, is ignored like any unknown field. Lists are never nil after decoding, except
// canister_ids where version 1 has none.
func (m *Manifest) UnmarshalJSON(data []byte) error {
	var raw manifestJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var c converter
	out := c.manifest(&raw)
	if c.err != nil {
		return c.err
	}
	*m = out
	return nil
}

// UnmarshalJSON rejects kinds other than single and subtree.
func (k *UnitKind) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("consistency.backup_units[].kind: %w", err)
	}
	switch UnitKind(s) {
	case UnitSingle, UnitSubtree:
		*k = UnitKind(s)
		return nil
	}
	return fmt.Errorf("%w: %w: %q", ErrUnknownKind, plan.ErrUnknownEnum, s)
}

// converter copies the decoded mirror into a Manifest and keeps the first missing field.
type converter struct{ err *Error }

func (c *converter) missing(field string, index int) {
	if c.err == nil {
		e := newErr(ErrMissingField)
		e.Field, e.Index = field, index
		c.err = e
	}
}

func (c *converter) str(p *string, field string, index int) string {
	if p == nil {
		c.missing(field, index)
		return ""
	}
	return *p
}

func (c *converter) strs(p *[]string, field string, index int) []string {
	if p == nil {
		c.missing(field, index)
		return []string{}
	}
	return append([]string{}, *p...)
}

func (c *converter) manifest(r *manifestJSON) Manifest {
	var m Manifest
	if r.ManifestVersion == nil {
		c.missing("manifest_version", -1)
	} else {
		m.ManifestVersion = *r.ManifestVersion
	}
	m.BackupID = c.str(r.BackupID, "backup_id", -1)
	m.CreatedAt = c.str(r.CreatedAt, "created_at", -1)
	if r.Tool == nil {
		c.missing("tool", -1)
	} else {
		m.Tool = ToolMetadata{Name: c.str(r.Tool.Name, "tool.name", -1), Version: c.str(r.Tool.Version, "tool.version", -1)}
	}
	if r.Source == nil {
		c.missing("source", -1)
	} else {
		m.Source = SourceMetadata{
			Environment:  c.str(r.Source.Environment, "source.environment", -1),
			RootCanister: c.str(r.Source.RootCanister, "source.root_canister", -1),
		}
	}
	m.Consistency.BackupUnits = c.units(r.Consistency, m.ManifestVersion)
	m.Fleet = c.fleet(r.Fleet)
	m.Verification = c.verification(r.Verification)
	return m
}

func (c *converter) units(r *consistencyJSON, version uint16) []BackupUnit {
	if r == nil || r.BackupUnits == nil {
		c.missing("consistency.backup_units", -1)
		return []BackupUnit{}
	}
	units := make([]BackupUnit, len(*r.BackupUnits))
	for i, u := range *r.BackupUnits {
		units[i] = BackupUnit{
			UnitID: c.str(u.UnitID, "consistency.backup_units[].unit_id", i),
			Roles:  c.strs(u.Roles, "consistency.backup_units[].roles", i),
		}
		if u.Kind == nil {
			c.missing("consistency.backup_units[].kind", i)
		} else {
			units[i].Kind = *u.Kind
		}
		if version != Version1 && u.CanisterIDs != nil {
			units[i].CanisterIDs = append([]string{}, u.CanisterIDs...)
		}
	}
	return units
}
