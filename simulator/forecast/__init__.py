"""Forecast layer: run, uncertainty, diff, sweeps and break-even points.

The package is callable, so that `simulator.forecast(...)` stays the notebook entry point even
after a submodule such as `simulator.forecast.run` has been imported (which rebinds the name).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableForecastPackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from simulator.api import forecast

        return forecast(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableForecastPackage
