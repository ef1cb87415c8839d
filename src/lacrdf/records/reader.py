"""A strict YAML reader that keeps the line and column of every value.

Scalars are never typed implicitly (``yes`` stays the string "yes", ``2021-12-03`` stays a string): the
record layer types each field itself and can then say exactly which field is wrong. Duplicate keys,
anchors/aliases (the "billion laughs" vector), tags, BOM-less non-UTF-8 bytes and control characters are
refused with their position."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from lacrdf.errors import RecordError

MAX_BYTES = 8 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u2028\u2029]")


class LocStr(str):
    """A string that remembers where it was written."""

    line: int
    column: int

    def __new__(cls, value: str, line: int, column: int) -> LocStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.column = column
        return obj


class LocList(list["LocValue"]):
    line: int
    column: int


class LocDict(dict[str, "LocValue"]):
    """A mapping whose keys are plain strings; ``key_pos`` gives each key's (line, column)."""

    line: int
    column: int
    key_pos: dict[str, tuple[int, int]]


LocValue = LocStr | LocList | LocDict | None


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file (an initial BOM is accepted and dropped) or raise a located error."""
    try:
        with path.open("rb") as f:  # never more than the cap into memory, whatever the file's size
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise RecordError(display, 1, 1, f"cannot read file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise RecordError(display, 1, 1, f"file is larger than {MAX_BYTES} bytes", hint="split it")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RecordError(
            display, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8", hint="save the file as UTF-8"
        ) from None
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        raise RecordError(
            display, line, col, f"{'byte-order mark' if match.group() == chr(0xFEFF) else 'control character'} "
            f"U+{ord(match.group()):04X} is not allowed", hint="remove it",
        )
    return text


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


def _refuse_anchors(text: str, name: str) -> None:
    """Scan the events (fast, in C) before composing: an anchor or alias is refused before any
    expansion could happen, so an alias bomb costs nothing."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise RecordError(name, mark.line + 1, mark.column + 1, "YAML anchors and aliases are not allowed",
                              hint="write the value out")


def load_yaml(path: Path, display: str | None = None) -> LocValue:
    """Parse one YAML document into LocStr/LocList/LocDict values with positions."""
    name = display or str(path)
    text = read_text(path, name)
    try:
        if "&" in text or "*" in text:  # an anchor needs '&' and an alias '*': most files have neither
            _refuse_anchors(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise RecordError(name, line, col, f"invalid YAML: {problem}", hint="fix the YAML syntax") from None
    except yaml.YAMLError as exc:
        raise RecordError(name, 1, 1, f"invalid YAML: {exc}") from None
    if node is None:
        return None
    return _convert(node, name)


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, name: str) -> LocValue:
    line, col = _pos(node)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"):
            raise RecordError(name, line, col, f"YAML tag {node.tag!r} is not allowed", hint="remove the tag")
        # null, ~, Null, NULL or nothing, unquoted: absent. libyaml gives a plain scalar the style '' where
        # the pure-Python parser gives None; a quoted "~" or "null" is the text itself under both
        if node.tag == "tag:yaml.org,2002:null" and node.style in (None, ""):
            return None
        bad = _CONTROL.search(node.value)
        if bad:
            # an escape such as "\ud800" or "\x01" in a quoted scalar: the raw text was clean
            raise RecordError(name, line, col, f"character U+{ord(bad.group()):04X} (a control character or "
                              "lone surrogate) is not allowed in a value", hint="remove the escape")
        return LocStr(node.value, line, col)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise RecordError(name, line, col, f"YAML tag {node.tag!r} is not allowed", hint="remove the tag")
        seq = LocList(_convert(item, name) for item in node.value)
        seq.line, seq.column = line, col
        return seq
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise RecordError(name, line, col, f"YAML tag {node.tag!r} is not allowed", hint="remove the tag")
        mapping = LocDict()
        mapping.line, mapping.column = line, col
        mapping.key_pos = {}
        for key_node, value_node in node.value:
            kline, kcol = _pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise RecordError(name, kline, kcol, "mapping keys must be plain strings")
            if key_node.value == "<<":
                raise RecordError(name, kline, kcol, "YAML merge keys are not allowed", hint="write the keys out")
            key = key_node.value
            if key in mapping.key_pos:
                first = mapping.key_pos[key][0]
                raise RecordError(name, kline, kcol, f"duplicate key '{key}' (first at line {first})",
                                  field=key, hint="remove one of them")
            mapping.key_pos[key] = (kline, kcol)
            mapping[key] = _convert(value_node, name)
        return mapping
    raise RecordError(name, line, col, "unsupported YAML node")  # pragma: no cover - yaml has three node kinds
