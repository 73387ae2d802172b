"""The message text a user gives: `--message TEXT` (argv) or `--message-file FILE`."""

from __future__ import annotations

import codecs
from pathlib import Path

from simulator.errors import InputError, UsageError
from simulator.numbers.reader import detect_encoding
from simulator.rules.yaml_source import read_bounded

MAX_MESSAGE_FILE_BYTES = 1_000_000
"""Far above any SMS (a long K-Premium message is a few thousand characters); a bigger file is
not a message, and a device such as /dev/zero is refused before it is read."""


def checked_text(value: str, *, option: str) -> str:
    """`value` as given on the command line; bytes that were not valid UTF-8 (Python keeps them
    as lone surrogates) are a one-line usage error rather than a crash later on."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{option} holds bytes that are not UTF-8 text (character {exc.start + 1})",
            hint="set a UTF-8 locale, or put the text in a UTF-8 file"
            + (" and pass --message-file" if option == "--message" else ""),
            code="not_utf8",
        ) from None
    return value


def read_message_file(path: Path) -> str:
    """A message file's text: a regular file of at most MAX_MESSAGE_FILE_BYTES, in UTF-8 (with or
    without a BOM), UTF-16 or CP932 as lists are detected; one trailing line end is dropped."""
    raw = read_bounded(
        path,
        limit=MAX_MESSAGE_FILE_BYTES,
        error=InputError,
        what="a message file",
        hint="pass the path of a text file holding the message",
        noun="message file",
    )
    codec = detect_encoding(path, raw, complete=True)
    try:
        text = codecs.decode(raw, "utf_8_sig" if codec == "utf_8" else codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"message file cannot be decoded as {codec} (byte {exc.start})",
            file=path,
            hint="save it as UTF-8",
            code="undecodable",
        ) from None
    text = text.removeprefix("\ufeff").removesuffix("\n").removesuffix("\r")
    if not text:
        raise InputError("message file is empty", file=path, code="empty")
    return text


def message_text(message: str | None, message_file: Path | None) -> str:
    """The message from --message or --message-file: exactly one of them (usage error else)."""
    if (message is None) == (message_file is None):
        raise UsageError(
            "give exactly one of --message TEXT or --message-file FILE", code="message_option"
        )
    if message is not None:
        return checked_text(message, option="--message")
    assert message_file is not None
    return read_message_file(message_file)
