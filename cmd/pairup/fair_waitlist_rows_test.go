package main

// fzWaitlistRows are the waitlist routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go).
var fzWaitlistRows = []fzRow{}
