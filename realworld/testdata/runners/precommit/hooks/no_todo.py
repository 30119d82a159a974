"""A pre-commit hook: fail on files that hold a to-do marker."""
import sys

import six  # an additional dependency: the hook runs in pre-commit's own environment

MARK = "TO" + "DO"
bad = [f for f in sys.argv[1:] if MARK in open(f, encoding="utf-8").read()]
for f in bad:
    print("%s: has a %s (six %s)" % (f, MARK, six.__version__))
sys.exit(1 if bad else 0)
