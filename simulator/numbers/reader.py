"""Read a recipient list (CSV/TSV in UTF-8 or CP932, Parquet, or a polars frame) as text columns.

Every column is read as text so leading zeros survive. UTF-8 files are scanned lazily; other
encodings are transcoded to a temporary UTF-8 file chunk by chunk (removed at exit).
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from simulator import scratch
from simulator.errors import InputError, UsageError
from simulator.numbers.numbering import Reading
from simulator.privacy import mask_number

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
OTHER_SEPARATORS = (";", "|")
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


def _column_list(columns: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(_shown(c[:60]) for c in columns[:limit]) or "(none)"
    return shown + (f" and {len(columns) - limit:,} more" if len(columns) > limit else "")


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
    """The column to use: the one named (exactly, else loosely), else the first known name."""
    if wanted is not None:
        if wanted in columns:
            return wanted
        loose = [c for c in columns if fold_name(c) == fold_name(wanted)]
        if len(loose) == 1:
            return loose[0]
        raise InputError(
            f"no {what} column {wanted!r}; the columns are: {_column_list(columns)}",
            file=label,
            hint=f"pass {option} with one of them",
        )
    folded = {fold_name(c): c for c in reversed(columns)}
    for candidate in candidates:
        found = folded.get(fold_name(candidate))
        if found is not None:
            return found
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
    )


def _line_at(data: bytes, offset: int, lines_before: int = 0) -> int:
    return lines_before + data[:offset].count(b"\n") + 1


def _codec(name: str) -> str:
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise UsageError(
            f"unknown encoding {name!r}", hint="use e.g. utf-8, cp932 or utf-16"
        ) from None
    return CP932 if codec in SHIFT_JIS_NAMES else codec


def _check_binary(path: Path, head: bytes) -> None:
    for magic, what in BINARY_MAGIC.items():
        if head.startswith(magic):
            raise InputError(
                f"this is {what}: neither a workbook nor a CSV/TSV text file",
                file=path,
                hint="save the sheet as .xlsx, CSV (UTF-8) or Parquet",
            )


def _check_nul(path: Path) -> None:
    """NUL bytes mean a binary file or UTF-16 without a BOM: name the first line that has one."""
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            at = chunk.find(b"\x00")
            if at >= 0:
                raise InputError(
                    "contains NUL bytes (a binary file, or UTF-16 without a byte-order mark?)",
                    file=path,
                    line=_line_at(chunk, at, lines),
                    hint="save the sheet as CSV (UTF-8), or pass --encoding utf-16",
                )
            lines += chunk.count(b"\n")


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


def detect_encoding(path: Path, head: bytes, complete: bool) -> str:
    """UTF-8 (with or without BOM), UTF-16 by its BOM, else CP932 when the sample decodes as it."""
    if head.startswith(codecs.BOM_UTF8):
        return UTF8
    if head.startswith(UTF16_BOMS):
        return "utf_16"
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
                    f"cannot decode as {codec} (byte {exc.start} of a chunk)",
                    file=path,
                    line=_line_at(chunk, max(exc.start, 0), lines),
                    hint="pass --encoding with the file's encoding",
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


def _scan_text(path: Path, csv_path: Path) -> pl.LazyFrame:
    first = _first_line(csv_path)
    if not first.strip().strip("\ufeff"):
        raise InputError("file is empty (no header line)", file=path)
    if not first.endswith("\n") and len(first.encode("utf-8")) >= SAMPLE_BYTES:
        if "\r" in first:
            raise _cr_line_ends(path)
        raise InputError(
            f"the first line is longer than {SAMPLE_BYTES >> 20} MB: no header line",
            file=path,
            hint="put one recipient per line, under a header line such as `phone`",
        )
    options = {
        "separator": _separator(path, first),
        "infer_schema": False,
        "truncate_ragged_lines": True,
        "encoding": "utf8",
        "quote_char": '"',
    }
    try:
        head = pl.read_csv(csv_path, n_rows=1, **options)  # type: ignore[arg-type]
    except pl.exceptions.PolarsError as exc:
        raise read_error(path, exc, csv_path) from None
    if head.height == 0:
        raise _no_data_rows(path, csv_path, first)
    return pl.scan_csv(csv_path, **options)  # type: ignore[arg-type]


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
    )


def _cr_line_ends(path: Path) -> InputError:
    return InputError(
        "its lines end in a bare carriage return (CR, old Mac style), which kpsim cannot read",
        file=path,
        hint="save the list again as CSV UTF-8",
    )


def _no_data_rows(path: Path, csv_path: Path, first: str) -> InputError:
    """Why a text file yields no data row: an open quote, CR-only line ends, or none at all."""
    open_quote = _unclosed_quote_line(csv_path)
    if open_quote is not None:
        return _quote_error(path, open_quote)
    if "\r" in first.rstrip("\r\n"):
        return _cr_line_ends(path)
    return InputError("has a header but no data rows", file=path, line=2)


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
        )
    if "utf-8" in lowered or "utf8" in lowered:
        line = _first_non_utf8_line(text)
        return InputError(
            "not valid UTF-8 from this line on (lines in another encoding, e.g. CP932, added?)",
            file=path,
            line=line,
            hint="save the whole list again in one encoding, e.g. CSV UTF-8",
        )
    open_quote = _unclosed_quote_line(text)
    if open_quote is not None:
        return _quote_error(path, open_quote)
    return InputError(
        f"cannot read as CSV: {what}",
        file=path,
        hint="the file may be damaged or cut short; save it again as CSV UTF-8",
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
        lf = pl.scan_parquet(path)
        lf.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read as Parquet: {_first_line_of(exc)}", file=path) from None
    return _as_text(lf)


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


def read_file(
    path: Path, encoding: str | None, sheet: str | None = None
) -> tuple[pl.LazyFrame, str | None]:
    """A lazy frame of text columns from a CSV/TSV/Parquet file or a workbook's sheet, and the
    encoding used (None for Parquet and workbooks)."""
    if not path.exists():
        raise InputError("file not found", file=path)
    if not path.is_file():
        raise InputError("not a file", file=path)
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            complete = len(head) < SAMPLE_BYTES or not fh.read(1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None
    if not head:
        raise InputError("file is empty", file=path)
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
    codec = _codec(encoding) if encoding else detect_encoding(path, head, complete)
    if codec in (UTF8, "utf_8_sig"):
        _check_nul(path)
        utf8_error = _decodes(head, UTF8, complete)
        if utf8_error is not None:
            raise InputError(
                f"not valid UTF-8 (byte {utf8_error.start})",
                file=path,
                line=_line_at(head, utf8_error.start),
                hint="pass --encoding cp932 for Shift_JIS files from Excel",
            )
        return _scan_text(path, path), display_name(UTF8)
    return _scan_text(path, transcode(path, codec)), display_name(codec)


def frame_source(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return _as_text(frame.lazy())


def read_source(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    *,
    reading: Reading,
    phone_column: str | None,
    carrier_column: str | None,
    encoding: str | None,
    sheet: str | None = None,
) -> RecipientSource:
    """Open a list, find its phone and carrier-lookup columns and number its data records."""
    path: Path | None = None
    used: str | None = None
    if isinstance(source, (pl.DataFrame, pl.LazyFrame)):
        lf = frame_source(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        lf, used = read_file(path, encoding, sheet)
    else:
        raise UsageError(f"cannot read recipients from a {type(source).__name__}")
    label = str(path) if path is not None else "<frame>"
    columns = tuple(lf.collect_schema().names())
    phone = find_column(
        columns,
        phone_column,
        reading.phone_columns,
        what="phone",
        option="--phone-column",
        label=label,
        required=True,
    )
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
    if ROW in columns:
        lf = lf.rename({ROW: f"input_{ROW}"})
        columns = tuple(f"input_{ROW}" if c == ROW else c for c in columns)
        phone = f"input_{ROW}" if phone == ROW else phone
        carrier = f"input_{ROW}" if carrier == ROW else carrier
    lf = lf.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.UInt64))
    return RecipientSource(
        frame=lf,
        phone_column=phone,
        carrier_column=carrier,
        columns=columns,
        path=path,
        encoding=used,
    )
