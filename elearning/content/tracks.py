"""Reading ``modules/tracks.yml``: the tracks, their modules in order and the roles they are assigned to."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from elearning.content.fields import FileReader, Reporter
from elearning.content.model import TrackSource
from elearning.content.yaml_loader import Entry, Scalar
from elearning.roles import ORGANIZATION_ROLES

#: The roles a track can be assigned to (global roles such as admin take no training).
TRACK_ROLES = tuple(sorted(role.value for role in ORGANIZATION_ROLES))
_TRACK_KEYS = ("slug", "title", "modules", "assigned_to", "validity_months", "days_to_finish")
PATH = "modules/tracks.yml"


def read_tracks(path: Path, *, module_slugs: Collection[str], reporter: Reporter) -> tuple[TrackSource, ...] | None:
    """Check the tracks file, reporting every problem; the tracks in file order when it had no error."""
    errors_before = reporter.error_count
    reader = FileReader(PATH, reporter)
    mapping = reader.load(path.read_bytes())
    if mapping is None:
        return None
    reader.check_keys(mapping, line=1, required=("format", "tracks"))
    reader.format(mapping)
    entry = mapping.entries.get("tracks")
    sequence = reader.sequence(entry.value, what="tracks") if entry is not None else None
    if sequence is None:
        return None
    tracks: list[TrackSource] = []
    first_line: dict[str, int] = {}
    for number, item in enumerate(sequence.items, start=1):
        track = reader.mapping(item, what=f"track {number}")
        if track is None:
            continue
        entries = track.entries
        slug = reader.slug(entries.get("slug"), what=f"track {number}: slug")
        what = f"track '{slug}'" if slug else f"track {number}"
        reader.check_keys(track, line=track.line, required=_TRACK_KEYS, what=what)
        if slug is not None:
            line = entries["slug"].value.line
            if slug in first_line:
                reader.error(line, f"duplicate track slug '{slug}' (first at line {first_line[slug]})")
            first_line.setdefault(slug, line)
        title = reader.localized(entries.get("title"), what=f"{what}: title")
        modules = _names(reader, entries.get("modules"), what=f"{what}: modules", known=module_slugs, kind="module")
        roles = _names(reader, entries.get("assigned_to"), what=f"{what}: assigned_to", known=TRACK_ROLES, kind="role")
        validity = reader.integer(entries.get("validity_months"), what=f"{what}: validity_months", minimum=1)
        days = reader.integer(entries.get("days_to_finish"), what=f"{what}: days_to_finish", minimum=1)
        if modules is not None and not modules and entries.get("modules") is not None:
            reader.error(entries["modules"].key_line, f"{what}: a track needs at least one module")
        if slug is None or title is None or modules is None or roles is None or validity is None or days is None:
            continue
        tracks.append(TrackSource(slug, title, modules, roles, validity, days))
    if reporter.error_count > errors_before:
        return None
    return tuple(tracks)


def _names(
    reader: FileReader, entry: Entry | None, *, what: str, known: Collection[str], kind: str
) -> tuple[str, ...] | None:
    """A list of known names without repeats (modules or roles), each problem at its item's line."""
    if entry is None:
        return None
    sequence = reader.sequence(entry.value, what=what)
    if sequence is None:
        return None
    names: list[str] = []
    complete = True
    for item in sequence.items:
        if not (isinstance(item, Scalar) and isinstance(item.value, str)):
            reader.error(item.line, f"{what}: each item must be a {kind} name")
            complete = False
        elif item.value not in known:
            hint = f" (roles: {', '.join(known)})" if kind == "role" else ""
            reader.error(item.line, f"{what}: unknown {kind} '{item.value}'{hint}")
            complete = False
        elif item.value in names:
            reader.error(item.line, f"{what}: {kind} '{item.value}' is listed twice")
            complete = False
        else:
            names.append(item.value)
    return tuple(names) if complete else None
