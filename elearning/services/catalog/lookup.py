"""The content the platform serves, as synced: active modules with their current version, images, quizzes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning.extensions import db
from elearning.models import Module, ModuleImage, ModuleVersion, Question, Quiz
from elearning.services.catalog.sync import latest_versions
from elearning.services.errors import NotFound


@dataclass(frozen=True)
class ModuleRef:
    module: Module
    version: ModuleVersion


def active_modules() -> list[ModuleRef]:
    """Modules that are not retired, each with its current version, by title (two queries)."""
    modules = list(db.session.scalars(sa.select(Module).where(Module.retired_at.is_(None))))
    latest = latest_versions([module.id for module in modules])
    refs = [ModuleRef(module, latest[module.id]) for module in modules if module.id in latest]
    return sorted(refs, key=lambda ref: (ref.version.title_fr.casefold(), ref.module.slug))


def find_module(slug: str) -> ModuleRef:
    """The module and its current version; :class:`NotFound` for an unknown or retired slug."""
    module = db.session.scalar(sa.select(Module).where(Module.slug == slug, Module.retired_at.is_(None)))
    version = latest_versions([module.id]).get(module.id) if module is not None else None
    if module is None or version is None:
        raise NotFound(_l("This module does not exist."))
    return ModuleRef(module, version)


def find_image(ref: ModuleRef, name: str) -> ModuleImage:
    image = db.session.scalar(
        sa.select(ModuleImage).where(ModuleImage.module_version_id == ref.version.id, ModuleImage.name == name)
    )
    if image is None:
        raise NotFound(_l("This image does not exist."))
    return image


def quiz_of(version: ModuleVersion) -> Quiz | None:
    return db.session.scalar(sa.select(Quiz).where(Quiz.module_version_id == version.id))


def question_count(quiz: Quiz) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.quiz_id == quiz.id)) or 0
