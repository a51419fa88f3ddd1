"""Reading one module folder: ``module.yml``, its section files and its images (format in modules/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from elearning.content.fields import LANGUAGES, FileReader, Reporter, is_slug
from elearning.content.model import ImageSource, Localized
from elearning.content.sections import check_section_text
from elearning.content.yaml_loader import Entry

#: Section slugs that would clash with the reader's own URLs under /modules/<module>/.
RESERVED_SECTION_SLUGS = frozenset({"quiz", "attempts", "questions", "images"})
#: Supported image types, by file extension.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_IMAGE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SVG_ACTIVE_RE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:|<foreignobject", re.IGNORECASE)
_MODULE_KEYS = ("format", "version", "title", "summary", "minutes", "requires_review", "sections")
_SECTION_KEYS = ("slug", "title")


@dataclass(frozen=True)
class SectionDraft:
    """A section as read: texts and file bytes, not yet rendered."""

    slug: str
    position: int
    title: Localized
    markdown: Localized
    files: tuple[tuple[str, bytes | None], ...]  # (file name, bytes) per language; None when missing


@dataclass
class ModuleDraft:
    """A module as read, before its quiz is attached and its HTML and hashes are computed."""

    slug: str
    version: str
    title: Localized
    summary: Localized
    minutes: int
    requires_review: bool
    change_note: Localized | None
    sections: list[SectionDraft]
    images: list[ImageSource]
    files: list[tuple[str, bytes]] = field(default_factory=list)  # root-relative path and bytes, for the hash


def is_module_folder(folder: Path) -> bool:
    """A folder that names a module: a valid slug holding module.yml (whether or not the module is valid)."""
    return is_slug(folder.name) and (folder / "module.yml").is_file()


def read_module(folder: Path, reporter: Reporter) -> ModuleDraft | None:
    """Check one module folder, reporting every problem; the draft when the module itself had no error."""
    base = f"modules/{folder.name}"
    errors_before = reporter.error_count
    if not is_slug(folder.name):
        reporter.error(
            base, 1, f"module folder name '{folder.name}' is not a valid slug (lower-case letters, digits and hyphens)"
        )
    images, image_names = _read_images(folder / "images", base=base, reporter=reporter)
    yml_path = folder / "module.yml"
    if not yml_path.is_file():
        reporter.error(f"{base}/module.yml", 1, "missing module.yml: every module folder needs one")
        return None
    yml_bytes = yml_path.read_bytes()
    reader = FileReader(f"{base}/module.yml", reporter)
    mapping = reader.load(yml_bytes)
    if mapping is None:
        return None
    reader.check_keys(mapping, line=1, required=_MODULE_KEYS, optional=("change_note",))
    reader.format(mapping)
    entries = mapping.entries
    version = reader.required_text(entries.get("version"), what="version")
    title = reader.localized(entries.get("title"), what="title")
    summary = reader.localized(entries.get("summary"), what="summary")
    minutes = reader.integer(entries.get("minutes"), what="minutes", minimum=1)
    requires_review = reader.boolean(entries.get("requires_review"), what="requires_review")
    change_note = reader.localized(entries.get("change_note"), what="change_note")
    listed = _read_section_list(reader, mapping.entries.get("sections"))
    sections = _read_section_files(folder, base=base, listed=listed, image_names=image_names, reporter=reporter)
    _check_other_files(folder, base=base, reporter=reporter)
    if (
        reporter.error_count > errors_before
        or version is None
        or title is None
        or summary is None
        or minutes is None
        or requires_review is None
        or sections is None
    ):
        return None
    files = [(f"{base}/module.yml", yml_bytes)]
    files += [(f"{base}/{name}", data) for section in sections for name, data in section.files if data is not None]
    files += [(f"{base}/images/{image.name}", image.data) for image in images]
    return ModuleDraft(
        slug=folder.name,
        version=version,
        title=title,
        summary=summary,
        minutes=minutes,
        requires_review=requires_review,
        change_note=change_note,
        sections=sections,
        images=images,
        files=files,
    )


@dataclass(frozen=True)
class _Listed:
    slug: str
    title: Localized | None
    line: int


def _read_section_list(reader: FileReader, entry: Entry | None) -> list[_Listed] | None:
    """The sections listed in module.yml, in order (those with a usable slug); None when the list is unusable."""
    if entry is None:
        return None
    sequence = reader.sequence(entry.value, what="sections")
    if sequence is None:
        return None
    if not sequence.items:
        reader.error(entry.key_line, "sections: a module needs at least one section")
    listed: list[_Listed] = []
    first_line: dict[str, int] = {}
    for number, item in enumerate(sequence.items, start=1):
        what = f"section {number}"
        section = reader.mapping(item, what=what)
        if section is None:
            continue
        reader.check_keys(section, line=item.line, required=_SECTION_KEYS, what=what)
        slug = reader.slug(section.entries.get("slug"), what=f"{what}: slug")
        title = reader.localized(section.entries.get("title"), what=f"{what}: title")
        if slug is None:
            continue
        line = section.entries["slug"].value.line
        if slug in RESERVED_SECTION_SLUGS:
            reserved = ", ".join(sorted(RESERVED_SECTION_SLUGS))
            reader.error(line, f"section slug '{slug}' is reserved ({reserved} are the reader's own pages)")
            continue
        if slug in first_line:
            reader.error(line, f"duplicate section slug '{slug}' (first at line {first_line[slug]})")
            continue
        first_line[slug] = line
        listed.append(_Listed(slug, title, line))
    return listed


def _read_section_files(
    folder: Path, *, base: str, listed: list[_Listed] | None, image_names: set[str], reporter: Reporter
) -> list[SectionDraft] | None:
    """Read and check each listed section's files; report unlisted section files. None when unusable."""
    if listed is None:
        return None
    section_slugs = {section.slug for section in listed}
    drafts: list[SectionDraft] = []
    complete = True
    for position, section in enumerate(listed, start=1):
        texts: dict[str, str | None] = {}
        files: list[tuple[str, bytes | None]] = []
        for language in LANGUAGES:
            name = f"{section.slug}.{language}.md"
            data = (folder / name).read_bytes() if (folder / name).is_file() else None
            files.append((name, data))
            texts[language] = _section_text(
                data, name=name, base=base, language=language, line=section.line, reporter=reporter
            )
            if texts[language] is not None:
                check_section_text(
                    texts[language] or "",
                    path=f"{base}/{name}",
                    section_slugs=section_slugs,
                    image_names=image_names,
                    reporter=reporter,
                )
        french = texts["fr"]
        if french is None or section.title is None:
            complete = False
            continue
        markdown = Localized(french, texts["en"])
        drafts.append(SectionDraft(section.slug, position, section.title, markdown, tuple(files)))
    expected = {f"{slug}.{language}.md" for slug in section_slugs for language in LANGUAGES}
    for path in sorted(folder.glob("*.md")):
        if path.name.startswith(".") or path.name in expected:
            continue
        slug, _, language = path.name.removesuffix(".md").rpartition(".")
        if is_slug(slug) and language in LANGUAGES:
            reporter.error(f"{base}/{path.name}", 1, f"section file not listed in module.yml: add '{slug}' to sections")
        else:
            reporter.error(
                f"{base}/{path.name}",
                1,
                "unexpected Markdown file: section files are <section>.fr.md and <section>.en.md",
            )
    return drafts if complete else None


