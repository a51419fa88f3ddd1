"""Batch progress reads: many people × many modules in a fixed number of grouped queries, with the rules of the
per-learner code, returned as plain values; the member page and the module page built on them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient

from elearning import clock as clocks
from elearning.clock import FrozenClock
from elearning.extensions import db
from elearning.models import (
    Certificate,
    Completion,
    ExtraAttempt,
    ModuleVersion,
    Person,
    QuizAttempt,
    Section,
    SectionView,
    Track,
    TrackAssignment,
    TrackModule,
)
from elearning.permissions import SYSTEM
from elearning.services.catalog import lookup
from elearning.services.certification import issuing, revocation
from elearning.services.learning import batch, completion, cycles, progress, quizzes, states
from elearning.services.people.accounts import get_person
from elearning.services.reports import members
from tests.conftest import NOW
from tests.content.helpers import VALID
from tests.factories import PASSWORD, add_member, load_content, make_org, make_person, make_team
from tests.web import signed_in_client

PIVOT = "pivot@example.org"
LEARNER = "learner@example.org"
QUIZ_MODULE = "mise-en-contexte"
PLAIN_MODULE = "table-regionale"
Status = states.ModuleStatus


# -- content and progress builders -----------------------------------------------------------------------


def content_tree(destination: Path, modules: int) -> Path:
    """The valid fixture with ``modules`` modules in all (the two of the fixture, then copies, every other one
    with a quiz), all of them in both tracks."""
    root = destination / f"content-{modules}"
    shutil.copytree(VALID, root)
    quiz = (root / "quizzes" / f"{QUIZ_MODULE}.yml").read_text(encoding="utf-8")
    slugs = []
    for number in range(modules - 2):
        slug = f"module-{number:02d}"
        source = QUIZ_MODULE if number % 2 else PLAIN_MODULE
        shutil.copytree(root / "modules" / source, root / "modules" / slug)
        if source == QUIZ_MODULE:
            text = quiz.replace(f"module: {QUIZ_MODULE}", f"module: {slug}")
            (root / "quizzes" / f"{slug}.yml").write_text(text, encoding="utf-8")
        slugs.append(slug)
    tracks = root / "modules" / "tracks.yml"
    listed = "".join(f", {slug}" for slug in slugs)
    text = tracks.read_text(encoding="utf-8")
    text = text.replace(
        "modules: [mise-en-contexte, table-regionale]", f"modules: [mise-en-contexte, table-regionale{listed}]"
    )
    text = text.replace(
        "modules: [table-regionale, mise-en-contexte]", f"modules: [table-regionale, mise-en-contexte{listed}]"
    )
    tracks.write_text(text, encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def ref_of(slug: str) -> lookup.ModuleRef:
    return lookup.find_module(slug)


def read(person: Person, ref: lookup.ModuleRef, count: int | None = None) -> None:
    for section in lookup.sections_of([ref])[ref.version.id][:count]:
        progress.record_view(person, ref, section)


def take_quiz(person: Person, ref: lookup.ModuleRef, *, right: bool) -> None:
    quiz = lookup.quiz_of(ref.version)
    assert quiz is not None
    started = quizzes.start_or_continue(person, ref, quiz)
    if started.attempt is None and started.allowance.passed:
        return  # passed already in this cycle: the quiz is done
    attempt = started.attempt
    assert attempt is not None
    answers = {}
    for item in quizzes.shown_questions(attempt):
        correct = sorted(item.gradable.correct)
        wrong = [key for key in item.gradable.choice_keys if key not in item.gradable.correct][:1]
        answers[item.question.key] = correct if right else wrong
    quizzes.submit(person, attempt.id, ref, answers)


def complete(person: Person, refs: list[lookup.ModuleRef]) -> None:
    """Read every section of each module and pass its quiz, then record the completions and certificates."""
    for ref in refs:
        read(person, ref)
        if lookup.quiz_of(ref.version) is not None:
            take_quiz(person, ref, right=True)
        completion.evaluate(person, ref)
    issuing.issue_due(person)


def grant(learner: Person, ref: lookup.ModuleRef) -> None:
    quizzes.grant_extra_attempt(SYSTEM, learner.id, ref.module.slug)


def enter_renewal_window(app: Flask, clock: FrozenClock) -> None:
    """Move the clock 30 days before the latest certificate's expiry."""
    with app.app_context():
        expires = db.session.scalar(sa.select(sa.func.max(Certificate.expires_on)))
    assert expires is not None
    clock.set(dt.datetime.combine(expires - dt.timedelta(days=30), dt.time(16), tzinfo=dt.UTC))


