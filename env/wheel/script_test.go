package wheel

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShebang(t *testing.T) {
	// 124 bytes of path + "#!" + "\n" is the longest simple shebang.
	p124 := "/" + strings.Repeat("p", 123)
	p125 := "/" + strings.Repeat("p", 124)
	tests := []struct {
		interp, args, want string
	}{
		{"/env/bin/python", "", "#!/env/bin/python\n"},
		{"/env/bin/python", " -E", "#!/env/bin/python -E\n"},
		{p124, "", "#!" + p124 + "\n"},
		{p125, "", "#!/bin/sh\n'''exec' " + p125 + " \"$0\" \"$@\"\n' '''\n"},
		{p124[:121], " -E", "#!" + p124[:121] + " -E\n"},
		{p124[:122], " -E", "#!/bin/sh\n'''exec' " + p124[:122] + " -E \"$0\" \"$@\"\n' '''\n"},
		{"/my env/bin/python", "", "#!/bin/sh\n'''exec' \"/my env/bin/python\" \"$0\" \"$@\"\n' '''\n"},
		{"/a\tb/python", "", "#!/bin/sh\n'''exec' \"/a\tb/python\" \"$0\" \"$@\"\n' '''\n"},
		{"/a $b `c` \"d\" \\e/python", "", "#!/bin/sh\n'''exec' \"/a \\$b \\`c\\` \\\"d\\\" \\\\e/python\" \"$0\" \"$@\"\n' '''\n"},
	}
	for _, tt := range tests {
		if got := Shebang(tt.interp, tt.args); got != tt.want {
			t.Errorf("Shebang(%q, %q) =\n%q\nwant\n%q", tt.interp, tt.args, got, tt.want)
		}
	}
}

