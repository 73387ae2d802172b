"""User-facing errors: one line each, with where it happened and what to do, and an exit code."""

from __future__ import annotations

from pathlib import Path


class KpsimError(Exception):
    """A mistake the user can fix; the CLI prints `str(err)` on one line and exits `exit_code`.

    `kind` is the family (it decides the exit code); `code` names the problem within it, so
    callers and tests compare problems without reading the English wording."""

    exit_code = 1
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        self.message = message
        self.code = code or self.kind
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split())

    def as_dict(self) -> dict[str, object]:
        return {
            "error": self.render(),
            "kind": self.kind,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "exit_code": self.exit_code,
        }


class UsageError(KpsimError):
    """Wrong command-line usage: unknown option value, bad date, unknown plan or assumption."""

    exit_code = 2
    kind = "usage"


class InputError(KpsimError):
    """A recipient list, message or price file that cannot be read or used."""

    exit_code = 3
    kind = "input"


class RulesError(KpsimError):
    """A rule, price or assumption file that is malformed or inconsistent."""

    exit_code = 4
    kind = "rules"


class NotApplicableError(KpsimError):
    """A valid question with no answer: a plan queried before it existed, a non-mobile number."""

    exit_code = 5
    kind = "not_applicable"
