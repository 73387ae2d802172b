"""Analysis layer: a forecast's orchestration, uncertainty, diff, sweeps and break-even points."""
