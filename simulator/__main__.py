"""`python -m simulator` is the same as `kpsim`."""

import sys

from simulator.cli import interrupts

interrupts.install("--json" in sys.argv[1:])  # before the heavy imports: Ctrl-C is clean at once

from simulator.cli.main import run  # noqa: E402

run()