@pytest.fixture
def team(app: Flask, content_root: Path) -> None:
    """The valid fixture content (two modules, both in both tracks), and an organization with a team: a pivot
    and a learner."""
    with app.app_context():
        org = make_org()
        group = make_team(org, "Équipe")
        add_member(group, make_person(email=LEARNER, name="Lina Learner", org=org))
        add_member(group, make_person(email=PIVOT, name="Paul Pivot", org=org, roles=("pivot",)), "pivot")
        db.session.commit()


# -- query counts ----------------------------------------------------------------------------------------


class Pages:
    """The member page (as the learner's pivot) and the module pages (as the learner), counted."""

    def __init__(self, app: Flask, count_queries: Callable[[], Any]) -> None:
        self.app = app
        self.count_queries = count_queries
        with app.app_context():
            self.learner_id = get_person(LEARNER).id

    def counts(self) -> dict[str, int]:
        pivot = signed_in_client(self.app, PIVOT, PASSWORD)
        learner = signed_in_client(self.app, LEARNER, PASSWORD)
        counts = {}
        for name, client, path in (
            ("member", pivot, f"/team/members/{self.learner_id}"),
            ("module with a quiz", learner, f"/modules/{QUIZ_MODULE}"),
            ("module without a quiz", learner, f"/modules/{PLAIN_MODULE}"),
        ):
            assert client.get(path).status_code == 200  # warm: the process reads the content once per revision
            with self.count_queries() as counter:
                assert client.get(path).status_code == 200
            counts[name] = counter.count
        return counts


def add_learners(count: int, refs: list[lookup.ModuleRef]) -> None:
    """Other learners, each with views, attempts and a completion."""
    org = make_org()
    for _ in range(count):
        person = make_person(org=org)
        read(person, refs[0], 2)
        take_quiz(person, refs[0], right=False)
        complete(person, [refs[1]])


def test_member_and_module_pages_cost_the_same_whatever_the_modules_attempts_learners_and_cycles(
    app: Flask, team: None, tmp_path: Path, clock: FrozenClock, count_queries: Callable[[], Any]
) -> None:
    pages = Pages(app, count_queries)
    baseline = pages.counts()
    assert baseline["module with a quiz"] == baseline["module without a quiz"]
    seen = {"2 modules, nothing done": baseline}

    # Many attempts: three failures, an extra attempt granted, a pass; every section read.
    with app.app_context():
        learner, ref = get_person(LEARNER), ref_of(QUIZ_MODULE)
        read(learner, ref)
        for _ in range(3):
            take_quiz(learner, ref, right=False)
        grant(learner, ref)
        take_quiz(learner, ref, right=True)
        db.session.commit()
    seen["2 modules, many attempts"] = pages.counts()

    # Many learners in the database, each with views, attempts and a completion.
    with app.app_context():
        add_learners(30, [ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)])
        db.session.commit()
    seen["2 modules, 31 learners"] = pages.counts()

    # Twenty modules, all in the learner's track.
    with app.app_context():
        load_content(content_tree(tmp_path, 20))
        db.session.commit()
        assert len(lookup.active_modules()) == 20
    seen["20 modules"] = pages.counts()

    # A certificate: every module complete.
    with app.app_context():
        complete(get_person(LEARNER), lookup.active_modules())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
    seen["20 modules, certified"] = pages.counts()

    # The renewal window: work counts again from the cycle start.
    enter_renewal_window(app, clock)
    with app.app_context():
        learner_id = get_person(LEARNER).id
        assert cycles.track_cycles(learner_id, clocks.today())[0].start is not None
        read(get_person(LEARNER), ref_of(QUIZ_MODULE), 1)
        db.session.commit()
    seen["20 modules, renewal cycle"] = pages.counts()

    assert all(counts == baseline for counts in seen.values()), seen


def test_member_page_shows_the_batch_state(app: Flask, team: None) -> None:
    with app.app_context():
        learner, ref = get_person(LEARNER), ref_of(QUIZ_MODULE)
        learner_id = learner.id
        read(learner, ref, 2)
        for _ in range(3):
            take_quiz(learner, ref, right=False)
        db.session.commit()
    page = signed_in_client(app, PIVOT, PASSWORD).get(f"/team/members/{learner_id}").get_data(as_text=True)
    assert "Lina Learner" in page and "Équipe" in page
    assert "2 / 3" in page and "3 / 3" in page and "0\u202f%" in page
    assert 'class="badge badge-failed">Aucune tentative restante<' in page
    assert 'value="mise-en-contexte"' in page  # the grant button's form, for the exhausted quiz only
    assert 'value="table-regionale"' not in page


def test_progress_for_costs_the_same_for_one_person_and_two_modules_as_for_30_people_and_20_modules(
    app: Flask, team: None, tmp_path: Path, clock: FrozenClock, count_queries: Callable[[], Any]
) -> None:
    with app.app_context():
        load_content(content_tree(tmp_path, 20))
        refs = lookup.active_modules()
        by_slug = {ref.module.slug: ref for ref in refs}
        org = make_org()
        people = [make_person(org=org, roles=("pivot",) if n % 3 == 0 else ("worker",)) for n in range(29)]
        for n, person in enumerate(people):
            if n % 4 == 0:
                complete(person, refs)  # certified, and in the renewal window below
            else:
                read(person, by_slug[QUIZ_MODULE], n % 4)
                take_quiz(person, by_slug[QUIZ_MODULE], right=n % 2 == 0)
        db.session.commit()
        ids = [get_person(LEARNER).id, *(person.id for person in people)]
    enter_renewal_window(app, clock)
    with app.app_context():
        infos = list(lookup.module_infos(lookup.active_modules()).values())
        day = clocks.today()
        small_infos = [info for info in infos if info.slug in (QUIZ_MODULE, PLAIN_MODULE)]
        with count_queries() as small:
            one = batch.progress_for(ids[:1], small_infos, day)
        with count_queries() as large:
            many = batch.progress_for(ids, infos, day)
        assert len(one) == 2 and len(many) == 30 * 20
        assert any(state.cycle_start is not None for state in many.values())  # the renewals' starts were joined
        assert small.count == large.count == 4, (small.count, large.count)
        with count_queries() as cycles_small:
            cycles.track_cycles_for(ids[:1], day)
        with count_queries() as cycles_large:
            everyone = cycles.track_cycles_for(ids, day)
        assert cycles_small.count == cycles_large.count == 1
        for person_id in ids:
            assert everyone[person_id] == cycles.track_cycles(person_id, day)


# -- agreement with the per-learner rules ----------------------------------------------------------------


def reference_starts(person_id: int, day: dt.date) -> dict[int, dt.datetime]:
    """Each module's cycle start as the per-learner code computed it before the batch reads (every certificate
    of every open assignment read, one track at a time)."""
    window = dt.timedelta(days=current_app.config["RENEWAL_WINDOW_DAYS"])
    starts: dict[int, dt.datetime] = {}
    for assignment in db.session.scalars(
        sa.select(TrackAssignment)
        .join(Track)
        .where(TrackAssignment.person_id == person_id, TrackAssignment.ended_on.is_(None), Track.retired_at.is_(None))
    ):
        owned = list(
            db.session.scalars(
                sa.select(Certificate)
                .where(Certificate.person_id == person_id, Certificate.track_id == assignment.track_id)
                .order_by(Certificate.cycle)
            )
        )
        if not owned:
            continue
        latest = owned[-1]
        if latest.revoked_at is not None:
            start: dt.datetime | None = latest.revoked_at
        else:
            opens_on = latest.expires_on - window
            start = clocks.get_clock().start_of_day(opens_on) if day >= opens_on else None
        if start is None:
            continue
        for module_id in db.session.scalars(
            sa.select(TrackModule.module_id).where(TrackModule.track_id == assignment.track_id)
        ):
            starts[module_id] = max(start, starts.get(module_id, start))
    return starts


