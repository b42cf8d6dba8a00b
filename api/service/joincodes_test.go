package service_test

import (
	"testing"

	"github.com/pairup/pairup/api/service"
)

func TestNormalizeJoinCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"K7Q2-M9XD": "K7Q2-M9XD", "k7q2-m9xd": "K7Q2-M9XD", "K7Q2M9XD": "K7Q2-M9XD", " k7q2 m9xd ": "K7Q2-M9XD",
		"": "", "K7Q2-M9X": "", "K7Q2-M9XDD": "", "K7Q2_M9XD": "", "K7Q2-M9XÉ": "", "ＫＸＱ2-M9XD": "",
	} {
		got, ok := service.NormalizeJoinCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeJoinCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
