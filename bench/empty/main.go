// Command empty does nothing: bench/startup.sh times it as the floor of any Go program's start-up
// (runtime initialisation and the page faults of a minimal static binary).
package main

func main() {}