@dataclasses.dataclass(frozen=True)
class Expected:
    status: states.ModuleStatus
    viewed: int
    sections: int
    allowance: tuple[int, int | None, bool] | None


def reference_state(person_id: int, ref: lookup.ModuleRef, start: dt.datetime | None) -> Expected:
    """One module's state by the per-learner code's rules before the batch reads (``progress.for_learner``,
    ``quizzes.allowance``), row by row, plus the one new rule: no attempts left and not completed is FAILED."""

    def counts(moment: dt.datetime) -> bool:
        return start is None or moment >= start

    sections = list(
        db.session.scalars(
            sa.select(Section).where(Section.module_version_id == ref.version.id).order_by(Section.position)
        )
    )
    views = [
        (view.section_slug, view.content_hash)
        for view in db.session.scalars(
            sa.select(SectionView).where(SectionView.person_id == person_id, SectionView.module_id == ref.module.id)
        )
        if counts(view.viewed_at)
    ]
    viewed = [section for section in sections if (section.slug, section.content_hash) in views]
    done = sorted(
        (
            row
            for row in db.session.scalars(
                sa.select(Completion).where(Completion.person_id == person_id, Completion.module_id == ref.module.id)
            )
            if counts(row.completed_at)
        ),
        key=lambda row: (row.module_version_id, row.completed_at),
    )
    current = [row for row in done if row.module_version_id == ref.version.id]
    reviews = db.session.scalars(
        sa.select(ModuleVersion.id).where(
            ModuleVersion.module_id == ref.module.id, ModuleVersion.requires_review.is_(True)
        )
    ).all()
    if current:
        status = Status.COMPLETED
    elif done:
        review = any(done[-1].module_version_id < version <= ref.version.id for version in reviews)
        status = Status.TO_REVIEW if review else Status.COMPLETED
    else:
        status = Status.IN_PROGRESS if viewed else Status.NOT_STARTED
    allowance = None
    quiz = lookup.quiz_of(ref.version)
    if quiz is not None:
        attempts = [
            row
            for row in db.session.scalars(
                sa.select(QuizAttempt).where(
                    QuizAttempt.person_id == person_id,
                    QuizAttempt.module_id == ref.module.id,
                    QuizAttempt.submitted_at.is_not(None),
                )
            )
            if row.submitted_at is not None and counts(row.submitted_at)
        ]
        extra = sum(
            1
            for row in db.session.scalars(
                sa.select(ExtraAttempt).where(
                    ExtraAttempt.person_id == person_id, ExtraAttempt.module_id == ref.module.id
                )
            )
            if counts(row.granted_at)
        )
        passed = any(row.passed and row.quiz_hash == quiz.content_hash for row in attempts)
        allowed = None if quiz.attempt_limit == 0 else quiz.attempt_limit + extra
        allowance = (len(attempts), allowed, passed)
        exhausted = not passed and allowed is not None and len(attempts) >= allowed
        if exhausted and status != Status.COMPLETED:
            status = Status.FAILED
    return Expected(status, len(viewed), len(sections), allowance)


def as_expected(state: states.ModuleState) -> Expected:
    allowance = state.allowance
    return Expected(
        state.status,
        state.viewed_count,
        state.section_count,
        (allowance.used, allowance.allowed, allowance.passed) if allowance else None,
    )


#: The learners of the agreement scenario and what each did.
SCENARIO = {
    "never@example.org": "never started",
    "reading@example.org": "read one section, failed once",
    "done@example.org": "completed the module with a quiz in one attempt (a later version requires review)",
    "failed@example.org": "read everything, failed three times",
    "granted@example.org": "failed three times, then was granted one more attempt",
    "review@example.org": "completed the module without a quiz (a later version requires review)",
    "locked@example.org": "completed after two failures: the changed quiz leaves no attempt",
    "renewing@example.org": "certified, now in the renewal window, one section read again",
    "expired@example.org": "certified 1,200 days earlier (expired since), one section read after the window opened",
    "revoked@example.org": "certified, then the certificate was revoked the next day",
}


