package main

import "testing"

func TestSmoke(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 3)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	p := createProject(t, s, tok, studentNumber(0), studentNumber(1), f.Labs[0].ID)
	if p.Team != "Student 0 & Student 1" {
		t.Fatalf("team = %q", p.Team)
	}
	r := s.Client.Do(t, "GET", "/api/labs/", tok, nil)
	if r.Status != 200 {
		t.Fatal(r.Status)
	}
	r = s.Client.Do(t, "GET", "/api/nope", tok, nil)
	if r.Status != 404 {
		t.Fatal(r.Status)
	}
	r = s.Client.Do(t, "POST", "/api/students/"+studentNumber(2)+"/project", tok, `{"x":1}`)
	if r.Status != 403 {
		t.Fatal(r.Status, string(r.Body))
	}
}
