"""The YAML loader: lines everywhere, duplicate keys rejected, nothing raises."""

from __future__ import annotations

import pytest

from elearning.content.yaml_loader import Mapping, Scalar, Sequence, load_yaml

DOCUMENT = b"""\
format: 1
title:
  fr: Titre
  en: "2002"
items:
  - one
  - key: value
    other: 3
flag: yes
empty:
"""


def test_keeps_the_line_of_every_key_item_and_value() -> None:
    root, problems = load_yaml(DOCUMENT, "x.yml")

    assert problems == []
    assert isinstance(root, Mapping)
    assert [(name, entry.key_line) for name, entry in root.entries.items()] == [
        ("format", 1),
        ("title", 2),
        ("items", 5),
        ("flag", 9),
        ("empty", 10),
    ]
    title = root.entries["title"].value
    assert isinstance(title, Mapping)
    assert title.line == 3
    assert title.entries["en"].value == Scalar("2002", "2002", 4)
    items = root.entries["items"].value
    assert isinstance(items, Sequence)
    assert [item.line for item in items.items] == [6, 7]
    inner = items.items[1]
    assert isinstance(inner, Mapping)
    assert inner.entries["other"].value == Scalar(3, "3", 8)
    assert root.entries["flag"].value == Scalar(True, "yes", 9)
    assert root.entries["empty"].value.value is None


def test_a_duplicate_key_is_a_problem_at_its_line_and_the_first_value_is_kept() -> None:
    root, problems = load_yaml(b"a: 1\nb:\n  c: 2\n  c: 3\na: 4\n", "x.yml")

    assert [str(problem) for problem in problems] == [
        "x.yml:4: duplicate key 'c' (first at line 3)",
        "x.yml:5: duplicate key 'a' (first at line 1)",
    ]
    assert isinstance(root, Mapping)
    assert root.entries["a"].value == Scalar(1, "1", 1)


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"a: 1\nb: [2, 3\nc: 4\n", 3, "malformed YAML"),
        (b"a: 1\n  b: 2\n", 2, "malformed YAML: mapping values are not allowed here"),
        (b"a: 'open\n", 2, "malformed YAML"),
        (b"a: 1\n---\nb: 2\n", 2, "malformed YAML"),
        (b"", 1, "the file is empty"),
        (b"# only a comment\n", 1, "the file is empty"),
        (b"a: 1\nb: \xe9t\xe9\n", 2, "not UTF-8 text"),
        (b"a: !!python/object:os.system {}\n", 1, "unsupported tag"),
        (b"a: !!python/name:os.system ''\n", 1, "unsupported value"),
        (b"a: &x [1, *x]\n", 1, "an alias refers to the value that contains it"),
        (b"[1, 2]: x\n", 1, "a key must be a plain name"),
    ],
)
def test_bad_yaml_is_a_problem_not_an_exception(data: bytes, line: int, fragment: str) -> None:
    _, problems = load_yaml(data, "x.yml")

    assert len(problems) == 1
    assert problems[0].path == "x.yml"
    assert problems[0].line == line
    assert fragment in problems[0].message


def test_aliases_are_shared_not_expanded() -> None:
    laughs = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n".encode() for n in range(8)
    )
    root, problems = load_yaml(laughs, "x.yml")

    assert problems == []
    assert isinstance(root, Mapping)
    assert len(root.entries) == 9


def test_a_byte_order_mark_is_accepted() -> None:
    root, problems = load_yaml("\ufeffa: é\n".encode(), "x.yml")

    assert problems == []
    assert isinstance(root, Mapping)
    assert root.entries["a"].value == Scalar("é", "é", 1)
