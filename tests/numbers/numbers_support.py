"""Constants and types shared by the recipient-list tests (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl

AS_OF = dt.date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"

Checker = Callable[..., pl.DataFrame]
