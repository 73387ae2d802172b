"""The quote scan as it was before it read only the bytes inside quoted cells (issue 12): every
line break found and placed, line numbers kept per quote. A reference for the differential test
of `simulator.numbers.reader._check_quoted_cells`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator.errors import InputError
from simulator.numbers import reader


def check_quoted_cells(path: Path, csv_path: Path, separator: str) -> None:
    """Refuse a quoted cell that swallows rows (the previous scan: see the module docstring)."""
    row_shaped = reader._phone_field(separator)
    quotes = lines = checked = 0
    open_line = 0
    # The first quoted cell shaped like swallowed rows: reported unless its quote never closes.
    suspect: InputError | None = None
    with csv_path.open("rb") as fh:
        while chunk := fh.read(reader.CHUNK_BYTES):
            if quotes % 2 == 0 and chunk.find(b'"') < 0:
                lines += chunk.count(b"\n")
                continue
            data = np.frombuffer(chunk, dtype=np.uint8)
            q = np.flatnonzero(data == ord('"'))
            nl = np.flatnonzero(data == ord("\n"))
            q_line = lines + np.searchsorted(nl, q) + 1
            opening = (quotes + np.arange(q.size)) % 2 == 0
            opens = q_line[opening]
            if quotes % 2:
                opens = np.concatenate((np.array([open_line], dtype=q_line.dtype), opens))
            closes = q_line[~opening]
            pairs = min(opens.size, closes.size)
            long = np.flatnonzero(closes[:pairs] - opens[:pairs] > reader.MAX_CELL_LINES)
            if long.size:
                raise suspect or reader._swallowing_quote(
                    path, int(opens[long[0]]), f"is closed only on line {closes[long[0]]:,}"
                )
            inner = nl[(quotes + np.searchsorted(q, nl)) % 2 == 1]
            for at in inner[: max(0, reader.MAX_SHAPE_CHECKS - checked)].tolist():
                start = max(chunk.rfind(b"\n", 0, at), chunk.rfind(b'"', 0, at)) + 1
                end = min(reader._find(chunk, b"\n", at + 1), reader._find(chunk, b'"', at + 1))
                if row_shaped.search(chunk[start:at]) or row_shaped.search(chunk[at + 1 : end]):
                    before = int(np.searchsorted(q, at)) - 1
                    opened = int(q_line[before]) if before >= 0 else open_line
                    suspect = reader._swallowing_quote(
                        path, opened, "holds a line break next to what looks like another row"
                    )
                    checked = reader.MAX_SHAPE_CHECKS
                    break
            checked += inner.size
            quotes += q.size
            if quotes % 2 and q.size:
                open_line = int(q_line[-1])
            lines += nl.size
    if quotes % 2 and (suspect is None or suspect.line == open_line):
        raise reader._quote_error(path, open_line)
    if suspect is not None:
        raise suspect
