package main

// fzRankedRows are the ranked routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go).
var fzRankedRows = []fzRow{}
