"""Bulk import of accounts from a CSV file (``/admin/users/import``, ``elearning users import FILE [--apply]``).

The file: a header ``email;full_name;organization;roles;team;language`` (the columns in any order, each once;
the separator, ``;`` or ``,``, detected from the header), then one account per row. UTF-8, with or without a
byte order mark; a file in another encoding is refused with a message naming it (Windows-1252, what older
spreadsheet software writes, is recognized and named: it is refused rather than guessed, so that no name is
ever imported with a wrong letter). ``roles`` holds ``worker``, ``pivot`` and ``coordinator`` separated by ``|``
(the Table's and Admin's roles are granted one by one, never in bulk); ``team`` is the name of an existing team of
the organization, or empty; ``language`` is ``fr``, ``en`` or empty (French for a new account, unchanged
otherwise).

A **preview** (:func:`preview`) reads the whole file and writes nothing: every row is *create*, *update*,
*unchanged* or *error*, with its line number (the file's, header included) and reason. **Applying**
(:func:`apply`) reads it again the same way and lands every valid row in the current unit of work: the caller
commits once, so either all of them land or, on any failure, none. An error in the file itself (its size, its
number of rows, its encoding, its header) is :class:`ImportFileError`: nothing is previewed or applied.

An update sets the name and the language and *adds* what the row names (roles, the team): an import never
removes a role or a membership. A person who belongs to another organization is an error ("use Move"). Hence a
second import of the same file finds every row unchanged and changes nothing.

Limits, checked before the file is read whole: at most :data:`MAX_BYTES` bytes (the caller checks the size it
knows first; :func:`read_limited` stops reading one byte past it) and :data:`MAX_ROWS` rows (the parser stops at
the first row over it).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import IO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Organization, Person, Team, TeamMembership
from elearning.permissions import Viewer
from elearning.roles import LANGUAGES, Role, TeamRole
from elearning.services import history
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.errors import Invalid, ServiceError
from elearning.services.people import accounts, password_resets, teams

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = ("email", "full_name", "organization", "roles", "team", "language")
#: The roles an import may give.
IMPORTABLE_ROLES = (Role.WORKER, Role.PIVOT, Role.COORDINATOR)
MAX_FIELD = 300

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ERROR = "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)


class ImportFileError(ServiceError):
    """The file cannot be imported at all (size, rows, encoding, header, separator): nothing happens."""


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of the file as the preview sees it."""

    line: int
    email: str
    full_name: str
    organization: str
    roles: tuple[str, ...]
    team: str
    language: str
    action: str
    #: Why the row is an error, or what an update changes.
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class Preview:
    rows: tuple[Row, ...]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTIONS}

    @property
    def errors(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.action == ERROR)


@dataclasses.dataclass(frozen=True)
class Applied:
    preview: Preview
    #: The accounts created, by e-mail (for the password-set links).
    created: tuple[str, ...]
    links_sent: int


# -- reading the file ----------------------------------------------------------------------------------


