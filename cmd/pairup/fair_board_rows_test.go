package main

// fzBoardRows are the board routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go).
var fzBoardRows = []fzRow{}
