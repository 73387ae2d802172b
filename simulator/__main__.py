"""`python -m simulator` is the same as `kpsim`."""

from simulator.cli.main import run

run()
