"""Reading and answering a quiz form as a browser would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from elearning.content import check_content
from tests.conftest import PROJECT_ROOT
from tests.web import csrf_token


@dataclass
class QuizForm:
    action: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    #: Question key -> the choice values offered, in the order shown.
    questions: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    checked: dict[str, list[str]] = field(default_factory=dict)

    @property
    def attempt(self) -> int:
        return int(self.hidden["attempt"])


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = QuizForm()
        self._in_quiz = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and "quiz" in values.get("class", ""):
            self._in_quiz = True
            self.form.action = values.get("action", "")
        if not self._in_quiz or tag != "input":
            return
        name = values.get("name", "")
        if values.get("type") == "hidden":
            self.form.hidden[name] = values.get("value", "")
        elif name.startswith("q-"):
            key = name[2:]
            self.form.questions.setdefault(key, []).append(values.get("value", ""))
            self.form.kinds[key] = values.get("type", "")
            if "checked" in values:
                self.form.checked.setdefault(key, []).append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_quiz = False


def read_quiz_form(html: str) -> QuizForm:
    parser = _Parser()
    parser.feed(html)
    assert parser.form.action, "no quiz form on the page"
    return parser.form


def post_answers(
    client: FlaskClient, form: QuizForm, answers: dict[str, list[str]], action: str = "submit"
) -> TestResponse:
    data: list[tuple[str, str]] = [("csrf_token", csrf_token(client, "/account"))]
    data.append(("attempt", str(form.attempt)))
    data.append(("action", action))
    for key, values in answers.items():
        data.extend((f"q-{key}", value) for value in values)
    return client.post(form.action, data=MultiDict(data))


def attempt_id_from(location: str) -> int:
    match = re.search(r"/quiz/attempts/(\d+)$", location)
    assert match, location
    return int(match.group(1))


def content_answers(module: str, *, right: bool) -> dict[str, list[str]]:
    """Question id -> the choice values answering it right (or, with ``right=False``, wrong), read from the
    project's content files."""
    tree = check_content(PROJECT_ROOT).tree
    assert tree is not None
    source = tree.module(module)
    assert source is not None and source.quiz is not None
    answers = {}
    for question in source.quiz.questions:
        if question.type == "true_false":
            correct, offered = ["true" if question.answer else "false"], ["true", "false"]
        else:
            correct, offered = sorted(question.correct_choice_ids), [choice.id for choice in question.choices]
        answers[question.id] = correct if right else [next(value for value in offered if value not in correct)]
    return answers
