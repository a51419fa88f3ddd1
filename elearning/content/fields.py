"""Reading typed values out of located YAML, reporting every problem at ``path:line``.

:class:`Reporter` collects the problems of a whole check; :class:`FileReader` reads the values of one file and
reports to it. Getters return ``None`` when a value is missing or unusable, after reporting why, so parsing goes
on and every problem of a file is found in one run.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from elearning.content.model import ERROR, WARNING, Localized, Problem
from elearning.content.yaml_loader import Entry, Mapping, Node, Scalar, Sequence, describe, load_yaml

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGES = ("fr", "en")


class Reporter:
    """Collects the problems of one check; with ``strict``, warnings are reported as errors."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.problems: list[Problem] = []

    def error(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message, ERROR))

    def warning(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message, ERROR if self.strict else WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def error_count(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == ERROR)

    def sorted(self) -> tuple[Problem, ...]:
        """The problems by path, then line (stable: same-line problems keep the order they were found in)."""
        return tuple(sorted(self.problems, key=lambda problem: (problem.path, problem.line)))


def is_slug(value: str) -> bool:
    """Lower-case letters, digits and single hyphens between them."""
    return SLUG_RE.fullmatch(value) is not None


def _prefix(what: str) -> str:
    return f"{what}: " if what else ""


class FileReader:
    """Typed access to one YAML file's values."""

    def __init__(self, path: str, reporter: Reporter) -> None:
        self.path = path
        self.reporter = reporter

    def error(self, line: int, message: str) -> None:
        self.reporter.error(self.path, line, message)

    def warning(self, line: int, message: str) -> None:
        self.reporter.warning(self.path, line, message)

    def load(self, data: bytes) -> Mapping | None:
        """The file's top-level mapping, or None (reported) when the YAML is malformed or not a mapping."""
        root, problems = load_yaml(data, self.path)
        self.reporter.extend(problems)
        if root is None:
            return None
        return self.mapping(root, what="the file")

    def mapping(self, node: Node, *, what: str) -> Mapping | None:
        if isinstance(node, Mapping):
            return node
        self.error(node.line, f"{what} must be a mapping of keys, not {describe(node)}")
        return None

    def sequence(self, node: Node, *, what: str) -> Sequence | None:
        if isinstance(node, Sequence):
            return node
        self.error(node.line, f"{what} must be a list, not {describe(node)}")
        return None

    def check_keys(
        self,
        mapping: Mapping,
        *,
        line: int,
        required: Collection[str],
        optional: Collection[str] = (),
        what: str = "",
    ) -> None:
        """Report each unknown key at its line and each missing required key at ``line``."""
        allowed = [*required, *optional]
        for name, entry in mapping.entries.items():
            if name not in allowed:
                self.error(entry.key_line, f"{_prefix(what)}unknown key '{name}' (allowed: {', '.join(allowed)})")
        for name in required:
            if name not in mapping.entries:
                self.error(line, f"{_prefix(what)}missing key '{name}'")

    def format(self, mapping: Mapping, current: int = 1, *, retired: dict[int, str] | None = None) -> int | None:
        """``format: <current>`` (a missing key is reported by :meth:`check_keys`); the format written, when a
        whole number. A format in ``retired`` is reported with its message (what changed since)."""
        entry = mapping.entries.get("format")
        if entry is None:
            return None
        node = entry.value
        written = node.value if isinstance(node, Scalar) and type(node.value) is int else None
        if written is not None and retired and written in retired:
            self.error(entry.key_line, retired[written])
        elif written != current:
            self.error(entry.key_line, f"format must be {current}, not {_shown(node)}")
        return written

    def text(self, entry: Entry | None, *, what: str) -> str | None:
        """A non-empty text (a number, boolean or date is taken as written); None when missing, empty or not a text."""
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, Scalar):
            if node.value is None:
                return None
            text = (node.value if isinstance(node.value, str) else node.text).strip()
            return text or None
        self.error(node.line, f"{what} must be a text, not {describe(node)}")
        return None

    def required_text(self, entry: Entry | None, *, what: str) -> str | None:
        """Like :meth:`text`, but an empty value is an error (a missing key is reported by check_keys)."""
        if entry is None:
            return None
        text = self.text(entry, what=what)
        if text is None and isinstance(entry.value, Scalar):
            self.error(entry.key_line, f"{what} is empty")
        return text

    def integer(self, entry: Entry | None, *, what: str, minimum: int, maximum: int | None = None) -> int | None:
        """A whole number in ``minimum..maximum`` (booleans are not numbers)."""
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, Scalar) and type(node.value) is int:
            value = node.value
            if value >= minimum and (maximum is None or value <= maximum):
                return value
        if maximum is not None:
            expected = f"a whole number from {minimum} to {maximum}"
        elif minimum == 1:
            expected = "a positive whole number"
        else:
            expected = f"a whole number of at least {minimum}"
        self.error(node.line, f"{what} must be {expected}, not {_shown(node)}")
        return None

    def boolean(self, entry: Entry | None, *, what: str) -> bool | None:
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.error(node.line, f"{what} must be true or false, not {_shown(node)}")
        return None

    def one_of(self, entry: Entry | None, choices: Collection[str], *, what: str) -> str | None:
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, Scalar) and node.value in choices:
            return str(node.value)
        self.error(node.line, f"{what} must be one of {', '.join(choices)}, not {_shown(node)}")
        return None

    def slug(self, entry: Entry | None, *, what: str) -> str | None:
        """A slug: lower-case letters, digits and hyphens."""
        if entry is None:
            return None
        node = entry.value
        if isinstance(node, Scalar) and isinstance(node.value, str) and is_slug(node.value):
            return node.value
        self.error(node.line, f"{what} {_shown(node)} is not a valid id (lower-case letters, digits and hyphens)")
        return None

    def localized(self, entry: Entry | None, *, what: str) -> Localized | None:
        """A ``{fr: ..., en: ...}`` text: French missing is an error, English missing a warning."""
        if entry is None:
            return None
        mapping = self.mapping(entry.value, what=f"{what} (fr and en texts)")
        if mapping is None:
            return None
        self.check_keys(mapping, line=entry.key_line, required=(), optional=LANGUAGES, what=what)
        french = self.text(mapping.entries.get("fr"), what=f"{what} (fr)")
        english = self.text(mapping.entries.get("en"), what=f"{what} (en)")
        if _is_blank(mapping.entries.get("fr")):
            self.error(_line_of(mapping, "fr", entry.key_line), f"{what}: French text missing")
        if _is_blank(mapping.entries.get("en")):
            self.warning(_line_of(mapping, "en", entry.key_line), f"{what}: English text missing")
        return Localized(french, english) if french is not None else None


def _is_blank(entry: Entry | None) -> bool:
    """Missing, null or only blanks (a value of the wrong kind is reported as such, not as missing)."""
    if entry is None:
        return True
    node = entry.value
    return isinstance(node, Scalar) and (node.value is None or not node.text.strip())


def _line_of(mapping: Mapping, key: str, default: int) -> int:
    entry = mapping.entries.get(key)
    return entry.key_line if entry is not None else default


def _shown(node: Node) -> str:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return repr(node.value)
    return describe(node)
