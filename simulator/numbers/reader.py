"""Read a recipient list (CSV/TSV in UTF-8 or CP932, Parquet, or a polars frame) as text columns.

Every column is read as text so leading zeros survive. UTF-8 files are scanned lazily; other
encodings are transcoded to a temporary UTF-8 file chunk by chunk (removed at exit).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import polars as pl

from simulator import scratch
from simulator.errors import InputError, UsageError
from simulator.numbers.numbering import Reading
from simulator.privacy import mask_number

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Bytes: TypeAlias = npt.NDArray[np.uint8]
    Offsets: TypeAlias = npt.NDArray[np.int64]

ROW = "row"
SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20
UTF8 = "utf_8"
CP932 = "cp932"
# Codec names (after codecs.lookup) that mean Shift_JIS; cp932 decodes them all, including the
# NEC/IBM extensions Excel writes.
SHIFT_JIS_NAMES = {"shift_jis", "shift_jis_2004", "shift_jisx0213", "cp932"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
"""An .xlsx/.xlsm/.ods (zip) or old .xls (OLE) file starts with one of these, whatever its name."""
TAB_SUFFIXES = {".tsv", ".tab"}
BINARY_MAGIC = {
    b"PK\x03\x04": "a zip file",
    b"\xd0\xcf\x11\xe0": "an OLE file",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
NOT_TEXT_CODECS = {"punycode", "idna", "unicode_escape", "raw_unicode_escape", "undefined"}
"""Codecs Python counts as text encodings that no spreadsheet writes (they read Python source
escapes or domain names): refused like base64 or zlib, which are not text encodings at all."""
OTHER_SEPARATORS = (";", "|")
SEP_LINE = re.compile(rb'\s*"?sep=(.[\x80-\xbf]*)"?\s*', re.IGNORECASE | re.DOTALL)
"""The `sep=;` line Excel writes (and reads) above the header to name the separator."""
TITLE_LINES = 20
"""Lines looked at for a header below a title row, when no phone column is found."""
MAX_CELL_LINES = 20
"""A quoted cell spanning more lines than this is a stray quote swallowing rows, not a note."""
MAX_SHAPE_CHECKS = 10_000
"""Line breaks inside quoted cells looked at one by one (for a row's shape) per list: bounded,
so a list with a multi-line address on every row costs no per-row Python."""
LOOKS_LIKE_NUMBER = re.compile(r"[0-9]{7,}")
DIGIT_RUN = re.compile(r"[0-9][0-9() \-]{5,}[0-9]")
# Bytes cp932 decodes to private-use or C1 control characters: never in a sheet Excel saved, so a
# sample holding them is neither UTF-8 nor CP932.
UNLIKELY_IN_CP932 = re.compile("[\x80-\x9f\ue000-\uf8ff]")


@dataclass(frozen=True)
class RecipientSource:
    """A recipient list ready to check: text columns plus `row` (1-based data record number)."""

    frame: pl.LazyFrame
    phone_column: str
    carrier_column: str | None
    columns: tuple[str, ...]
    path: Path | None = None
    encoding: str | None = None

    @property
    def label(self) -> str:
        """How messages name the list: its path, or `<frame>` for a polars frame."""
        return str(self.path) if self.path is not None else "<frame>"


def fold_name(name: str) -> str:
    """Column names compared loosely: NFKC, lower case, no spaces, '_', '-' or '.'."""
    return re.sub(r"[\s_\-.]", "", unicodedata.normalize("NFKC", name).lower())


def _looks_like_number(name: str) -> bool:
    """Seven or more digits, whatever separates them: a phone number, never shown in full."""
    return sum(ch.isdigit() for ch in name) >= 7


def _shown(name: str) -> str:
    return mask_number(name) if _looks_like_number(name) else repr(name)


def shown_columns(columns: Sequence[str], limit: int = 12) -> str:
    """Column names for a message: quoted, the first `limit`, any shaped like a phone number
    masked (a headerless list's "column names" are its first recipient's cells)."""
    return _column_list(columns, limit)


def _column_list(columns: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(_shown(c[:60]) for c in columns[:limit]) or "(none)"
    return shown + (f" and {len(columns) - limit:,} more" if len(columns) > limit else "")


DUPLICATED = re.compile(r"(?P<name>.*?)_(?:duplicated_)?[0-9]+")
"""How polars (`phone_duplicated_0`) and fastexcel (`phone_1`) name the second and later of
several columns with the same header (counted as that header when it is a column too)."""


def _header_of(name: str, columns: Sequence[str]) -> str:
    """The header a column had in the file: `phone` for polars' `phone_duplicated_0`."""
    match = DUPLICATED.fullmatch(name)
    return match.group("name") if match is not None and match.group("name") in columns else name


def _ambiguous(what: str, candidates: Sequence[str], option: str, label: str) -> InputError:
    return InputError(
        f"{len(candidates)} columns could be the {what} column: {_column_list(candidates)}",
        file=label,
        hint=f"pass {option} NAME with the exact name of the one to use, or rename the others",
        code=f"ambiguous_{what}_column",
    )


def find_column(
    columns: Sequence[str],
    wanted: str | None,
    candidates: Sequence[str],
    *,
    what: str,
    option: str,
    label: str,
    required: bool,
) -> str | None:
    """The column to use: the one named (exactly, else loosely), else the first known name.

    A choice between columns whose headers differ only in case, width or punctuation (`Phone`
    and `phone`), or are the same (a header written twice), is refused unless the column is
    named exactly: kpsim never picks one of them silently."""
    if wanted is not None:
        if wanted in columns:
            return wanted
        loose = [c for c in columns if fold_name(c) == fold_name(wanted)]
        if len(loose) == 1:
            return loose[0]
        if len(loose) > 1:
            raise _ambiguous(what, loose, option, label)
        raise InputError(
            f"no {what} column {wanted!r}; the columns are: {_column_list(columns)}",
            file=label,
            hint=f"pass {option} with one of them",
            code=f"no_{what}_column",
        )
    for candidate in candidates:
        matching = [c for c in columns if fold_name(_header_of(c, columns)) == fold_name(candidate)]
        if len(matching) > 1:
            raise _ambiguous(what, matching, option, label)
        if matching:
            return matching[0]
    if not required:
        return None
    hint = f"pass {option} NAME"
    if any(_looks_like_number(c) for c in columns):
        hint = "the file seems to have no header row; add one (e.g. phone) or " + hint
    other = next((s for s in OTHER_SEPARATORS if len(columns) == 1 and s in columns[0]), None)
    if other is not None:
        hint = f"the columns seem to be separated by {other!r}; save the file as CSV or TSV"
    raise InputError(
        f"no {what} column found under any of the {len(candidates)} names in "
        f"rules/numbering.yaml (e.g. {', '.join(candidates[:3])}); "
        f"the columns are: {_column_list(columns)}",
        file=label,
        hint=hint,
        code=f"no_{what}_column",
    )


def _line_at(data: bytes, offset: int, lines_before: int = 0) -> int:
    return lines_before + data[:offset].count(b"\n") + 1


def _codec(name: str) -> str:
    """The codec `--encoding NAME` names; only text encodings (bytes to characters) are allowed."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise UsageError(
            f"unknown encoding {name!r}",
            hint="use e.g. utf-8, cp932 or utf-16",
            code="unknown_encoding",
        ) from None
    codec = info.name.replace("-", "_")
    if not getattr(info, "_is_text_encoding", True) or codec in NOT_TEXT_CODECS:
        raise UsageError(
            f"{name!r} is not a text encoding (it does not turn a file's bytes into characters)",
            hint="use e.g. utf-8, cp932 or utf-16",
            code="not_a_text_encoding",
        )
    return CP932 if codec in SHIFT_JIS_NAMES else codec


def _byte_order(codec: str, head: bytes) -> str:
    """`utf_16`/`utf_32` for a file without a byte-order mark: the byte order its NULs show.

    Python's own codecs refuse such a file; ASCII text in little-endian UTF-16 has its zero
    bytes at odd offsets, in big-endian at even ones (UTF-32 likewise, in fours)."""
    if codec == "utf_16" and not head.startswith(UTF16_BOMS):
        return "utf_16_le" if head[1::2].count(0) >= head[0::2].count(0) else "utf_16_be"
    if codec == "utf_32" and not head.startswith(UTF32_BOMS):
        return "utf_32_le" if head[3::4].count(0) >= head[0::4].count(0) else "utf_32_be"
    return codec


def _check_binary(path: Path, head: bytes) -> None:
    for magic, what in BINARY_MAGIC.items():
        if head.startswith(magic):
            raise InputError(
                f"this is {what}: neither a workbook nor a CSV/TSV text file",
                file=path,
                hint="save the sheet as .xlsx, CSV (UTF-8) or Parquet",
            )


def _check_nul(path: Path) -> None:
    """NUL bytes mean a binary file or UTF-16 without a BOM: name the first line that has one.
    Lines are counted only once a NUL is found (a clean file is searched, not counted)."""
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            at = chunk.find(b"\x00")
            if at >= 0:
                raise InputError(
                    "contains NUL bytes (a binary file, or UTF-16 without a byte-order mark?)",
                    file=path,
                    line=_lines_before(path, offset) + _line_at(chunk, at),
                    hint="save the sheet as CSV (UTF-8), or pass --encoding utf-16",
                )
            offset += len(chunk)


def _lines_before(path: Path, offset: int) -> int:
    """Newlines in the first `offset` bytes of `path`."""
    lines = 0
    with path.open("rb") as fh:
        while offset > 0 and (chunk := fh.read(min(CHUNK_BYTES, offset))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _decodes(head: bytes, codec: str, complete: bool) -> UnicodeDecodeError | None:
    try:
        text = codecs.getincrementaldecoder(codec)("strict").decode(head, final=complete)
    except UnicodeDecodeError as exc:
        return exc
    odd = UNLIKELY_IN_CP932.search(text) if codec == CP932 else None
    if odd is not None:
        at = len(text[: odd.start()].encode(codec))
        return UnicodeDecodeError(codec, head, at, at + 1, "not a character Excel writes")
    return None


def _check_mixed(path: Path, head: bytes, bad_at: int) -> None:
    """Non-ASCII UTF-8 lines before the first byte UTF-8 rejects: two encodings in one file."""
    line_start = head.rfind(b"\n", 0, bad_at) + 1
    if any(byte >= 0x80 for byte in head[:line_start]):
        raise InputError(
            f"mixes encodings: the lines before line {_line_at(head, bad_at)} are UTF-8, "
            "that line is not (CP932/Shift_JIS?)",
            file=path,
            line=_line_at(head, bad_at),
            hint="save the whole list again in one encoding, e.g. CSV UTF-8",
        )


def _unmarked_utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark, told by its zero bytes: a list is mostly digits and
    commas, whose UTF-16 has a zero in every other byte (odd offsets little-endian, even ones
    big-endian); no UTF-8 or CP932 text and no random binary looks like that."""
    if b"\x00" not in head[:4096]:
        return None
    sample = head[: 1 << 16]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd >= half // 4 and even <= half // 100:
        return "utf_16_le"
    if even >= half // 4 and odd <= half // 100:
        return "utf_16_be"
    return None


def detect_encoding(path: Path, head: bytes, complete: bool) -> str:
    """UTF-8 (with or without BOM), UTF-16 by its BOM or its zero bytes, else CP932 when the
    sample decodes as it."""
    if head.startswith(codecs.BOM_UTF8):
        return UTF8
    if head.startswith(UTF16_BOMS):
        return "utf_16"
    unmarked = _unmarked_utf16(head)
    if unmarked is not None:
        return unmarked
    utf8_error = _decodes(head, UTF8, complete)
    if utf8_error is None:
        return UTF8
    _check_mixed(path, head, utf8_error.start)
    cp932_error = _decodes(head, CP932, complete)
    if cp932_error is None:
        return CP932
    at = max(utf8_error.start, cp932_error.start)
    raise InputError(
        f"cannot decode byte {at} as UTF-8 or CP932 (Shift_JIS)",
        file=path,
        line=_line_at(head, at),
        hint="pass --encoding with the file's encoding",
    )


def transcode(path: Path, codec: str) -> Path:
    """Decode `path` with `codec` in chunks into a temporary UTF-8 file; errors name the line."""
    fd, name = tempfile.mkstemp(
        prefix=f"{path.stem}-", suffix=".utf8.csv", dir=scratch.directory("transcoded")
    )
    os.close(fd)
    target = Path(name)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 0
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"cannot decode as {display_name(codec)} (byte {exc.start} of a chunk)",
                    file=path,
                    line=_line_at(chunk, max(exc.start, 0), lines),
                    hint="pass --encoding with the file's encoding",
                    code="cannot_decode",
                ) from None
            except UnicodeError:
                raise InputError(
                    f"cannot decode as {display_name(codec)}",
                    file=path,
                    line=lines + 1,
                    hint="pass --encoding with the file's encoding",
                    code="cannot_decode",
                ) from None
            if "\x00" in text:
                raise InputError(
                    "contains NUL characters (a binary file?)",
                    file=path,
                    line=lines + text[: text.index("\x00")].count("\n") + 1,
                )
            dst.write(text.removeprefix("\ufeff") if lines == 0 else text)
            if not chunk:
                break
            lines += chunk.count(b"\n")
    return target


