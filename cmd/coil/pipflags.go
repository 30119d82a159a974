package main

import (
	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/spf13/pflag"
)

// pipFlags say what goes into a new environment. pip is installed by default, as venv,
// virtualenv and virtualenvwrapper do (with setuptools and wheel before Python 3.12); venv's and
// virtualenv's flags opt out. --seed, coil's flag from when pip was opt-in, is still accepted.
type pipFlags struct {
	WithoutPip   bool
	Seed         bool
	NoSetuptools bool
	NoWheel      bool
}

func (p *pipFlags) add(f *pflag.FlagSet) {
	f.BoolVar(&p.WithoutPip, "without-pip", false, "do not install pip (nor setuptools and wheel)")
	f.BoolVar(&p.WithoutPip, "no-pip", false, "the same as --without-pip (virtualenv's name)")
	f.BoolVar(&p.WithoutPip, "no-seed", false, "the same as --without-pip (virtualenv's name)")
	f.BoolVar(&p.Seed, "seed", false, "install pip (the default; kept for scripts written for older coil)")
	f.BoolVar(&p.NoSetuptools, "no-setuptools", false, "leave setuptools out (it is only installed before Python 3.12)")
	f.BoolVar(&p.NoWheel, "no-wheel", false, "leave wheel out (it is only installed before Python 3.12)")
	for _, n := range []string{"no-pip", "no-seed"} {
		_ = f.MarkHidden(n)
	}
}

// seed reports whether pip goes in.
func (p *pipFlags) seed() bool { return !p.WithoutPip }

// seedOptions are the seed options for i, or nil without pip.
func (a *app) pipSeed(p *pipFlags, i *interp.Info) *env.SeedOptions {
	if !p.seed() {
		return nil
	}
	o := a.seedOptions(i)
	if p.NoSetuptools {
		o.Skip = append(o.Skip, "setuptools")
	}
	if p.NoWheel {
		o.Skip = append(o.Skip, "wheel")
	}
	return o
}