func TestRewriteShebang(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"#!python\nprint(1)\n", "#!/e/python\nprint(1)\n", true},
		{"#!pythonw\nprint(1)\n", "#!/e/python\nprint(1)\n", true},
		{"#!python3.11 -E -s\r\nprint(1)\r\n", "#!/e/python -E -s\nprint(1)\r\n", true},
		{"#!python", "#!/e/python\n", true},
		{"#!/usr/bin/python\nprint(1)\n", "", false},
		{"#!/bin/sh\n", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := rewriteShebang([]byte(tt.in), "/e/python")
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("rewriteShebang(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestLauncherHostilePaths writes launchers whose interpreter lives in
// directories with hard names and runs them: the kernel reads the
// shebang, sh runs the exec trick, and Python must parse what follows.
func TestLauncherHostilePaths(t *testing.T) {
	py := needPython(t)
	mods := t.TempDir()
	os.WriteFile(filepath.Join(mods, "hellomod.py"), []byte("import sys\n\nclass cli:\n    @staticmethod\n    def main():\n        print('hello', sys.argv[0].rsplit('/', 1)[-1], sys.argv[1:])\n        return 3\n"), 0o644)
	root := t.TempDir()
	for _, name := range []string{
		"plain",
		"with space",
		"é ü 日本",
		`dollar $HOME and $(false) and ${x}`,
		"back`tick`",
		`quote " and ' single`,
		`back\slash \N and \x`,
		"semi;colon&amp|pipe",
		strings.Repeat("long", 40), // over 127 bytes, no space
	} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		interp := filepath.Join(dir, "python")
		if err := os.Symlink(py, interp); err != nil {
			t.Fatal(err)
		}
		ep := EntryPoint{Name: "hello", Module: "hellomod", Attr: "cli.main"}
		script := filepath.Join(dir, "hello")
		if err := os.WriteFile(script, []byte(ep.Launcher(interp)), 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := runEnv(script, []string{"PYTHONPATH=" + mods}, "a b", "$HOME", "é")
		if code := exitCode(err); code != 3 {
			t.Errorf("%q: exit code %d (%v), want 3\n%s", name, code, err, out)
		}
		if want := "hello hello ['a b', '$HOME', 'é']\n"; out != want {
			t.Errorf("%q: launcher printed %q, want %q", name, out, want)
		}
	}
}

func TestParseEntryPoints(t *testing.T) {
	in := `
# comment
[console_scripts]
tool = pkg.cli:main
tool-x = pkg.cli:Main.run [extra1, extra2]
tool = pkg.cli:main2
 spaced  =  pkg :  main

[distutils.commands]
bdist_wheel = wheel.bdist_wheel:bdist_wheel
not a valid line is fine in other groups

[gui_scripts]
tool = pkg.gui:start
`
	got, err := ParseEntryPoints([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []EntryPoint{
		{Name: "tool", Module: "pkg.cli", Attr: "main2"},
		{Name: "tool-x", Module: "pkg.cli", Attr: "Main.run"},
		{Name: "spaced", Module: "pkg", Attr: "main"},
		{Name: "tool", Module: "pkg.gui", Attr: "start", GUI: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseEntryPoints:\n got %+v\nwant %+v", got, want)
	}

	for in, wantErr := range map[string]string{
		"[console_scripts]\ntool = pkg\n":                      "callable suffix",
		"[console_scripts]\ntool = os; import evil:main\n":     "dotted Python names",
		"[console_scripts]\ntool = pkg:main()\n":               "dotted Python names",
		"[console_scripts]\n../evil = pkg:main\n":              "not a valid file name",
		"[console_scripts]\n.. = pkg:main\n":                   "not a valid file name",
		"[console_scripts]\nno equals sign\n":                  "entry_points.txt:2",
		"[console_scripts\n":                                   "bad section header",
		"[gui_scripts]\nx = pkg:1main\n":                       "dotted Python names",
		"[console_scripts]\nok = pkg:main\nbad/name = pkg:m\n": "entry_points.txt:3",
	} {
		_, err := ParseEntryPoints([]byte(in))
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseEntryPoints(%q) error = %v, want %q", in, err, wantErr)
		}
	}
}

func TestVersionedScripts(t *testing.T) {
	eps := []EntryPoint{
		{Name: "pip3.9", Module: "pip._internal.cli.main", Attr: "main"},
		{Name: "pip", Module: "pip._internal.cli.main", Attr: "main"},
		{Name: "pip3", Module: "pip._internal.cli.main", Attr: "main"},
		{Name: "easy_install-3.9", Module: "setuptools.command.easy_install", Attr: "main"},
		{Name: "easy_install", Module: "setuptools.command.easy_install", Attr: "main"},
		{Name: "pipx", Module: "pipx.main", Attr: "cli"},
		{Name: "pip", Module: "gui", Attr: "main", GUI: true},
	}
	var names []string
	for _, e := range versionedScripts(eps, "3.11") {
		names = append(names, e.Name)
	}
	want := []string{"pip", "pip3", "pip3.11", "easy_install", "easy_install-3.11", "pipx", "pip"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("versionedScripts(3.11) = %q, want %q", names, want)
	}
	if got := versionedScripts(eps, ""); !reflect.DeepEqual(got, eps) {
		t.Errorf("versionedScripts(\"\") changed the list: %+v", got)
	}
	// Without a pip entry, pip-like names are someone else's scripts.
	other := []EntryPoint{{Name: "pip3", Module: "m", Attr: "f"}}
	if got := versionedScripts(other, "3.11"); !reflect.DeepEqual(got, other) {
		t.Errorf("versionedScripts without pip = %+v", got)
	}
}

func TestParseRecord(t *testing.T) {
	good := "a/b.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n\"c,d.py\",sha512=z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg_SpIdNs6c5H0NE8XYXysP-DGNKHfuwvY7kxvUdBeoGlODJ6-SfaPg==,0\nx.dist-info/RECORD,,\n"
	rec, err := parseRecord([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 3 || rec["c,d.py"].algo != "sha512" || rec["a/b.py"].size != 0 || rec["x.dist-info/RECORD"].size != -1 {
		t.Errorf("parseRecord = %+v", rec)
	}
	for in, wantErr := range map[string]string{
		"a.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n":    "not allowed",
		"a.py,sha256,0\n":                        "not algo=digest",
		"a.py,sha256=!!!,0\n":                    "illegal base64",
		"a.py,,x\n":                              "not a number",
		"a.py,,\na.py,,\n":                       "listed twice",
		"a.py,sha256=47DEQpj8HBSa,0,extra\n":     "want 3 fields",
		"\"unterminated,sha256=47DEQpj8HBSa,0\n": "RECORD:",
	} {
		if _, err := parseRecord([]byte(in)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("parseRecord(%q) error = %v, want %q", in, err, wantErr)
		}
	}
}