def _separator(path: Path, first_line: str) -> str:
    if path.suffix.lower() in TAB_SUFFIXES:
        return "\t"
    return "\t" if "\t" in first_line and "," not in first_line else ","


def _first_line(csv_path: Path) -> str:
    with csv_path.open("rb") as fh:
        return fh.readline(SAMPLE_BYTES).decode("utf-8", errors="replace")


def display_name(codec: str) -> str:
    """`utf_8` -> `utf-8`, as codecs spells it."""
    return codecs.lookup(codec).name


def _is_blank(line: bytes) -> bool:
    """Nothing but spaces, separators and quotes: a blank row (Excel writes `,,,` for one)."""
    return not line.removeprefix(codecs.BOM_UTF8).strip(b' \t\r\n,;|"')


def _leading_lines(sample: bytes, skip_rows: int) -> tuple[int, str | None]:
    """How many lines come before the header, and the separator an Excel `sep=X` line names.

    The `skip_rows` lines asked for, then blank lines and one `sep=X` line (Excel writes it as
    the first line of a CSV), then blank lines again. Only the lines above the header are
    looked at (and only those within the sample), never the data."""
    lines = sample.split(b"\n")
    complete = len(lines) - 1  # the last piece has no line end (or is empty)
    at, separator = min(skip_rows, complete), None
    while at < complete and _is_blank(lines[at]):
        at += 1
    sep = SEP_LINE.fullmatch(lines[at].removeprefix(codecs.BOM_UTF8)) if at < complete else None
    if sep is not None:
        separator = sep.group(1).decode("utf-8", errors="replace")
        at += 1
        while at < complete and _is_blank(lines[at]):
            at += 1
    return at, separator


