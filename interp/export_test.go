package interp

// Hooks for the external tests (package interp_test), which may import env without a cycle.

type InstallOnlySource = installOnlySource

var (
	WriteInstallOnlyForTest = writeInstallOnly
	HashFileForTest         = hashFile
)