@pytest.fixture
def scenario(app: Flask, team: None, content_root: Path, clock: FrozenClock) -> dict[str, int]:
    """The learners of :data:`SCENARIO`; then a new version of both modules requiring review (the quiz of one
    changes) and the clock in the renewal window of the certified learner."""
    with app.app_context():
        org = make_org("AGREE")
        quiz_ref, plain_ref = ref_of(QUIZ_MODULE), ref_of(PLAIN_MODULE)
        clock.advance(days=-1200)
        expired = make_person(email="expired@example.org", org=org)
        complete(expired, [quiz_ref, plain_ref])
        clock.advance(days=1200)
        people = {email: make_person(email=email, org=org) for email in SCENARIO if email != expired.email}
        people[expired.email] = expired
        read(expired, quiz_ref, 1)
        read(people["reading@example.org"], quiz_ref, 1)
        take_quiz(people["reading@example.org"], quiz_ref, right=False)
        complete(people["done@example.org"], [quiz_ref])
        for email in ("failed@example.org", "granted@example.org"):
            read(people[email], quiz_ref)
            for _ in range(3):
                take_quiz(people[email], quiz_ref, right=False)
        grant(people["granted@example.org"], quiz_ref)
        complete(people["review@example.org"], [plain_ref])
        take_quiz(people["locked@example.org"], quiz_ref, right=False)
        take_quiz(people["locked@example.org"], quiz_ref, right=False)
        complete(people["locked@example.org"], [quiz_ref])
        complete(people["renewing@example.org"], [quiz_ref, plain_ref])
        complete(people["revoked@example.org"], [quiz_ref, plain_ref])
        clock.advance(days=1)
        revoked = db.session.scalar(
            sa.select(Certificate).where(Certificate.person_id == people["revoked@example.org"].id)
        )
        revocation.revoke(SYSTEM, revoked.id, "Erreur de saisie")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 3
        ids = {email: person.id for email, person in people.items()}
    # A new version of each module, both requiring review; the quiz's first answer changes.
    plain = content_root / "modules" / PLAIN_MODULE
    edit(plain / "membres.fr.md", "Table", "Table régionale")
    edit(plain / "module.yml", 'version: "2.1"', 'version: "2.2"')
    quizzed = content_root / "modules" / QUIZ_MODULE
    edit(quizzed / "module.yml", 'version: "1.0"', 'version: "1.1"')
    edit(quizzed / "module.yml", "requires_review: false", "requires_review: true")
    edit(
        content_root / "quizzes" / f"{QUIZ_MODULE}.yml",
        '        correct: true\n      - id: b\n        text: {fr: "2007", en: "2007"}',
        '      - id: b\n        text: {fr: "2007", en: "2007"}\n        correct: true',
    )
    with app.app_context():
        load_content(content_root)
        db.session.commit()
    # Renewal: the certificate of "renewing" expires in 30 days.
    enter_renewal_window(app, clock)
    with app.app_context():
        read(get_person("renewing@example.org"), ref_of(QUIZ_MODULE), 1)
        db.session.commit()
    return ids


def test_progress_for_agrees_with_the_per_learner_rules(app: Flask, scenario: dict[str, int]) -> None:
    with app.app_context():
        day = clocks.today()
        refs = lookup.active_modules()
        infos = lookup.module_infos(refs)
        cells = batch.progress_for(scenario.values(), infos.values(), day)
        for email, person_id in scenario.items():
            starts = reference_starts(person_id, day)
            wrapped = progress.for_learner(person_id, refs)
            for ref in refs:
                state = cells[(person_id, ref.module.id)]
                expected = reference_state(person_id, ref, starts.get(ref.module.id))
                assert as_expected(state) == expected, (email, SCENARIO[email], ref.module.slug)
                assert state.cycle_start == starts.get(ref.module.id), email
                # The single-learner reads are wrappers over the same rules.
                item = wrapped[ref.module.id]
                assert (item.status, item.viewed_count, len(item.sections)) == (
                    state.status,
                    state.viewed_count,
                    state.section_count,
                ), email
                assert item.allowance == state.allowance, email
                quiz = lookup.quiz_of(ref.version)
                if quiz is not None:
                    assert quizzes.allowance(person_id, ref.module.id, quiz) == state.allowance, email