def _header_line(csv_path: Path, skip: int) -> str:
    """Line `skip + 1` of the file (the header), at most SAMPLE_BYTES of it."""
    with csv_path.open("rb") as fh:
        for _ in range(skip):
            fh.readline()
        return fh.readline(SAMPLE_BYTES).decode("utf-8", errors="replace")


def _scan_text(path: Path, csv_path: Path, skip_rows: int = 0) -> pl.LazyFrame:
    with csv_path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    skip, named_separator = _leading_lines(sample, skip_rows)
    first = _header_line(csv_path, skip)
    if not first.strip().strip("\ufeff"):
        if skip_rows and skip <= skip_rows:
            raise InputError(
                f"nothing is left after skipping {skip_rows:,} lines",
                file=path,
                hint="skip only the lines above the header",
                code="empty",
            )
        raise InputError("file is empty (no header line)", file=path, code="empty")
    if not first.endswith("\n") and len(first.encode("utf-8")) >= SAMPLE_BYTES:
        if "\r" in first:
            raise _cr_line_ends(path)
        raise InputError(
            f"the first line is longer than {SAMPLE_BYTES >> 20} MB: no header line",
            file=path,
            hint="put one recipient per line, under a header line such as `phone`",
            code="no_header",
        )
    separator = named_separator or _separator(path, first)
    if len(separator.encode("utf-8")) != 1 or separator in '"\r\n':
        raise InputError(
            f"the `sep=` line names {separator!r}, which cannot separate columns",
            file=path,
            line=skip,
            hint="delete that line, or name a one-character separator such as sep=,",
            code="bad_separator",
        )
    _check_quoted_cells(path, csv_path, separator)
    options = {
        "separator": separator,
        "infer_schema": False,
        "truncate_ragged_lines": True,
        "encoding": "utf8",
        "quote_char": '"',
        "skip_lines": skip,
    }
    try:
        head = pl.scan_csv(csv_path, glob=False, **options).head(1).collect()  # type: ignore[arg-type]
    except pl.exceptions.PolarsError as exc:
        raise read_error(path, exc, csv_path) from None
    if head.height == 0:
        raise _no_data_rows(path, csv_path, first, header_line=skip + 1)
    # glob=False: a file named `list[1].csv` is that file, not a pattern matching `list1.csv`
    return pl.scan_csv(csv_path, glob=False, **options)  # type: ignore[arg-type]


