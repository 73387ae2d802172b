"""Safe YAML reading for rule files: `safe_load` semantics, no aliases, and YAML paths mapped to lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from simulator.errors import RulesError

MAX_RULE_FILE_BYTES = 2_000_000
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


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; any syntax problem, alias or oversize file is a one-line RulesError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError(f"cannot read file: {exc.strerror}", file=path) from None
    if len(raw) > MAX_RULE_FILE_BYTES:
        raise RulesError(
            f"file is {len(raw)} bytes, more than the {MAX_RULE_FILE_BYTES} a rule file may have",
            file=path,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError(
            f"not UTF-8 (byte {exc.start})", file=path, hint="save rule files as UTF-8"
        ) from None
    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise RulesError(
                    "YAML aliases (*name) are not allowed in rule files",
                    file=path,
                    line=line,
                    hint="write the value out in full",
                )
        root = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise RulesError(f"YAML syntax error: {problem}", file=path, line=line) from None
    except yaml.YAMLError as exc:
        raise RulesError(f"YAML error: {exc}", file=path) from None
    except ValueError as exc:  # a scalar YAML cannot build, such as the date 2020-13-01
        raise RulesError(
            f"invalid value: {exc}",
            file=path,
            line=_unbuildable_line(yaml.compose(text, Loader=SAFE_LOADER)),
            hint="dates are YYYY-MM-DD",
        ) from None
    return YamlDocument(path=path, data=data, root=root)


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


def validation_error(doc: YamlDocument, exc: ValidationError) -> RulesError:
    """The first pydantic error as a one-line RulesError with file, line and YAML path."""
    first = exc.errors()[0]
    loc = [p for p in first["loc"] if isinstance(p, (int, str))]
    clean = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return RulesError(
        f"{describe_location(clean)}: {first['msg']}", file=doc.path, line=doc.line_of(clean)
    )


def parse_model(doc: YamlDocument, model: type[M]) -> M:
    """Validate a YAML document against a pydantic model, reporting the file and line on failure."""
    if doc.data is None:
        raise RulesError("file is empty", file=doc.path, hint="see rules/README.md for the format")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None


def load_model(path: Path, model: type[M]) -> M:
    """Read and validate one YAML file."""
    return parse_model(read_yaml(path), model)
