// Package testnet holds network helpers for tests: addresses where nothing answers, to see
// what coil says when a package index cannot be reached.
package testnet

import (
	"net"
	"testing"
)

// ClosedURL is an http URL (no path) on a loopback port where nothing listens: the port was
// just free, so a request to it is refused at once instead of waiting for a timeout.
func ClosedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// ClosedIndex is a simple-index URL (ClosedURL + "/simple") where nothing listens.
func ClosedIndex(t testing.TB) string {
	t.Helper()
	return ClosedURL(t) + "/simple"
}
