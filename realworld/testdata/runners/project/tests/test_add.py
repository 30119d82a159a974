import os
import sys

import coilsample


def test_add():
    assert coilsample.add(2, 3) == 5


def test_runs_installed_package():
    # The package under test is the one installed into the runner's environment.
    assert os.path.realpath(coilsample.__file__).startswith(os.path.realpath(sys.prefix))
    marker = os.environ.get("COIL_RUNNER_MARK")
    if marker:
        with open(marker, "w") as f:
            f.write(sys.prefix + "\n")