def _phone_field(separator: str) -> re.Pattern[bytes]:
    """A whole field that is a phone-shaped number, next to a separator (a row's shape)."""
    sep = re.escape(separator.encode("utf-8"))
    number = rb"\s*\+?[0-9][0-9() \-]{5,}[0-9]\s*"
    return re.compile(rb"(?:^|" + sep + rb")" + number + rb"(?:" + sep + rb"|\r?$)")


def _check_quoted_cells(path: Path, csv_path: Path, separator: str) -> None:
    """Refuse a quoted cell that swallows rows: a stray `"` whose partner comes much later.

    A quoted cell spanning more than MAX_CELL_LINES lines, or holding a line break next to a
    piece shaped like a row (a separator and a whole field that is a phone number), is an
    input error naming the line where the quote opened. A quote left open at the end is one
    too. The bytes are scanned in chunks with numpy (quote parity decides what is inside a
    cell, as for polars); only the bytes inside quoted cells are searched for line breaks, and
    those are looked at one by one, at most MAX_SHAPE_CHECKS of them. Lines are counted only
    for an error. Refusing is the safe choice: read on, the list would lose recipients without
    a word (polars reads the rows in between as one cell)."""
    row_shaped = _phone_field(separator)
    scan = _QuoteScan()
    with csv_path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if scan.quotes % 2 == 0 and chunk.find(b'"') < 0:
                scan.offset += len(chunk)
                continue
            long = scan.chunk(chunk, row_shaped)
            if long is not None:
                opened, closed = long
                if scan.suspect is not None:
                    raise _swallowing_quote(
                        path, _line_at_offset(csv_path, scan.suspect), _ROW_SHAPED
                    )
                raise _swallowing_quote(
                    path,
                    _line_at_offset(csv_path, opened),
                    f"is closed only on line {_line_at_offset(csv_path, closed):,}",
                )
    open_line = _line_at_offset(csv_path, scan.open_at) if scan.quotes % 2 else None
    suspect = _line_at_offset(csv_path, scan.suspect) if scan.suspect is not None else None
    if open_line is not None and suspect in (None, open_line):
        raise _quote_error(path, open_line)
    if suspect is not None:
        raise _swallowing_quote(path, suspect, _ROW_SHAPED)


