"""The demo's questions on modules: a few asked in the past by members of SPVQ and CJQ teams, in French and in
English, some answered by the asker's pivot, one from a team with no pivot (it goes to the coordinator).

Asked and answered through the services, each person acting as themself (their own viewer), at past moments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from elearning import clock
from elearning.demo.data import DemoReport
from elearning.extensions import db
from elearning.models import ModuleQuestion, OutboxMessage
from elearning.services.catalog import lookup
from elearning.services.errors import NotFound
from elearning.services.learning import questions
from elearning.services.people import accounts
from elearning.services.people.viewers import load_viewer

#: The hour of the day the demo's questions are asked (local time); answers come a few hours later.
ASK_HOUR = 9


@dataclass(frozen=True)
class DemoQuestion:
    asker: str  # e-mail
    module: str
    section: str
    language: str
    body: str
    days_ago: int
    #: The pivot (or coordinator) who answers, and the answer; None: waiting for an answer.
    answerer: str | None = None
    answer: str = ""


QUESTIONS: tuple[DemoQuestion, ...] = (
    DemoQuestion(
        "sophie.tremblay@example.org",
        "mise-en-contexte",
        "constats",
        "fr",
        "Quand un signalement a déjà été fait par l'école, est-ce qu'on en fait un **deuxième** de notre côté ?",
        12,
        "pivot.spvq@example.org",
        "Oui : chaque organisation fait le sien. Appelez-moi avant, on coordonne avec le pivot de l'école.",
    ),
    DemoQuestion(
        "marc.gagnon@example.org",
        "intervenants-pivots",
        "roles-mandats",
        "en",
        "Who do I call after hours when the pivot of my team is not available?",
        3,
    ),
    DemoQuestion(
        "nadia.cote@example.org",
        "table-regionale",
        "membres",
        "fr",
        "Où trouver la liste à jour des pivots des autres organisations ?",
        20,
        "pivot.cjq@example.org",
        "Dans le [répertoire](/directory) : chaque organisation y a ses pivots et leurs coordonnées de travail.",
    ),
    DemoQuestion(
        "worker.cjq@example.org",
        "mise-en-contexte",
        "decembre-2002",
        "en",
        "Is the 2002 report available in English?",
        30,
        "pivot.cjq@example.org",
        "Only a summary is: ask me and I will send it to you.",
    ),
    DemoQuestion(
        "ines.moreau@example.org",
        "principes-partenariat",
        "agir-ensemble",
        "fr",
        "Peut-on inviter un partenaire d'une autre région à une rencontre de concertation ?",
        2,
    ),
    # Patrouille Est has no pivot: the question goes to SPVQ's coordinator.
    DemoQuestion(
        "gabriel.lemieux@example.org",
        "mise-en-contexte",
        "constats",
        "fr",
        "Notre équipe n'a pas encore de pivot : à qui poser mes questions en attendant ?",
        5,
    ),
)


def _moment(days_ago: int, hours: int = 0) -> dt.datetime:
    today = clock.today()
    start = clock.get_clock().start_of_day(today - dt.timedelta(days=days_ago))
    return start + dt.timedelta(hours=ASK_HOUR + hours)


def load_questions(report: DemoReport) -> None:
    """Ask (and answer) the demo's questions, once: only while no question exists at all. Needs the demo's
    people and teams and the synced content; a question on a module or section not in the content, or of a
    person not in the demo, is left out. The caller commits."""
    if db.session.scalar(sa.select(ModuleQuestion.id).limit(1)) is not None:
        return
    for spec in QUESTIONS:
        asker = accounts.find_person(spec.asker)
        answerer = accounts.find_person(spec.answerer) if spec.answerer else None
        try:
            ref = lookup.find_module(spec.module)
        except NotFound:
            continue
        if asker is None or (spec.answerer and answerer is None):
            continue
        with clock.travel(_moment(spec.days_ago)):
            viewer = load_viewer(asker.id, clock.today())
            try:
                asked = questions.ask(viewer, ref, spec.section, spec.body, language=spec.language)
            except NotFound:
                continue
        report.created.append(f"question of {spec.asker} on {spec.module}/{spec.section}")
        if answerer is not None:
            with clock.travel(_moment(spec.days_ago, hours=3)):
                questions.answer(load_viewer(answerer.id, clock.today()), asked.id, spec.answer)
    # The demo's questions were asked and answered in the past: their notifications are not for sending now (the
    # demo's addresses are example.org), so the messages they queued are dropped with the demo's own writes.
    db.session.flush()
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.kind.in_(("question.asked", "question.answered")), OutboxMessage.sent_at.is_(None)
        )
    )
