"""The one clock: what day it is in Japan, where every rule takes effect (JST, UTC+9, no DST)."""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9), "JST")


def today_in_japan() -> dt.date:
    """Today's date in Japan: the default `as_of` of every command and of `simulator.forecast`."""
    return dt.datetime.now(JST).date()