_ROW_SHAPED = "holds a line break next to what looks like another row"


@dataclass
class _QuoteScan:
    """The state of `_check_quoted_cells` between chunks, as byte offsets in the file: quotes
    seen, where the cell still open (odd `quotes`) opened and how many line breaks it holds so
    far, shape checks done, and the opening quote of the first cell shaped like swallowed rows."""

    quotes: int = 0
    offset: int = 0
    open_at: int = 0
    open_breaks: int = 0
    checked: int = 0
    suspect: int | None = None

    def chunk(self, chunk: bytes, row_shaped: re.Pattern[bytes]) -> tuple[int, int] | None:
        """Scan one chunk; the (opening, closing) offsets of a cell of more than MAX_CELL_LINES
        lines closed in it, if any."""
        import numpy as np  # only a list with quotes needs it: a CLI run without never loads it

        data = np.frombuffer(chunk, dtype=np.uint8)
        q = np.flatnonzero(data == ord('"'))
        carried = self.quotes % 2 == 1
        # The quoted cells of this chunk as byte ranges [start, end): the one carried in from the
        # last chunk, then one after each opening quote, up to its closing quote or the end.
        openers = q[(1 if carried else 0) :: 2]
        closers = q[(0 if carried else 1) :: 2]
        carried_in = np.array([0] if carried else [], dtype=np.int64)
        starts = np.concatenate((carried_in, openers + 1))
        ends = np.concatenate(
            (closers, np.full(starts.size - closers.size, len(chunk), dtype=np.int64))
        )
        opened_at = np.concatenate((carried_in + self.open_at, self.offset + openers))
        breaks, cell = _inner_breaks(data, starts, ends)
        counts = np.bincount(cell, minlength=starts.size)
        if carried and counts.size:
            counts[0] += self.open_breaks
        closed = closers.size
        long = np.flatnonzero(counts[:closed] > MAX_CELL_LINES)
        if long.size:
            first = int(long[0])
            return int(opened_at[first]), self.offset + int(closers[first])
        for at, index in zip(
            breaks[: max(0, MAX_SHAPE_CHECKS - self.checked)].tolist(),
            cell[: max(0, MAX_SHAPE_CHECKS - self.checked)].tolist(),
            strict=True,
        ):
            start = max(chunk.rfind(b"\n", 0, at), chunk.rfind(b'"', 0, at)) + 1
            end = min(_find(chunk, b"\n", at + 1), _find(chunk, b'"', at + 1))
            if row_shaped.search(chunk[start:at]) or row_shaped.search(chunk[at + 1 : end]):
                self.suspect = int(opened_at[index])
                self.checked = MAX_SHAPE_CHECKS
                break
        self.checked += breaks.size
        if (self.quotes + q.size) % 2:
            self.open_at = int(opened_at[-1])
            self.open_breaks = int(counts[-1]) if closed < starts.size else 0
        self.quotes += q.size
        self.offset += len(chunk)
        return None


def _inner_breaks(data: Bytes, starts: Offsets, ends: Offsets) -> tuple[Offsets, Offsets]:
    """The line breaks inside the byte ranges [starts, ends) of `data` (numpy arrays): their
    positions, in order, and the index of the range holding each. Only the ranges' bytes are
    read, unless they cover much of the data (then every line break is found and kept or not)."""
    import numpy as np

    lengths = ends - starts
    total = int(lengths.sum())
    if total <= data.size // 4:
        cell = np.repeat(np.arange(starts.size), lengths)
        first = np.cumsum(lengths) - lengths
        at = np.arange(total, dtype=np.int64) - np.repeat(first - starts, lengths)
        inside = data[at] == ord("\n")
        return at[inside], cell[inside]
    breaks = np.flatnonzero(data == ord("\n"))
    index = np.searchsorted(starts, breaks, side="right") - 1
    keep = (index >= 0) & (breaks < ends[np.maximum(index, 0)])
    return breaks[keep], index[keep]