def read_limited(stream: IO[bytes]) -> bytes:
    """The stream's bytes, at most :data:`MAX_BYTES`: :class:`ImportFileError` as soon as there is one more
    (the rest is never read)."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(too_big())
    return data


def too_big() -> str:
    return str(_l("The file is larger than %(mb)d MB: split it into smaller files.", mb=MAX_BYTES // (1024 * 1024)))


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        raise ImportFileError(
            _l("The file is encoded in UTF-16. Save it as “CSV UTF-8” and import it again."), field="file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                _l(
                    "The file is not UTF-8 text (line %(line)d). Save it as “CSV UTF-8” and import it again.",
                    line=line,
                ),
                field="file",
            ) from None
        raise ImportFileError(
            _l(
                "The file is encoded in Windows-1252 (line %(line)d has a character UTF-8 does not allow), as "
                "older spreadsheet software saves it. Save it as “CSV UTF-8” and import it again.",
                line=line,
            ),
            field="file",
        ) from None


def _separator(header_line: str) -> str:
    if ";" in header_line:
        return ";"
    if "," in header_line:
        return ","
    raise ImportFileError(
        _l("The first line must be the header %(header)s, separated by ; or ,.", header=";".join(COLUMNS)),
        field="file",
    )


def _records(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, values by column) for each non-empty row, after the header; :class:`ImportFileError` for a file
    that cannot be read as the import's CSV."""
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_l("The file is not a text file (it holds NUL bytes)."), field="file")
    text = _decode(data)
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise ImportFileError(
            _l("The first line must be the header %(header)s, separated by ; or ,.", header=";".join(COLUMNS)),
            field="file",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [name for name in COLUMNS if name not in header]
        unknown = [name for name in header if name not in COLUMNS]
        if missing or unknown or len(set(header)) != len(header):
            raise ImportFileError(
                _l(
                    "The header must name the columns %(header)s, each once (missing: %(missing)s; unknown: "
                    "%(unknown)s).",
                    header=";".join(COLUMNS),
                    missing=", ".join(missing) or "-",
                    unknown=", ".join(name[:40] for name in unknown) or "-",
                ),
                field="file",
            )
        rows = 0
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows += 1
            if rows > MAX_ROWS:
                raise ImportFileError(
                    _l("The file has more than %(max)d rows: split it into smaller files.", max=MAX_ROWS),
                    field="file",
                )
            line = reader.line_num
            if len(values) != len(header):
                yield line, {"__columns__": str(len(values))}
                continue
            yield line, {name: value.strip() for name, value in zip(header, values, strict=True)}
    except csv.Error as exc:
        raise ImportFileError(
            _l("Line %(line)d cannot be read as CSV (%(reason)s).", line=reader.line_num, reason=str(exc)[:80]),
            field="file",
        ) from None


# -- the preview ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Known:
    """What the database holds about the file's organizations, teams and people (batch reads)."""

    organizations: dict[str, Organization]
    teams: dict[tuple[int, str], Team]
    people: dict[str, Person]


def _known(records: list[tuple[int, dict[str, str]]]) -> _Known:
    codes = {values.get("organization", "") for _line, values in records}
    organizations = {
        organization.code: organization
        for organization in db.session.scalars(sa.select(Organization).where(Organization.code.in_(sorted(codes))))
    }
    org_ids = [organization.id for organization in organizations.values()]
    team_rows = db.session.scalars(
        sa.select(Team).where(Team.organization_id.in_(org_ids), Team.archived_at.is_(None))
    ).all()
    emails: set[str] = set()
    for _line, values in records:
        try:
            emails.add(accounts.normalize_email(values.get("email", "")))
        except Invalid:
            continue
    people: dict[str, Person] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 500):
        for person in db.session.scalars(sa.select(Person).where(Person.email.in_(ordered[start : start + 500]))):
            people[person.email] = person
    return _Known(organizations, {(team.organization_id, team.name.casefold()): team for team in team_rows}, people)


def _row(line: int, values: dict[str, str], action: str, reason: object = "") -> Row:
    roles = tuple(part.strip().lower() for part in values.get("roles", "").split("|") if part.strip())
    return Row(
        line=line,
        email=values.get("email", "")[:MAX_FIELD],
        full_name=values.get("full_name", "")[:MAX_FIELD],
        organization=values.get("organization", "")[:MAX_FIELD],
        roles=roles,
        team=values.get("team", "")[:MAX_FIELD],
        language=values.get("language", "")[:MAX_FIELD],
        action=action,
        reason=str(reason),
    )


