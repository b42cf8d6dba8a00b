package main

// fzNoticeRows are the notice routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go).
var fzNoticeRows = []fzRow{}
