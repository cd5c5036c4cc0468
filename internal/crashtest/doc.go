// Package crashtest holds tandem's crash suite. Its tests run both
// simulators as separate processes (tandem sim salesforce, tandem sim
// intercom), and kill tandem sync or tandem serve with SIGKILL at random
// points, restarting it until it finishes; then they check that the two
// systems converged with no lost update and no duplicate. The processes are
// the test binary itself, running tandem's command line (see TestMain).
//
// The scale is small by default; -crash.pairs and -crash.kills raise it:
//
//	go test ./internal/crashtest -v -crash.pairs=5000 -crash.kills=20
//
// The package has no non-test code besides this comment.
package crashtest
