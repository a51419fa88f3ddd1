"""``check_content``: read and check a whole content tree, report every problem, build the tree when clean."""

from __future__ import annotations

from pathlib import Path

from elearning.content.fields import Reporter
from elearning.content.hashing import hash_files
from elearning.content.model import (
    CheckResult,
    ContentTree,
    Localized,
    ModuleSource,
    QuizSource,
    SectionSource,
    TrackSource,
)
from elearning.content.modules import ModuleDraft, SectionDraft, is_module_folder, read_module
from elearning.content.quizzes import read_quiz
from elearning.content.render import render_markdown
from elearning.content.tracks import read_tracks

_IGNORED_FILES = {"README.md"}


def check_content(root: Path, *, strict: bool = False) -> CheckResult:
    """Check the content under ``root`` (which holds ``modules/`` and ``quizzes/``).

    Every problem is reported, each at ``path:line``; with ``strict``, warnings are errors. The tree (modules by
    slug, tracks in file order, HTML rendered and sanitized, hashes computed) is built only when there is no
    error.
    """
    reporter = Reporter(strict=strict)
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        reporter.error("modules", 1, f"no modules/ folder in {root}")
        return CheckResult(tree=None, problems=reporter.sorted())
    module_folders = _module_folders(modules_dir, reporter)
    module_slugs = {folder.name for folder in module_folders if is_module_folder(folder)}
    drafts = [draft for folder in module_folders if (draft := read_module(folder, reporter)) is not None]
    quizzes = _read_quizzes(root / "quizzes", module_slugs=module_slugs, reporter=reporter)
    tracks_path = modules_dir / "tracks.yml"
    tracks: tuple[TrackSource, ...] | None = ()
    if tracks_path.is_file():
        tracks = read_tracks(tracks_path, module_slugs=module_slugs, reporter=reporter)
    if reporter.error_count or tracks is None:
        return CheckResult(tree=None, problems=reporter.sorted())
    modules = tuple(_build_module(draft, quizzes.get(draft.slug)) for draft in drafts)
    tree = ContentTree(modules=tuple(sorted(modules, key=lambda module: module.slug)), tracks=tracks)
    return CheckResult(tree=tree, problems=reporter.sorted())


def _module_folders(modules_dir: Path, reporter: Reporter) -> list[Path]:
    """The folders of ``modules/``, by name; stray files there are reported."""
    folders = []
    for path in sorted(modules_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            folders.append(path)
        elif path.name not in {"tracks.yml", *_IGNORED_FILES}:
            reporter.error(f"modules/{path.name}", 1, "unexpected file: modules/ holds module folders and tracks.yml")
    return folders


def _read_quizzes(folder: Path, *, module_slugs: set[str], reporter: Reporter) -> dict[str, tuple[QuizSource, bytes]]:
    """The quizzes of ``quizzes/`` by module, with their file's bytes (a missing folder means no quiz)."""
    quizzes: dict[str, tuple[QuizSource, bytes]] = {}
    if not folder.is_dir():
        return quizzes
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in _IGNORED_FILES:
            continue
        if path.is_dir() or path.suffix != ".yml":
            reporter.error(f"quizzes/{path.name}", 1, "unexpected file: quizzes/ holds one <module>.yml per quiz")
            continue
        data = path.read_bytes()
        quiz = read_quiz(path.name, data, module_slugs=module_slugs, reporter=reporter)
        if quiz is not None:
            quizzes[quiz.module] = (quiz, data)
    return quizzes


def _build_module(draft: ModuleDraft, quiz_file: tuple[QuizSource, bytes] | None) -> ModuleSource:
    """The module with its sections rendered and its hash over all its files (and its quiz file)."""
    section_slugs = [section.slug for section in draft.sections]
    image_names = [image.name for image in draft.images]
    sections = tuple(_build_section(draft.slug, section, section_slugs, image_names) for section in draft.sections)
    files = list(draft.files)
    quiz = None
    if quiz_file is not None:
        quiz, data = quiz_file
        files.append((f"quizzes/{quiz.module}.yml", data))
    return ModuleSource(
        slug=draft.slug,
        version=draft.version,
        title=draft.title,
        summary=draft.summary,
        minutes=draft.minutes,
        requires_review=draft.requires_review,
        change_note=draft.change_note,
        sections=sections,
        images=tuple(draft.images),
        quiz=quiz,
        content_hash=hash_files(files),
    )


def _build_section(
    module_slug: str, draft: SectionDraft, section_slugs: list[str], image_names: list[str]
) -> SectionSource:
    def render(text: str) -> str:
        return render_markdown(text, module_slug=module_slug, section_slugs=section_slugs, image_names=image_names)

    markdown = draft.markdown
    html = Localized(render(markdown.fr), render(markdown.en) if markdown.en is not None else None)
    return SectionSource(
        slug=draft.slug,
        position=draft.position,
        title=draft.title,
        markdown=markdown,
        html=html,
        content_hash=hash_files(draft.files),
    )
