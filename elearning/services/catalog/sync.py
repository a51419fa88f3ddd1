"""Load a checked content tree into the database, all or nothing, idempotently.

A module whose files' hash changed gets a new :class:`ModuleVersion` (its ``version`` label must change too);
earlier versions stay. A module missing from the files is retired; tracks are updated in place (their history
lives in the certificates that snapshot them). A second run over the same files writes nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from elearning import clock, permissions
from elearning.content import ContentTree, ModuleSource, TrackSource
from elearning.content.hashing import hash_bytes
from elearning.extensions import db
from elearning.models import (
    Choice,
    ContentRevision,
    Module,
    ModuleImage,
    ModuleVersion,
    Question,
    Quiz,
    Section,
    Track,
    TrackModule,
)
from elearning.permissions import Viewer
from elearning.services.access import require
from elearning.services.audit import record
from elearning.services.catalog import cache
from elearning.services.errors import ServiceError


class SyncRefused(ServiceError):
    """The files contradict what is loaded (e.g. changed files under an unchanged version label)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SyncLine:
    kind: str  # "module" | "track"
    slug: str
    change: str  # "new" | "changed" | "unchanged" | "retired" | "restored"
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.slug}: {self.change}{' (' + self.detail + ')' if self.detail else ''}"


@dataclass
class SyncReport:
    lines: list[SyncLine] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(line.change != "unchanged" for line in self.lines)

    def count(self, change: str, kind: str = "module") -> int:
        return sum(1 for line in self.lines if line.change == change and line.kind == kind)


def latest_versions(module_ids: list[int] | None = None) -> dict[int, ModuleVersion]:
    """The newest version of each module (one query)."""
    newest = sa.select(sa.func.max(ModuleVersion.id)).group_by(ModuleVersion.module_id)
    query = sa.select(ModuleVersion).where(ModuleVersion.id.in_(newest))
    if module_ids is not None:
        query = query.where(ModuleVersion.module_id.in_(module_ids))
    return {version.module_id: version for version in db.session.scalars(query)}


def _version_line(root: Path, slug: str) -> int:
    path = root / "modules" / slug / "module.yml"
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^version\s*:", line):
                return number
    except OSError:
        pass
    return 1


def _check_versions(
    root: Path, tree: ContentTree, modules: dict[str, Module], latest: dict[int, ModuleVersion]
) -> None:
    used = {tuple(row) for row in db.session.execute(sa.select(ModuleVersion.module_id, ModuleVersion.version))}
    problems = []
    for source in tree.modules:
        module = modules.get(source.slug)
        current = latest.get(module.id) if module else None
        if module is None or current is None or current.content_hash == source.content_hash:
            continue
        where = f"modules/{source.slug}/module.yml:{_version_line(root, source.slug)}"
        if source.version == current.version:
            problems.append(
                f"{where}: the module's files changed but its version {source.version!r} did not; change it"
            )
        elif (module.id, source.version) in used:
            problems.append(
                f"{where}: version {source.version!r} was already used by an earlier version; pick a new one"
            )
    if problems:
        raise SyncRefused(problems)


def _add_version(module: Module, source: ModuleSource) -> ModuleVersion:
    version = ModuleVersion(
        module_id=module.id,
        version=source.version,
        content_hash=source.content_hash,
        title_fr=source.title.fr,
        title_en=source.title.en,
        summary_fr=source.summary.fr,
        summary_en=source.summary.en,
        minutes=source.minutes,
        requires_review=source.requires_review,
        change_note_fr=source.change_note.fr if source.change_note else None,
        change_note_en=source.change_note.en if source.change_note else None,
        created_at=clock.now(),
    )
    db.session.add(version)
    db.session.flush()
    for section in source.sections:
        db.session.add(
            Section(
                module_version_id=version.id,
                slug=section.slug,
                position=section.position,
                title_fr=section.title.fr,
                title_en=section.title.en,
                html_fr=section.html.fr,
                html_en=section.html.en,
                content_hash=section.content_hash,
            )
        )
    for image in source.images:
        db.session.add(
            ModuleImage(
                module_version_id=version.id,
                name=image.name,
                content_type=image.content_type,
                content_hash=hash_bytes(image.data),
                data=image.data,
            )
        )
    if source.quiz is not None:
        _add_quiz(version, source)
    return version