def _judge(line: int, values: dict[str, str], known: _Known, seen: dict[str, int], day: dt.date) -> Row:
    """One row's action and reason."""
    if "__columns__" in values:
        return _row(
            line,
            {},
            ERROR,
            _l(
                "The row has %(count)s values where the header has %(expected)d.",
                count=values["__columns__"],
                expected=len(COLUMNS),
            ),
        )
    if any(len(value) > MAX_FIELD for value in values.values()):
        return _row(line, values, ERROR, _l("A value is longer than %(max)d characters.", max=MAX_FIELD))
    try:
        email = accounts.normalize_email(values["email"])
    except Invalid as exc:
        return _row(line, values, ERROR, exc.message)
    values = {**values, "email": email}
    if email in seen:
        return _row(line, values, ERROR, _l("The same e-mail address is on line %(line)d.", line=seen[email]))
    seen[email] = line
    full_name = " ".join(values["full_name"].split())
    if not full_name or len(full_name) > accounts.MAX_NAME_LENGTH:
        return _row(
            line, values, ERROR, _l("A full name of 1 to %(max)s characters is required.", max=accounts.MAX_NAME_LENGTH)
        )
    values["full_name"] = full_name
    organization = known.organizations.get(values["organization"])
    if organization is None:
        return _row(line, values, ERROR, _l("Unknown organization: %(code)s.", code=values["organization"][:40] or "-"))
    role_names = [part.strip().lower() for part in values["roles"].split("|") if part.strip()]
    if not role_names:
        return _row(line, values, ERROR, _l("Give at least one role."))
    roles: set[Role] = set()
    for name in role_names:
        try:
            role = Role(name)
        except ValueError:
            role = None
        if role not in IMPORTABLE_ROLES:
            return _row(
                line, values, ERROR, _l("Unknown role %(role)s: use worker, pivot or coordinator.", role=name[:40])
            )
        roles.add(role)
    language = values["language"].lower()
    if language and language not in LANGUAGES:
        return _row(line, values, ERROR, _l("Unknown language %(language)s: use fr or en.", language=language[:40]))
    values["language"] = language
    team = None
    if values["team"]:
        team = known.teams.get((organization.id, values["team"].casefold()))
        if team is None:
            return _row(
                line,
                values,
                ERROR,
                _l("Unknown team %(team)s in %(code)s.", team=values["team"][:60], code=organization.code),
            )
    person = known.people.get(email)
    if person is None:
        return _row(line, values, CREATE)
    if person.deactivated_at is not None:
        return _row(line, values, ERROR, _l("The account %(email)s is deactivated.", email=email))
    current_org = history.organization_of(person.id, day)
    if current_org is not None and current_org.id != organization.id:
        return _row(
            line,
            values,
            ERROR,
            _l(
                "%(email)s belongs to %(code)s: use Move to change their organization.",
                email=email,
                code=current_org.code,
            ),
        )
    standing = history.standing_of(person.id, day)
    changes = []
    if person.full_name != full_name:
        changes.append(str(_l("name")))
    if language and person.preferred_language != language:
        changes.append(str(_l("language")))
    held_here = {role for role, orgs in standing.roles.items() if organization.id in orgs}
    added = sorted(role.value for role in roles - held_here)
    if added:
        changes.append(str(_l("roles %(roles)s", roles=", ".join(added))))
    if team is not None and all(team_id != team.id for team_id, _org, _role in standing.teams):
        changes.append(str(_l("team %(team)s", team=team.name)))
    if not changes:
        return _row(line, values, UNCHANGED)
    return _row(line, values, UPDATE, ", ".join(changes))


def _preview(actor: Viewer, data: bytes) -> tuple[Preview, _Known]:
    check(permissions.can_administer(actor), actor)  # anyone else: 404, as every page under /admin/
    if len(data) > MAX_BYTES:
        raise ImportFileError(too_big(), field="file")
    records = list(_records(data))
    known = _known(records)
    seen: dict[str, int] = {}
    day = clock.today()
    return Preview(tuple(_judge(line, values, known, seen, day) for line, values in records)), known


def preview(actor: Viewer, data: bytes) -> Preview:
    """Every row of the file with what applying it would do; writes nothing. An Admin's."""
    return _preview(actor, data)[0]


# -- applying ------------------------------------------------------------------------------------------


def apply(actor: Viewer, data: bytes, *, send_links: bool = False, file_name: str = "") -> Applied:
    """Land every valid row of the file (the preview's creates and updates) in the current unit of work, and,
    with ``send_links``, queue a password-set link to each account created. The caller commits once: all rows
    or, on any failure, none."""
    result, known = _preview(actor, data)
    day = clock.today()
    created: list[Person] = []
    for row in result.rows:
        if row.action not in (CREATE, UPDATE):
            continue
        organization = known.organizations[row.organization]
        roles = {Role(name) for name in row.roles}
        if row.action == CREATE:
            person = accounts.create_person(
                actor,
                email=row.email,
                full_name=row.full_name,
                roles=roles,
                organization=organization,
                language=row.language or "fr",
            )
            created.append(person)
        else:
            person = known.people[row.email]
            person.full_name = row.full_name
            if row.language:
                person.preferred_language = row.language
            standing = history.standing_of(person.id, day).roles
            held = set(standing)  # the global roles too: an import removes none
            if roles - {role for role, orgs in standing.items() if organization.id in orgs}:
                accounts.set_roles(actor, person, held | roles, organization)
        if row.team:
            team = known.teams[(organization.id, row.team.casefold())]
            member = db.session.scalar(
                sa.select(TeamMembership.id).where(
                    TeamMembership.team_id == team.id,
                    TeamMembership.person_id == person.id,
                    TeamMembership.end_on.is_(None),
                )
            )
            if member is None:
                role = TeamRole.PIVOT if Role.PIVOT in roles else TeamRole.MEMBER
                teams.add_to_team(actor, team, person, role)
    db.session.flush()
    links = 0
    if send_links:
        for person in created:
            password_resets.send_set_link(actor, person)
            links += 1
    record(
        "users.imported",
        actor=actor,
        object_type="import",
        object_id=file_name[:100] or None,
        details={**{action: result.count(action) for action in ACTIONS}, "links_sent": links},
    )
    return Applied(result, tuple(person.email for person in created), links)
