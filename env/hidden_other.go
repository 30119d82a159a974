//go:build !darwin && !windows

package env

import "io/fs"

// hiddenFile: only macOS and Windows have a hidden flag that Python 3.13+ honours.
func hiddenFile(fs.FileInfo) bool { return false }