def _line_at_offset(path: Path, offset: int) -> int:
    """The line (from 1) of the byte at `offset`."""
    return _lines_before(path, offset) + 1


def _find(data: bytes, what: bytes, start: int) -> int:
    at = data.find(what, start)
    return len(data) if at < 0 else at


def _swallowing_quote(path: Path, line: int, what: str) -> InputError:
    return InputError(
        f'a quote (") opened on this line {what}: the rows in between would be read as one cell',
        file=path,
        line=line,
        hint='remove the stray quote, or write it twice ("") inside a quoted cell',
        code="quote_swallows_rows",
    )


def _first_line_of(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DIGIT_RUN.sub(lambda m: mask_number(m.group()), first)


def _unclosed_quote_line(csv_path: Path) -> int | None:
    """Line of the last `"` when the file holds an odd number of them: a quote never closed."""
    quotes = lines = 0
    last: int | None = None
    with csv_path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            quotes += chunk.count(b'"')
            at = chunk.rfind(b'"')
            if at >= 0:
                last = _line_at(chunk, at, lines)
            lines += chunk.count(b"\n")
    return last if quotes % 2 else None


def _first_non_utf8_line(path: Path) -> int | None:
    decoder = codecs.getincrementaldecoder(UTF8)("strict")
    lines = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return _line_at(chunk, max(exc.start, 0), lines)
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def _quote_error(path: Path, line: int) -> InputError:
    return InputError(
        'a quote (") opened on this line is never closed',
        file=path,
        line=line,
        hint='remove the quote, or write it twice ("") inside a quoted cell',
        code="unclosed_quote",
    )


def _cr_line_ends(path: Path) -> InputError:
    return InputError(
        "its lines end in a bare carriage return (CR, old Mac style), which kpsim cannot read",
        file=path,
        hint="save the list again as CSV UTF-8",
        code="cr_line_ends",
    )


def _no_data_rows(path: Path, csv_path: Path, first: str, header_line: int = 1) -> InputError:
    """Why a text file yields no data row: an open quote, CR-only line ends, or none at all."""
    open_quote = _unclosed_quote_line(csv_path)
    if open_quote is not None:
        return _quote_error(path, open_quote)
    if "\r" in first.rstrip("\r\n"):
        return _cr_line_ends(path)
    return InputError(
        "has a header but no data rows", file=path, line=header_line + 1, code="no_data_rows"
    )


READ_ERROR_WORDS = ("csv", "utf-8", "utf8", "could not parse", "escaped", "malformed", "parquet")


def is_read_error(exc: BaseException) -> bool:
    """Whether a polars error raised while a list is collected comes from reading the file."""
    lowered = str(exc).lower()
    return isinstance(exc, pl.exceptions.PolarsError) and any(
        word in lowered for word in READ_ERROR_WORDS
    )


def read_error(
    path: Path | None, exc: pl.exceptions.PolarsError, csv_path: Path | None = None
) -> InputError:
    """A polars error met while reading a list (maybe lazily, later) as a one-line InputError."""
    what = _first_line_of(exc)
    if path is None:
        return InputError(f"cannot read the list: {what}", file="<frame>")
    text = csv_path or path
    lowered = what.lower()
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return InputError(
            f"cannot read as Parquet: {what}",
            file=path,
            hint="the file may be damaged or cut short; write it again",
            code="unreadable_parquet",
        )
    if "utf-8" in lowered or "utf8" in lowered:
        line = _first_non_utf8_line(text)
        return InputError(
            "not valid UTF-8 from this line on (lines in another encoding, e.g. CP932, added?)",
            file=path,
            line=line,
            hint="save the whole list again in one encoding, e.g. CSV UTF-8",
            code="cannot_decode",
        )
    open_quote = _unclosed_quote_line(text)
    if open_quote is not None:
        return _quote_error(path, open_quote)
    return InputError(
        f"cannot read as CSV: {what}",
        file=path,
        hint="the file may be damaged or cut short; save it again as CSV UTF-8",
        code="unreadable_csv",
    )


def _as_text(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Cast every flat column to text (nested columns are passed on unchanged)."""
    schema = lf.collect_schema()
    casts = [
        pl.col(name).cast(pl.String)
        for name, dtype in schema.items()
        if not dtype.is_nested() and dtype != pl.String
    ]
    return lf.with_columns(casts) if casts else lf


def _scan_parquet(path: Path) -> pl.LazyFrame:
    try:
        lf = pl.scan_parquet(path, glob=False)
        schema = lf.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(
            f"cannot read as Parquet: {_first_line_of(exc)}", file=path, code="unreadable_parquet"
        ) from None
    for name, dtype in schema.items():
        if dtype == pl.Binary:
            _check_utf8_column(path, lf, name)
    return _as_text(lf)


def _check_utf8_column(path: Path, lf: pl.LazyFrame, name: str) -> None:
    """A Parquet column of raw bytes is read as text: refuse it if it is not UTF-8 text.

    Only that column is read (Parquet stores columns apart), streaming, once."""
    try:
        lf.select(pl.col(name).cast(pl.String).str.len_bytes().sum()).collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        if "utf" not in str(exc).lower():
            raise read_error(path, exc) from None
        raise InputError(
            f"column {_shown(name)} holds bytes that are not UTF-8 text",
            file=path,
            hint="write that column as text (UTF-8 strings), or leave it out",
            code="binary_column_not_utf8",
        ) from None


def _read_workbook(path: Path, sheet: str | None, *, by_name: bool) -> pl.LazyFrame | None:
    """One sheet of an Excel or OpenDocument workbook (the first, or `sheet`) as text columns.

    Every cell comes as the text of its value (a number typed as a number loses its leading zero
    and is repaired like a CSV cell; a date reads as `YYYY-MM-DD HH:MM:SS`; a formula gives its
    cached result). None when a file that only starts like a workbook is not one (`by_name` off).
    """
    import fastexcel

    try:
        workbook = fastexcel.read_excel(path)
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError(
                f"the workbook has no sheet named {sheet!r}",
                file=path,
                hint=f"its sheets: {', '.join(names) or 'none'}",
                code="no_such_sheet",
            )
        if not names:
            raise InputError("the workbook has no sheets", file=path, code="empty")
        frame = workbook.load_sheet(sheet or names[0], dtypes="string").to_polars()
    except fastexcel.FastExcelError as exc:
        if not by_name:
            return None
        raise InputError(
            f"cannot read as an Excel workbook: {_first_line_of(exc)}",
            file=path,
            hint="the file may be damaged; open it in Excel and save it again",
            code="unreadable_workbook",
        ) from None
    if frame.width == 0:
        raise InputError(
            f"sheet {sheet or names[0]!r} is empty",
            file=path,
            hint="use --sheet NAME",
            code="empty",
        )
    return _as_text(frame.lazy())


def _check_regular(path: Path) -> int:
    """The size of `path`, a regular file; anything else is refused before it is opened."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("file not found", file=path, code="not_found") from None
    except OSError as exc:
        raise InputError(
            f"cannot read file: {exc.strerror}", file=path, code="unreadable"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise InputError(
            f"not a regular file ({what}): kpsim reads a list from a regular file only",
            file=path,
            hint="save the list to a file and pass its path",
            code="not_a_file",
        )
    return info.st_size


def read_file(
    path: Path, encoding: str | None, sheet: str | None = None, *, skip_rows: int = 0
) -> tuple[pl.LazyFrame, str | None]:
    """A lazy frame of text columns from a CSV/TSV/Parquet file or a workbook's sheet, and the
    encoding used (None for Parquet and workbooks).

    A text file may have blank lines and an Excel `sep=X` line above its header (skipped, the
    separator honoured); `skip_rows` skips that many lines first (a title above the header)."""
    if skip_rows < 0:
        raise UsageError(f"cannot skip {skip_rows} rows", hint="skip 0 or more rows")
    size = _check_regular(path)
    codec = _codec(encoding) if encoding else None
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            complete = len(head) < SAMPLE_BYTES or not fh.read(1)
    except OSError as exc:
        raise InputError(
            f"cannot read file: {exc.strerror}", file=path, code="unreadable"
        ) from None
    if len(head) > size:
        raise InputError(
            "not a regular file: a special file whose size the system does not report "
            "(as under /proc or /sys)",
            file=path,
            hint="copy it to a regular file first",
            code="not_a_file",
        )
    if not head:
        raise InputError("file is empty", file=path, code="empty")
    is_workbook = path.suffix.lower() in EXCEL_SUFFIXES
    if is_workbook or head.startswith(WORKBOOK_MAGIC):
        workbook = _read_workbook(path, sheet, by_name=is_workbook)
        if workbook is not None:
            return workbook, None
    if sheet is not None:
        raise UsageError(
            f"--sheet {sheet!r} applies to workbooks only", hint=f"{path.name} is not a workbook"
        )
    if path.suffix.lower() in PARQUET_SUFFIXES or head.startswith(b"PAR1"):
        return _scan_parquet(path), None
    _check_binary(path, head)
    codec = _byte_order(codec, head) if codec else detect_encoding(path, head, complete)
    if codec in (UTF8, "utf_8_sig"):
        _check_nul(path)
        utf8_error = _decodes(head, UTF8, complete)
        if utf8_error is not None:
            raise InputError(
                f"not valid UTF-8 (byte {utf8_error.start})",
                file=path,
                line=_line_at(head, utf8_error.start),
                hint="pass --encoding cp932 for Shift_JIS files from Excel",
                code="cannot_decode",
            )
        return _scan_text(path, path, skip_rows), display_name(UTF8)
    return _scan_text(path, transcode(path, codec), skip_rows), display_name(codec)


def frame_source(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return _as_text(frame.lazy())


def _free_name(name: str, columns: Sequence[str]) -> str:
    """`name`, or `name_2`, `name_3`, ...: the first that is not already a column."""
    taken = set(columns)
    if name not in taken:
        return name
    return next(f"{name}_{n}" for n in range(2, len(taken) + 3) if f"{name}_{n}" not in taken)


def _check_flat(lf: pl.LazyFrame, column: str | None, option: str, label: str) -> None:
    """A phone or carrier column must hold one value per row, not a list or a record."""
    if column is None:
        return
    dtype = lf.collect_schema()[column]
    if dtype.is_nested():
        kind = "lists" if isinstance(dtype, (pl.List, pl.Array)) else "records (a struct)"
        raise InputError(
            f"column {_shown(column)} holds {kind}, not one value per row",
            file=label,
            hint=f"write one number per row as text, or pass {option} NAME for a text column",
            code="nested_column",
        )


def _header_further_down(path: Path, encoding: str, candidates: Sequence[str]) -> str | None:
    """A hint when a line below the first one holds a known column name: a title row above it."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
        text = sample.decode(codecs.lookup(encoding).name, errors="replace")
    except (OSError, LookupError, UnicodeError):
        return None
    known = {fold_name(c) for c in candidates}
    for number, line in enumerate(text.splitlines()[:TITLE_LINES], start=1):
        cells = {fold_name(cell.strip().strip('"')) for cell in re.split(r"[,\t;|]", line)}
        if number > 1 and cells & known:
            above = number - 1
            return (
                f"the header seems to be line {number}; pass --skip-rows {above} or delete "
                f"the {above:,} line{'s' if above > 1 else ''} above it (a title?)"
            )
    return None


def read_source(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    *,
    reading: Reading,
    phone_column: str | None,
    carrier_column: str | None,
    encoding: str | None,
    sheet: str | None = None,
    skip_rows: int = 0,
) -> RecipientSource:
    """Open a list, find its phone and carrier-lookup columns and number its data records.

    `skip_rows` lines above a text file's header are skipped (a title row, for instance)."""
    path: Path | None = None
    used: str | None = None
    if isinstance(source, (pl.DataFrame, pl.LazyFrame)):
        lf = frame_source(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        lf, used = read_file(path, encoding, sheet, skip_rows=skip_rows)
    else:
        raise UsageError(f"cannot read recipients from a {type(source).__name__}")
    label = str(path) if path is not None else "<frame>"
    columns = tuple(lf.collect_schema().names())
    try:
        phone = find_column(
            columns,
            phone_column,
            reading.phone_columns,
            what="phone",
            option="--phone-column",
            label=label,
            required=True,
        )
    except InputError as err:
        title = None
        if err.code == "no_phone_column" and phone_column is None and path and used:
            title = _header_further_down(path, used, reading.phone_columns)
        if title is None:
            raise
        raise InputError(err.message, file=label, hint=title, code=err.code) from None
    assert phone is not None
    carrier = find_column(
        columns,
        carrier_column,
        reading.carrier_columns,
        what="carrier",
        option="--carrier-column",
        label=label,
        required=carrier_column is not None,
    )
    if carrier == phone:
        carrier = None
    _check_flat(lf, phone, "--phone-column", label)
    _check_flat(lf, carrier, "--carrier-column", label)
    if ROW in columns:
        renamed = _free_name(f"input_{ROW}", columns)
        lf = lf.rename({ROW: renamed})
        columns = tuple(renamed if c == ROW else c for c in columns)
        phone = renamed if phone == ROW else phone
        carrier = renamed if carrier == ROW else carrier
    lf = lf.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.UInt64))
    return RecipientSource(
        frame=lf,
        phone_column=phone,
        carrier_column=carrier,
        columns=columns,
        path=path,
        encoding=used,
    )