def _add_quiz(version: ModuleVersion, source: ModuleSource) -> None:
    quiz_source = source.quiz
    assert quiz_source is not None
    quiz = Quiz(
        module_version_id=version.id,
        pass_mark=quiz_source.pass_mark,
        attempt_limit=quiz_source.attempts,
        shuffle_questions=quiz_source.shuffle_questions,
        shuffle_choices=quiz_source.shuffle_choices,
        reveal=quiz_source.reveal,
        content_hash=quiz_source.content_hash,
    )
    db.session.add(quiz)
    db.session.flush()
    for position, question_source in enumerate(quiz_source.questions, 1):
        question = Question(
            quiz_id=quiz.id,
            key=question_source.id,
            position=position,
            kind=question_source.type,
            prompt_fr=question_source.prompt_html.fr,
            prompt_en=question_source.prompt_html.en,
            hint_fr=question_source.hint_html.fr,
            hint_en=question_source.hint_html.en,
            explanation_fr=question_source.explanation_html.fr,
            explanation_en=question_source.explanation_html.en,
            answer=question_source.answer,
        )
        db.session.add(question)
        db.session.flush()
        for choice_position, choice in enumerate(question_source.choices, 1):
            db.session.add(
                Choice(
                    question_id=question.id,
                    key=choice.id,
                    position=choice_position,
                    text_fr=choice.text_html.fr,
                    text_en=choice.text_html.en,
                    correct=choice.correct,
                )
            )


def _sync_track(source: TrackSource, track: Track | None, module_ids: dict[str, int]) -> str:
    values = {
        "title_fr": source.title.fr,
        "title_en": source.title.en,
        "assigned_to": ",".join(source.assigned_to),
        "validity_months": source.validity_months,
        "days_to_finish": source.days_to_finish,
    }
    wanted = [module_ids[slug] for slug in source.modules]
    if track is None:
        track = Track(slug=source.slug, updated_at=clock.now(), **values)
        db.session.add(track)
        db.session.flush()
        change = "new"
    else:
        current = list(
            db.session.scalars(
                sa.select(TrackModule.module_id).where(TrackModule.track_id == track.id).order_by(TrackModule.position)
            )
        )
        same = all(getattr(track, key) == value for key, value in values.items()) and current == wanted
        if same and track.retired_at is None:
            return "unchanged"
        change = "restored" if track.retired_at is not None else "changed"
        for key, value in values.items():
            setattr(track, key, value)
        track.retired_at = None
        track.updated_at = clock.now()
        db.session.execute(sa.delete(TrackModule).where(TrackModule.track_id == track.id))
    for position, module_id in enumerate(wanted, 1):
        db.session.add(TrackModule(track_id=track.id, module_id=module_id, position=position))
    return change


def sync_content(actor: Viewer, root: Path, tree: ContentTree) -> SyncReport:
    """Bring the database in line with ``tree`` (the Table owns the content; the command line acts as it);
    raise :class:`SyncRefused` before writing anything when the files contradict what is loaded. The caller
    commits."""
    require(permissions.can_govern(actor))
    report = SyncReport()
    modules = {module.slug: module for module in db.session.scalars(sa.select(Module))}
    latest = latest_versions()
    _check_versions(root, tree, modules, latest)
    now = clock.now()

    for source in tree.modules:
        module = modules.get(source.slug)
        if module is None:
            module = Module(slug=source.slug, created_at=now)
            db.session.add(module)
            db.session.flush()
            modules[source.slug] = module
            _add_version(module, source)
            report.lines.append(SyncLine("module", source.slug, "new", f"version {source.version}"))
            continue
        current = latest.get(module.id)
        restored = module.retired_at is not None
        module.retired_at = None
        if current is not None and current.content_hash == source.content_hash:
            change = "restored" if restored else "unchanged"
            report.lines.append(SyncLine("module", source.slug, change, f"version {current.version}"))
            continue
        _add_version(module, source)
        detail = f"version {current.version} → {source.version}" if current else f"version {source.version}"
        report.lines.append(SyncLine("module", source.slug, "restored" if restored else "changed", detail))

    present = {source.slug for source in tree.modules}
    for slug, module in sorted(modules.items()):
        if slug not in present and module.retired_at is None:
            module.retired_at = now
            report.lines.append(SyncLine("module", slug, "retired"))

    tracks = {track.slug: track for track in db.session.scalars(sa.select(Track))}
    module_ids = {slug: module.id for slug, module in modules.items()}
    for track_source in tree.tracks:
        change = _sync_track(track_source, tracks.get(track_source.slug), module_ids)
        report.lines.append(SyncLine("track", track_source.slug, change))
    wanted_tracks = {source.slug for source in tree.tracks}
    for slug, track in sorted(tracks.items()):
        if slug not in wanted_tracks and track.retired_at is None:
            track.retired_at = now
            report.lines.append(SyncLine("track", slug, "retired"))

    if report.changed:
        db.session.add(ContentRevision(token=secrets.token_hex(16), synced_at=now))
        db.session.flush()
        cache.forget_in_session()  # this unit of work reads the new content from here on
        record(
            "content.synced",
            actor=actor,
            details={
                change: report.count(change)
                for change in ("new", "changed", "retired", "restored")
                if report.count(change)
            }
            | {
                "tracks_changed": sum(1 for line in report.lines if line.kind == "track" and line.change != "unchanged")
            },
        )
    return report
