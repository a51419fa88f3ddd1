"""The permission matrix's world: two organizations, their teams, and one person of each role.

Organization A has two teams: ``team_a`` (``worker`` and ``pivot``) and ``team_a2`` (``other_pivot``, and
``worker_a2``). Organization B has ``team_b`` (``worker_b``, ``pivot_b``). ``coordinator`` coordinates A,
``other_coordinator`` coordinates B. ``table`` and ``admin`` hold the global roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from elearning import clock
from elearning.extensions import db
from elearning.models import Person
from elearning.services.catalog import lookup
from elearning.services.certification import issuing
from elearning.services.learning import completion, progress, questions, quizzes
from elearning.services.people import password_resets
from elearning.services.people.viewers import load_viewer
from tests.content.helpers import VALID
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team

#: The roles of the route-by-role matrix, in column order.
ROLES = ("anonymous", "worker", "pivot", "other_pivot", "coordinator", "other_coordinator", "table", "admin")


@dataclass(frozen=True)
class World:
    org_a: int
    org_b: int
    org_a_code: str
    org_b_code: str
    team_a: int
    team_a2: int
    team_b: int
    people: dict[str, int]
    emails: dict[str, str]
    #: A failed quiz attempt of ``worker`` at module ``mise-en-contexte`` (a passing one followed).
    worker_attempt: int
    #: The certificate ``worker`` holds (core track), and its verification code.
    worker_certificate: int
    worker_certificate_code: str
    #: A question ``worker`` asked on ``mise-en-contexte/constats``, answered by ``pivot``; and one of ``worker_b``.
    worker_question: int
    worker_answer: int
    worker_b_question: int
    #: The random part of an unused "forgot password" link of ``worker``.
    worker_reset_token: str
    password: str = PASSWORD

    def email(self, role: str) -> str:
        return self.emails[role]


def build_world(app: Flask) -> World:
    """Build the world, with the valid fixture content loaded (modules ``mise-en-contexte`` and
    ``table-regionale``)."""
    with app.app_context():
        load_content(VALID)
        org_a = make_org("ORG-A", name="Organisation A")
        org_b = make_org("ORG-B", name="Organisation B")
        team_a = make_team(org_a, "Équipe A")
        team_a2 = make_team(org_a, "Équipe A2")
        team_b = make_team(org_b, "Équipe B")
        specs = {
            "worker": (org_a, ("worker",), team_a, "member"),
            "pivot": (org_a, ("pivot",), team_a, "pivot"),
            "other_pivot": (org_a, ("pivot",), team_a2, "pivot"),
            "worker_a2": (org_a, ("worker",), team_a2, "member"),
            "coordinator": (org_a, ("coordinator",), None, None),
            "other_coordinator": (org_b, ("coordinator",), None, None),
            "worker_b": (org_b, ("worker",), team_b, "member"),
            "pivot_b": (org_b, ("pivot",), team_b, "pivot"),
            "table": (None, ("table",), None, None),
            "admin": (None, ("admin",), None, None),
        }
        ids: dict[str, int] = {}
        emails: dict[str, str] = {}
        for key, (org, roles, team, team_role) in specs.items():
            person = make_person(
                email=f"{key.replace('_', '.')}@world.example.org", name=key.title(), org=org, roles=roles
            )
            if team is not None:
                add_member(team, person, team_role)
            ids[key] = person.id
            emails[key] = person.email
        ref = lookup.find_module("mise-en-contexte")
        quiz = lookup.quiz_of(ref.version)
        assert quiz is not None
        worker = db.session.get(Person, ids["worker"])
        attempt = quizzes.start_or_continue(worker, ref, quiz).attempt
        assert attempt is not None
        wrong = {key: [attempt.choice_order[key][-1]] for key in attempt.question_order}
        quizzes.submit(worker, attempt.id, ref, wrong)
        # Then the worker completes the core track and holds its certificate.
        for module in lookup.active_modules():
            for section in progress.for_learner(worker.id, [module])[module.module.id].sections:
                progress.record_view(worker, module, section)
        passing = quizzes.start_or_continue(worker, ref, quiz).attempt
        assert passing is not None
        quizzes.submit(
            worker,
            passing.id,
            ref,
            {item.question.key: sorted(item.gradable.correct) for item in quizzes.shown_questions(passing)},
        )
        for module in lookup.active_modules():
            completion.evaluate(worker, module)
        issued = issuing.issue_due(worker)
        assert [c.track_id for c in issued], "the world's worker should hold a certificate"
        today = clock.today()
        question = questions.ask(load_viewer(worker.id, today), ref, "constats", "Qui appeler la nuit ?")
        reply = questions.answer(load_viewer(ids["pivot"], today), question.id, "Le pivot de garde.")
        foreign = questions.ask(load_viewer(ids["worker_b"], today), ref, "constats", "Une question de B.")
        reset_token, _row = password_resets.issue_token(worker)
        world = World(
            org_a=org_a.id,
            org_b=org_b.id,
            org_a_code=org_a.code,
            org_b_code=org_b.code,
            team_a=team_a.id,
            team_a2=team_a2.id,
            team_b=team_b.id,
            people=ids,
            emails=emails,
            worker_attempt=attempt.id,
            worker_certificate=issued[0].id,
            worker_certificate_code=issued[0].code,
            worker_question=question.id,
            worker_answer=reply.id,
            worker_b_question=foreign.id,
            worker_reset_token=reset_token,
        )
        db.session.commit()
    return world