def _section_text(
    data: bytes | None, *, name: str, base: str, language: str, line: int, reporter: Reporter
) -> str | None:
    """A section file's text; a missing or empty French file is an error, an English one a warning."""
    report = reporter.error if language == "fr" else reporter.warning
    label = "French" if language == "fr" else "English"
    if data is None:
        report(f"{base}/module.yml", line, f"section '{name.split('.')[0]}': {label} text missing (no file {name})")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reporter.error(f"{base}/{name}", data[: error.start].count(b"\n") + 1, "not UTF-8 text")
        return None
    if not text.strip():
        report(f"{base}/{name}", 1, f"{label} text missing: the file is empty")
        return None
    return text


def _read_images(folder: Path, *, base: str, reporter: Reporter) -> tuple[list[ImageSource], set[str]]:
    """The supported images of ``images/``, by name, and the names of all its files (for link checks)."""
    images: list[ImageSource] = []
    names: set[str] = set()
    if not folder.exists():
        return images, names
    if not folder.is_dir():
        reporter.error(f"{base}/images", 1, "images must be a folder")
        return images, names
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        where = f"{base}/images/{path.name}"
        if path.is_dir():
            reporter.error(where, 1, "unexpected folder: images/ holds image files only")
            continue
        names.add(path.name)
        content_type = IMAGE_TYPES.get(path.suffix.lower())
        if content_type is None:
            reporter.error(where, 1, f"unsupported image type '{path.suffix}' (use PNG, JPEG, GIF, WebP or SVG)")
            continue
        if not _IMAGE_NAME_RE.fullmatch(path.name):
            reporter.error(where, 1, "image file names use letters, digits, dots, hyphens and underscores only")
            continue
        data = path.read_bytes()
        if content_type == "image/svg+xml" and _SVG_ACTIVE_RE.search(data):
            reporter.error(where, 1, "SVG image holds a script, an event handler or a javascript: link")
            continue
        images.append(ImageSource(path.name, content_type, data))
    return images, names


def _check_other_files(folder: Path, *, base: str, reporter: Reporter) -> None:
    """Report files and folders a module folder should not hold (section files are checked on their own)."""
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in {"module.yml", "images"} or path.suffix == ".md":
            continue
        kind = "folder" if path.is_dir() else "file"
        reporter.error(
            f"{base}/{path.name}", 1, f"unexpected {kind}: a module folder holds module.yml, section files and images/"
        )
