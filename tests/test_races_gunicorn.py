"""Exactly-once writes under real load: two gunicorn workers, 20 identical requests released at once.

The server is the one the browser tests use (:func:`tests.browser.live.start_live_server`: a fresh database
prepared with ``elearning db upgrade``, ``content sync`` and ``demo``, the project's real content), served by
two gunicorn worker processes of four threads each, every thread with its own database connection; no
browser. (With sync workers only two requests are in flight at once and today's quiz-submission race showed
in about 5 runs of 8; with four threads each, every scenario failed in every run.) Rate limits are off so
that 20 submissions in a second are not refused as a script's would be.

Each scenario signs one learner in through the form, prepares them with ordinary requests, then sends 20
copies of the same request, each on its own HTTP connection, all threads meeting at a barrier just before
sending (:meth:`tests.races.Visitor.burst`). Every reply must be a success and the database, read directly
afterwards, must hold one graded attempt, one completion, one certificate and their audit events:

1. the same quiz submission (worker.spvq, who starts with nothing done);
2. the last section view of the core track, which completes a module and issues the certificate;
3. the last passing quiz submission of the core track, which does the same.

On SQLite a deferred transaction that read before another request committed cannot write
(SQLITE_BUSY_SNAPSHOT, "database is locked", which the busy timeout does not cover): before write
transactions began with BEGIN IMMEDIATE (:mod:`elearning.services.transactions`), 6 to 16 of the 20 replies
were 500s in every scenario. The same scenarios run on PostgreSQL when ``TEST_DATABASE_URL`` names one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from elearning import create_app
from elearning.content import check_content
from elearning.demo.data import DEMO_PASSWORD
from elearning.extensions import db
from tests.browser.live import LiveServer, start_live_server
from tests.conftest import PROJECT_ROOT, DatabaseFactory, settings
from tests.races import Reply, Visitor, error_lines, statuses

pytestmark = pytest.mark.xdist_group("gunicorn")

REQUESTS = 20
TRACK = "formation-de-base"
SUBMITTER = "worker.spvq@example.org"  # the demo account that starts with nothing done
READER = "racer.reader@example.org"  # scenario 2: the last section view
PASSER = "racer.passer@example.org"  # scenario 3: the last quiz pass


@dataclass(frozen=True)
class Track:
    modules: tuple[str, ...]
    sections: dict[str, tuple[str, ...]]

    def section_paths(self) -> list[str]:
        return [f"/modules/{module}/{section}" for module in self.modules for section in self.sections[module]]


def core_track() -> Track:
    """The core track's modules and their sections, read from the project's content files."""
    tree = check_content(PROJECT_ROOT).tree
    assert tree is not None, "the project's content has errors: elearning content check"
    track = next(track for track in tree.tracks if track.slug == TRACK)
    sections = {}
    for slug in track.modules:
        module = tree.module(slug)
        assert module is not None and module.quiz is not None, slug
        sections[slug] = tuple(section.slug for section in module.sections)
    return Track(track.modules, sections)


@dataclass
class Site:
    server: LiveServer
    database_url: str
    track: Track

    def visitor(self, email: str) -> Visitor:
        visitor = Visitor(self.server.base_url)
        visitor.sign_in(email, DEMO_PASSWORD)
        return visitor

    def count(self, query: str, **params: object) -> int:
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(sa.text(query), params).scalar_one())
        finally:
            engine.dispose()

    def log_size(self) -> int:
        return self.server.log_path.stat().st_size

    def burst(self, visitor: Visitor, method: str, path: str, form: list[tuple[str, str]] | None = None) -> list[Reply]:
        """The burst, and on any server error the log lines that explain it (in the assertion message)."""
        start = self.log_size()
        replies = visitor.burst(method, path, form, count=REQUESTS)
        failed = {status: n for status, n in statuses(replies).items() if status >= 500}
        with self.server.log_path.open("rb") as log:
            log.seek(start)
            lines = error_lines(log.read().decode("utf-8", errors="replace"))
        assert not failed, f"{method} {path} x{REQUESTS}: {dict(statuses(replies))}; server log:\n" + "\n".join(lines)
        return replies

    # -- what the database holds, per person --------------------------------------------------------------

    def submitted_attempts(self, email: str, module: str) -> int:
        return self.count(
            "SELECT count(*) FROM quiz_attempts a JOIN people p ON p.id = a.person_id "
            "JOIN modules m ON m.id = a.module_id "
            "WHERE p.email = :email AND m.slug = :module AND a.submitted_at IS NOT NULL",
            email=email,
            module=module,
        )

    def completions(self, email: str, module: str | None = None) -> int:
        query = (
            "SELECT count(*) FROM completions c JOIN people p ON p.id = c.person_id "
            "JOIN module_versions v ON v.id = c.module_version_id JOIN modules m ON m.id = v.module_id "
            "WHERE p.email = :email"
        )
        if module is None:
            return self.count(query, email=email)
        return self.count(query + " AND m.slug = :module", email=email, module=module)

    def certificates(self, email: str) -> int:
        return self.count(
            "SELECT count(*) FROM certificates c JOIN people p ON p.id = c.person_id "
            "JOIN tracks t ON t.id = c.track_id WHERE p.email = :email AND t.slug = :track",
            email=email,
            track=TRACK,
        )

    def events(self, email: str, action: str) -> int:
        return self.count(
            "SELECT count(*) FROM audit_events e JOIN people p ON p.id = e.subject_person_id "
            "WHERE p.email = :email AND e.action = :action",
            email=email,
            action=action,
        )

    def section_views(self, email: str, module: str, section: str) -> int:
        return self.count(
            "SELECT count(*) FROM section_views s JOIN people p ON p.id = s.person_id "
            "JOIN modules m ON m.id = s.module_id "
            "WHERE p.email = :email AND m.slug = :module AND s.section_slug = :section",
            email=email,
            module=module,
            section=section,
        )


def create_learners(database_url: str, instance: Path, emails: list[str]) -> None:
    """New workers at SPVQ with the demo password, by ``elearning users create`` (run in this process: a
    new ``elearning`` process costs seconds of start-up)."""
    app = create_app(settings(database_url, INSTANCE_PATH=str(instance)))
    runner = app.test_cli_runner()
    try:
        for email in emails:
            name = email.split("@")[0]
            args = ["users", "create", "--email", email, "--name", name, "--org", "SPVQ", "--role", "worker"]
            result = runner.invoke(args=args, input=f"{DEMO_PASSWORD}\n{DEMO_PASSWORD}\n")
            assert result.exit_code == 0, result.output
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite"),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ],
)
def site(
    request: pytest.FixtureRequest, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """One server per database kind for the three scenarios, each scenario with its own learner."""
    folder = tmp_path_factory.mktemp(f"races-{request.param}")
    # SQLite in a file of its own even when TEST_DATABASE_URL names PostgreSQL (the race is SQLite's).
    sqlite = request.param == "sqlite"
    database_url = f"sqlite:///{folder / 'races.sqlite'}" if sqlite else databases.create("races")
    server = start_live_server(
        database_url, folder / "server", workers=2, threads=4, settings={"RATELIMIT_ENABLED": "false"}
    )
    try:
        create_learners(database_url, folder / "cli", [READER, PASSER])
        yield Site(server, database_url, core_track())
    finally:
        server.stop()


def test_one_graded_attempt_for_20_simultaneous_submissions(site: Site) -> None:
    module = site.track.modules[0]
    learner = site.visitor(SUBMITTER)
    form = learner.quiz_form(module)
    assert site.submitted_attempts(SUBMITTER, module) == 0

    replies = site.burst(learner, "POST", form.action, learner.right_answers(module, form))

    result = f"/modules/{module}/quiz/attempts/{form.attempt}"
    assert statuses(replies) == {302: REQUESTS}
    assert {reply.location for reply in replies} == {result}
    assert site.submitted_attempts(SUBMITTER, module) == 1
    assert site.events(SUBMITTER, "quiz.attempt_submitted") == 1


def test_one_completion_and_one_certificate_for_20_simultaneous_last_section_views(site: Site) -> None:
    learner = site.visitor(READER)
    *read_first, last = site.track.section_paths()
    for path in read_first:
        learner.get(path)
    for module in site.track.modules:
        learner.pass_quiz(module)
    last_module, last_section = last.split("/")[2:4]
    assert site.completions(READER) == len(site.track.modules) - 1
    assert site.completions(READER, last_module) == 0 and site.certificates(READER) == 0

    replies = site.burst(learner, "GET", last)

    assert statuses(replies) == {200: REQUESTS}
    assert site.section_views(READER, last_module, last_section) == 1
    assert site.completions(READER, last_module) == 1
    assert site.completions(READER) == len(site.track.modules)
    assert site.certificates(READER) == 1
    assert site.events(READER, "certificate.issued") == 1


def test_one_completion_and_one_certificate_for_20_simultaneous_last_passes(site: Site) -> None:
    learner = site.visitor(PASSER)
    for path in site.track.section_paths():
        learner.get(path)
    *passed_first, last_module = site.track.modules
    for module in passed_first:
        learner.pass_quiz(module)
    form = learner.quiz_form(last_module)
    assert site.completions(PASSER) == len(passed_first)
    assert site.completions(PASSER, last_module) == 0 and site.certificates(PASSER) == 0

    replies = site.burst(learner, "POST", form.action, learner.right_answers(last_module, form))

    assert statuses(replies) == {302: REQUESTS}
    assert {reply.location for reply in replies} == {f"/modules/{last_module}/quiz/attempts/{form.attempt}"}
    assert site.submitted_attempts(PASSER, last_module) == 1
    assert site.events(PASSER, "quiz.attempt_submitted") == len(site.track.modules)
    assert site.completions(PASSER, last_module) == 1
    assert site.certificates(PASSER) == 1
    assert site.events(PASSER, "certificate.issued") == 1
