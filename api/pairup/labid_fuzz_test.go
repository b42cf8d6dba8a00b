package pairup

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
)

// labIDForms are the spellings the contract allows for lab_id: up to 18 digits, bare or quoted.
var labIDForms = regexp.MustCompile(`^(?:[0-9]{1,18}|"[0-9]{1,18}")$`)

// FuzzLabID decodes arbitrary JSON values as a lab_id, alone and as a member of an object as the
// API's binder decodes them: exactly the allowed forms are taken, each as the number its digits
// say, and it writes back as a JSON integer; anything else is refused with ErrLabID (alone) or
// an error (in an object), never a panic.
func FuzzLabID(f *testing.F) {
	for _, s := range []string{`3`, `"3"`, `"007"`, `0`, `-1`, `"-1"`, `1e3`, `3.0`, `"0x10"`, `""`, `"`, `null`, `true`,
		`999999999999999999`, `"9999999999999999999"`, `" 3"`, `"3\u0000"`, `"٣"`, `[3]`, `{"id":3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id LabID
		err := id.UnmarshalJSON(b)
		allowed := labIDForms.Match(b)
		if allowed != (err == nil) {
			t.Fatalf("UnmarshalJSON(%q) = %v; allowed form: %v", b, err, allowed)
		}
		if err != nil {
			if err != ErrLabID {
				t.Fatalf("UnmarshalJSON(%q) = %v, want ErrLabID", b, err)
			}
		} else {
			digits := string(b)
			if digits[0] == '"' {
				digits = digits[1 : len(digits)-1]
			}
			want, perr := strconv.ParseInt(digits, 10, 64)
			if perr != nil || int64(id) != want {
				t.Fatalf("UnmarshalJSON(%q) = %d, want %d (%v)", b, id, want, perr)
			}
			out, merr := id.MarshalJSON()
			if merr != nil || string(out) != strconv.FormatInt(want, 10) {
				t.Fatalf("MarshalJSON(%d) = %s, %v", id, out, merr)
			}
		}
		// Inside an object, as the binder decodes a body: never a panic, and the same verdict
		// for every value that is JSON at all.
		var body struct {
			LabID LabID `json:"lab_id"`
		}
		doc := append(append([]byte(`{"lab_id":`), b...), '}')
		if !json.Valid(doc) {
			return
		}
		derr := json.Unmarshal(doc, &body)
		if string(b) == "null" {
			return // encoding/json leaves the field alone for null; the validator's rule refuses 0
		}
		// encoding/json hands UnmarshalJSON the value without the whitespace around it.
		var want LabID
		inAllowed := labIDForms.Match(bytes.TrimSpace(b))
		if inAllowed {
			_ = want.UnmarshalJSON(bytes.TrimSpace(b))
		}
		if inAllowed != (derr == nil) || inAllowed && body.LabID != want {
			t.Fatalf("in an object, %q decodes to %d, %v; alone %d, %v", b, body.LabID, derr, id, err)
		}
	})
}
