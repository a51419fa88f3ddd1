"""A safe YAML loader that rejects duplicate keys and keeps the line of every key, item and value.

PyYAML's loaders silently keep the last of two equal keys and forget where values came from. Here the file is
composed into PyYAML's node graph (safe tags only) and turned into :class:`Mapping`, :class:`Sequence` and
:class:`Scalar` values that carry their 1-based line, so every later check can name ``path:line``. Nothing
raises: malformed YAML, a duplicate key or an unsupported tag becomes a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from elearning.content.model import Problem

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Scalar:
    """A plain value: ``value`` as YAML typed it (str, int, float, bool, None, date...), ``text`` as written."""

    value: object
    text: str
    line: int


@dataclass(frozen=True)
class Entry:
    """A mapping entry: the line of its key and its value."""

    key_line: int
    value: Node


@dataclass(frozen=True)
class Mapping:
    entries: dict[str, Entry]  # in file order; the first of duplicate keys is kept (and reported)
    line: int


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


Node = Scalar | Mapping | Sequence


def describe(node: Node) -> str:
    """What kind of value ``node`` is, for messages ("a mapping", "a list", "the number 3"...)."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if node.value is None:
        return "nothing"
    if isinstance(node.value, bool):
        return f"the boolean {node.text}"
    if isinstance(node.value, int | float):
        return f"the number {node.text}"
    if isinstance(node.value, str):
        return "a text"
    return f"the value {node.text!r}"


def load_yaml(data: bytes, path: str) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document; return its root node (None when unusable) and the problems found."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Problem(path, line, "not UTF-8 text")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = ": ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(path, line, f"malformed YAML: {message}")]
    except yaml.YAMLError as error:  # pragma: no cover - every PyYAML parse error is marked
        return None, [Problem(path, 1, f"malformed YAML: {error}")]
    if root is None:
        return None, [Problem(path, 1, "the file is empty")]
    converter = _Converter(path)
    return converter.convert(root), converter.problems


class _Converter:
    """Turns PyYAML nodes into located values, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._done: dict[int, Node] = {}  # aliased nodes are converted once
        self._open: set[int] = set()  # nodes being converted: an alias back to one of them is a cycle

    def convert(self, node: yaml.Node) -> Node:
        key = id(node)
        if key in self._done:
            return self._done[key]
        line = node.start_mark.line + 1
        if key in self._open:
            self._report(line, "an alias refers to the value that contains it")
            return Scalar(None, "", line)
        self._open.add(key)
        try:
            result = self._convert(node, line)
        finally:
            self._open.discard(key)
        self._done[key] = result
        return result

    def _convert(self, node: yaml.Node, line: int) -> Node:
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self._report(line, f"unsupported tag {node.tag}")
            return self._mapping(node, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._report(line, f"unsupported tag {node.tag}")
            return Sequence(tuple(self.convert(item) for item in node.value), line)
        try:
            value = self._constructor.construct_object(node, deep=True)
        except ConstructorError as error:
            self._report(line, f"unsupported value: {error.problem}")
            value = None
        return Scalar(value, str(node.value), line)

    def _mapping(self, node: yaml.MappingNode, line: int) -> Mapping:
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(key_line, "a key must be a plain name, not a list or mapping")
                continue
            name = str(key_node.value)
            value = self.convert(value_node)
            if name in entries:
                first = entries[name].key_line
                self._report(key_line, f"duplicate key '{name}' (first at line {first})")
                continue
            entries[name] = Entry(key_line, value)
        return Mapping(entries, line)

    def _report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))
