package registry

import (
	"reflect"
	"testing"
)

// record.created_at is kept as decimal text when it is a nat64 (the Candid reply renders it as
// a string; an integer token is read too); anything else is null, so what is kept encodes
// back to Candid.
func TestParseCreatedAt(t *testing.T) {
	for _, tc := range []struct {
		name, record string
		want         *string
	}{
		{"decimal text", `{"created_at":"1715090400"}`, ptr("1715090400")},
		{"zero", `{"created_at":"0"}`, ptr("0")},
		{"leading zeros kept as written", `{"created_at":"0017"}`, ptr("0017")},
		{"largest nat64", `{"created_at":"18446744073709551615"}`, ptr("18446744073709551615")},
		{"integer token", `{"created_at":17}`, ptr("17")},
		{"absent", `{}`, nil},
		{"null", `{"created_at":null}`, nil},
		{"beyond nat64", `{"created_at":"18446744073709551616"}`, nil},
		{"negative", `{"created_at":"-1"}`, nil},
		{"negative token", `{"created_at":-1}`, nil},
		{"fraction", `{"created_at":1.0}`, nil},
		{"exponent", `{"created_at":1e3}`, nil},
		{"not a number", `{"created_at":"yesterday"}`, nil},
		{"empty text", `{"created_at":""}`, nil},
		{"array", `{"created_at":[1]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(`[{"pid":"p","record":` + tc.record + `}]`))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[0].CreatedAt, tc.want) {
				t.Fatalf("created_at = %s, want %s", orNull(got[0].CreatedAt), orNull(tc.want))
			}
		})
	}
	got, err := Parse([]byte(`[{"pid":"p","created_at":"5"}]`))
	if err != nil || got[0].CreatedAt != nil {
		t.Fatalf("created_at outside the record read: %s, %v", show(got), err)
	}
}

func orNull(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