def test_the_scenario_states(app: Flask, scenario: dict[str, int]) -> None:
    """What each learner of the scenario sees, spelled out (module with a quiz, module without)."""
    with app.app_context():
        infos = lookup.module_infos(lookup.active_modules())
        cells = batch.progress_for(scenario.values(), infos.values(), clocks.today())
        quiz_id, plain_id = ref_of(QUIZ_MODULE).module.id, ref_of(PLAIN_MODULE).module.id

        def state(email: str, module_id: int) -> states.ModuleState:
            return cells[(scenario[email], module_id)]

    never = state("never@example.org", quiz_id)
    assert (never.status, never.viewed, never.allowance) == (Status.NOT_STARTED, (), states.Allowance(0, 3, False))
    reading = state("reading@example.org", quiz_id)
    assert (reading.status, reading.viewed, reading.best_score) == (Status.IN_PROGRESS, ("decembre-2002",), 0)
    assert reading.allowance == states.Allowance(1, 3, False) and reading.last_attempt_at is not None
    failed = state("failed@example.org", quiz_id)
    assert failed.status == Status.FAILED and failed.exhausted and failed.viewed_count == failed.section_count == 3
    granted = state("granted@example.org", quiz_id)
    assert granted.status == Status.IN_PROGRESS and granted.allowance == states.Allowance(3, 4, False)
    # Completed v1.0 in one attempt; v1.1 requires review and its quiz changed: to review, attempts left.
    done = state("done@example.org", quiz_id)
    assert done.status == Status.TO_REVIEW and done.to_review and done.allowance == states.Allowance(1, 3, False)
    assert done.earlier_completion is not None and done.earlier_completion.version == "1.0"
    assert done.earlier_completion.score == 100 and done.completion is None
    # Same, after three attempts in the cycle: no attempt left at the changed quiz, which shows first.
    locked = state("locked@example.org", quiz_id)
    assert locked.status == Status.FAILED and locked.to_review and locked.allowance == states.Allowance(3, 3, False)
    review = state("review@example.org", plain_id)
    assert review.status == Status.TO_REVIEW and review.allowance is None
    assert review.viewed == ("mandat",)  # "membres" changed in 2.2; the view of "mandat" carries over
    # In the renewal window everything counts again from the cycle start: one section read since.
    renewing = state("renewing@example.org", quiz_id)
    assert renewing.cycle_start is not None and renewing.completion is None and renewing.earlier_completion is None
    assert (renewing.status, renewing.viewed, renewing.allowance) == (
        Status.IN_PROGRESS,
        ("decembre-2002",),
        states.Allowance(0, 3, False),
    )
    assert renewing.best_score is None and renewing.last_attempt_at is None
    assert state("renewing@example.org", plain_id).status == Status.NOT_STARTED
    # Expired: the cycle started when the renewal window opened, long ago; the section read since counts.
    expired = state("expired@example.org", quiz_id)
    assert expired.cycle_start is not None and expired.cycle_start < NOW
    assert (expired.status, expired.viewed, expired.allowance) == (
        Status.IN_PROGRESS,
        ("decembre-2002",),
        states.Allowance(0, 3, False),
    )
    # Revoked: the cycle starts at the revocation; what was done before counts no more.
    for module_id in (quiz_id, plain_id):
        revoked = state("revoked@example.org", module_id)
        assert revoked.cycle_start == NOW + dt.timedelta(days=1)
        assert (revoked.status, revoked.viewed, revoked.completion) == (Status.NOT_STARTED, (), None)


