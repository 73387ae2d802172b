"""Safe YAML reading for rule files: `safe_load` semantics, no aliases, and YAML paths mapped to lines."""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from simulator.errors import KpsimError, RulesError

MAX_RULE_FILE_BYTES = 2_000_000
MAX_NESTING = 64
"""Deeper YAML is refused before it is built: composing it recurses (and crashes libyaml)."""
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when installed (same results, several times faster), else PyYAML's."""

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, its node tree (for line numbers) and its path."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        """1-based line of the YAML node at pydantic location `loc` (deepest node that exists)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == key), None)
                if match is None:
                    key_node = next((k for k, _ in node.value if k.value == key), None)
                    return key_node.start_mark.line + 1 if key_node is not None else line
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    return line
                node = node.value[key]
            else:
                return line
            line = node.start_mark.line + 1
        return line


def read_bounded(
    path: Path,
    *,
    limit: int,
    error: type[KpsimError] = RulesError,
    what: str = "a rule file",
    hint: str = "pass the path of a YAML file",
    noun: str = "file",
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a folder, device or pipe, an
    unreadable file or a bigger one is a one-line `error` (codes `not_a_file`, `not_found`,
    `unreadable`, `too_large`). Never reads more than the limit (/dev/zero, a /proc file)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise error(
                "not a regular file (a folder, device or pipe)",
                file=path,
                hint=hint,
                code="not_a_file",
            )
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{noun} not found", file=path, code="not_found") from None
    except OSError as exc:
        raise error(f"cannot read {noun}: {exc.strerror}", file=path, code="unreadable") from None
    if len(raw) > limit:
        raise error(
            f"file is more than the {limit} bytes {what} may have", file=path, code="too_large"
        )
    return raw


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; any syntax problem, alias or oversize file is a one-line RulesError."""
    raw = read_bounded(path, limit=MAX_RULE_FILE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError(
            f"not UTF-8 (byte {exc.start})",
            file=path,
            hint="save rule files as UTF-8",
            code="not_utf8",
        ) from None
    try:
        try:
            _refuse_aliases_and_nesting(text, path, SAFE_LOADER)
        except yaml.MarkedYAMLError:
            # libyaml may stop at its own nesting limit while scanning ahead, before kpsim's
            # check sees the events; PyYAML's own parser streams, so it names the real problem.
            _refuse_aliases_and_nesting(text, path, yaml.SafeLoader)
            raise
        root = yaml.compose(text, Loader=SAFE_LOADER)
        _refuse_surprises(root, path)
        data = _construct(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise RulesError(
            f"YAML syntax error: {problem}", file=path, line=line, code="yaml_syntax"
        ) from None
    except yaml.reader.ReaderError as exc:
        raise RulesError(
            f"contains the control character {_codepoint(exc.character)}, which YAML does not allow",
            file=path,
            line=_line_of_char(text, exc.position),
            hint="remove it: rule files are plain UTF-8 text",
            code="control_character",
        ) from None
    except yaml.YAMLError as exc:
        raise RulesError(f"YAML error: {_first_line(exc)}", file=path, code="yaml_syntax") from None
    except ValueError as exc:  # a scalar YAML cannot build, such as the date 2020-13-01
        raise RulesError(
            f"invalid value: {_first_line(exc).split('; use sys.')[0]}",
            file=path,
            line=_unbuildable_line(yaml.compose(text, Loader=SAFE_LOADER)),
            hint="dates are YYYY-MM-DD and numbers are plain digits",
            code="invalid_value",
        ) from None
    return YamlDocument(path=path, data=data, root=root)


def _construct(root: yaml.Node | None) -> Any:
    """The values of a composed document, as `yaml.load` builds them (without parsing the text
    again)."""
    if root is None:
        return None
    loader = SAFE_LOADER("")
    try:
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _refuse_aliases_and_nesting(text: str, path: Path, loader: type[yaml.SafeLoader]) -> None:
    """Refuse aliases and deep nesting from the event stream, before any node is built."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            raise RulesError(
                "YAML aliases (*name) are not allowed in rule files",
                file=path,
                line=line,
                hint="write the value out in full",
                code="yaml_alias",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise RulesError(
                    f"lists and mappings are nested more than {MAX_NESTING} levels deep",
                    file=path,
                    line=line,
                    hint="check the brackets and indentation",
                    code="yaml_nesting",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
OCTAL_LOOKING = re.compile(r"[-+]?0[0-7_]+")
"""A number with a leading zero, which YAML 1.1 (PyYAML) reads as octal: `010` is 8."""


def _refuse_surprises(root: yaml.Node | None, path: Path) -> None:
    """Refuse what YAML would read other than a person means, before any value is built.

    A key written twice in one mapping (YAML keeps the last silently: `amount: 9` then
    `amount: 900` is 900) is a `duplicate_key`; a plain number with a leading zero (YAML 1.1
    octal: `010` is 8) or with colons (base 60: `1:30` is 90) is a `yaml_1_1_number`. Both are
    refused rather than guessed at: `010` may be ten yen or the text of an ID, `1:30` a time."""
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode):
                    first = seen.get((key.tag, key.value))
                    seen.setdefault((key.tag, key.value), line)
                    if first is not None:
                        raise RulesError(
                            f"the key {key.value!r} appears twice in one mapping "
                            f"(lines {first} and {line}); YAML would keep only the last",
                            file=path,
                            line=line,
                            hint="keep one of them",
                            code="duplicate_key",
                        )
                pending.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain: libyaml says ""
            _refuse_yaml_1_1_number(node, path)


def _refuse_yaml_1_1_number(node: yaml.ScalarNode, path: Path) -> None:
    if node.tag == INT_TAG and OCTAL_LOOKING.fullmatch(node.value):
        sign = node.value[0] if node.value[0] in "+-" else ""
        meant = sign.replace("+", "") + (node.value.lstrip("+-").lstrip("0_") or "0")
        read = f"the octal number {yaml.safe_load(node.value)}"
    elif node.tag in (INT_TAG, FLOAT_TAG) and ":" in node.value:
        meant = "the number in full"
        read = f"the base-60 number {yaml.safe_load(node.value)}"
    else:
        return
    raise RulesError(
        f"{node.value} is read by YAML as {read}, which is hardly what is meant",
        file=path,
        line=node.start_mark.line + 1,
        hint=f'write {meant} without leading zeros or colons, or quote it ("{node.value}") '
        "if it is text",
        code="yaml_1_1_number",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _codepoint(character: int | str) -> str:
    return f"U+{character if isinstance(character, int) else ord(character):04X}"


def _line_of_char(text: str, position: int) -> int:
    """1-based line of character offset `position` (PyYAML counts characters, libyaml bytes)."""
    if SAFE_LOADER is not yaml.SafeLoader:
        return text.encode("utf-8")[:position].count(b"\n") + 1
    return text[:position].count("\n") + 1


def _unbuildable_line(node: yaml.Node | None) -> int | None:
    """1-based line of the first scalar under `node` that the safe constructor rejects."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.constructor.SafeConstructor().construct_object(node)
        except ValueError:
            return node.start_mark.line + 1
        return None
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    else:
        children = []
    return next((line for c in children if (line := _unbuildable_line(c)) is not None), None)


def describe_location(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as a YAML path like `rules[3].outcome.route`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


ERROR_HINTS = {
    "extra_forbidden": "an unknown key: check its spelling against rules/README.md",
    "missing": "add it; rules/README.md describes every key",
    "model_type": "expected `key: value` lines here",
    "dict_type": "expected `key: value` lines here",
    "list_type": "expected a list here: `[a, b]` or lines starting with `- `",
}
"""Plain-words advice for the pydantic errors a hand-edited YAML file most often meets."""


ERROR_CODES = {"extra_forbidden": "unknown_key", "missing": "missing_key"}
"""kpsim's codes for pydantic's error types; every other type is an `invalid_value`."""


def validation_error(doc: YamlDocument, exc: ValidationError) -> RulesError:
    """The first pydantic error as a one-line RulesError with file, line and YAML path."""
    first = exc.errors()[0]
    loc = [p for p in first["loc"] if isinstance(p, (int, str))]
    clean = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return RulesError(
        f"{describe_location(clean)}: {first['msg']}",
        file=doc.path,
        line=doc.line_of(clean),
        hint=ERROR_HINTS.get(first["type"]),
        code=ERROR_CODES.get(first["type"], "invalid_value"),
    )


def parse_model(doc: YamlDocument, model: type[M]) -> M:
    """Validate a YAML document against a pydantic model, reporting the file and line on failure."""
    if doc.data is None:
        raise RulesError(
            "file is empty", file=doc.path, hint="see rules/README.md for the format", code="empty"
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None


def load_model(path: Path, model: type[M]) -> M:
    """Read and validate one YAML file."""
    return parse_model(read_yaml(path), model)
