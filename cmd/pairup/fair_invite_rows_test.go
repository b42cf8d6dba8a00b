package main

// fzInviteRows are the invite routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go).
var fzInviteRows = []fzRow{}