def test_a_completion_of_the_current_version_keeps_its_version_score_and_date(app: Flask, team: None) -> None:
    with app.app_context():
        learner = get_person(LEARNER)
        ref = ref_of(QUIZ_MODULE)
        read(learner, ref)
        take_quiz(learner, ref, right=False)
        take_quiz(learner, ref, right=True)
        completion.evaluate(learner, ref)
        info = lookup.module_infos([ref])[ref.module.id]
        state = batch.progress_for([learner.id], [info], clocks.today())[(learner.id, ref.module.id)]
        today = clocks.today()
    assert state.status == Status.COMPLETED and state.all_viewed
    assert state.completion is not None and state.earlier_completion is None
    assert (state.completion.version, state.completion.score, state.completion.completed_on) == ("1.0", 100, today)
    assert state.best_score == 100 and state.allowance == states.Allowance(2, 3, True)


# -- plain values ----------------------------------------------------------------------------------------


def _leaves(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [leaf for item in dataclasses.fields(value) for leaf in _leaves(getattr(value, item.name))]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_batch_reads_return_plain_values(app: Flask, scenario: dict[str, int]) -> None:
    plain = (int, str, bool, dt.date, enum.Enum, type(None))  # dt.datetime is a dt.date
    with app.app_context():
        infos = lookup.module_infos(lookup.active_modules())
        cells = batch.progress_for(scenario.values(), infos.values(), clocks.today())
        detail = members.member_detail(SYSTEM, scenario["locked@example.org"], clocks.today())
    for value in [*cells.values(), *infos.values(), detail]:
        leaves = _leaves(value)
        assert all(isinstance(leaf, plain) for leaf in leaves), [leaf for leaf in leaves if not isinstance(leaf, plain)]
        json.dumps(dataclasses.asdict(value), default=str)  # ready for a JSON body or a CSV row


# -- the module page -------------------------------------------------------------------------------------


def test_module_page_reads_well_with_no_attempts_left(app: Flask, team: None) -> None:
    with app.app_context():
        learner, ref = get_person(LEARNER), ref_of(QUIZ_MODULE)
        read(learner, ref, 1)
        for _ in range(3):
            take_quiz(learner, ref, right=False)
        db.session.commit()
    client: FlaskClient = signed_in_client(app, LEARNER, PASSWORD)
    page = client.get(f"/modules/{QUIZ_MODULE}").get_data(as_text=True)
    assert 'class="badge badge-failed">Aucune tentative restante<' in page
    assert "Tentatives soumises\u00a0: 3 sur 3." in page
    assert "Il ne vous reste aucune tentative. Demandez-en une autre à votre pivot\u00a0:" in page
    assert 'Paul Pivot – <a href="mailto:pivot@example.org">pivot@example.org</a>' in page
    assert "Poursuivre la lecture" in page and 'href="/modules/mise-en-contexte/constats"' in page
    assert "Répondre au questionnaire" not in page
    # One more attempt granted: the quiz is open again and the status says where the learner stands.
    with app.app_context():
        grant(get_person(LEARNER), ref_of(QUIZ_MODULE))
        db.session.commit()
    page = client.get(f"/modules/{QUIZ_MODULE}").get_data(as_text=True)
    assert 'class="badge badge-in_progress">' in page and "Tentatives soumises\u00a0: 3 sur 4." in page
    assert "Répondre au questionnaire" in page


@pytest.mark.parametrize(
    ("email", "badge"), [("done@example.org", "badge-to_review"), ("locked@example.org", "badge-failed")]
)
def test_module_page_shows_the_change_note_of_a_version_to_review(
    app: Flask, scenario: dict[str, int], email: str, badge: str
) -> None:
    """Also when no attempt is left at the changed quiz: the status says so, the change note still shows."""
    page = signed_in_client(app, email, PASSWORD).get(f"/modules/{QUIZ_MODULE}").get_data(as_text=True)
    assert f'class="badge {badge}">' in page
    assert "Ce module a changé depuis que vous l’avez terminé\u00a0: relisez-le." in page
    assert "Première version." in page
