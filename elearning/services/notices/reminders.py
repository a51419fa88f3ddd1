"""Reminders of the training people have due: sent by a team's pivot or its organization's coordinator from
``/team/reminders``, and every day by ``elearning reminders send-due``.

What is due for a person is read from the team matrix's standings (:func:`team.standings_of`): on each assigned
track whose cycle is open and not complete, every module not completed, with the track's due date and why:
*overdue* (the due date has passed), *renewal* (a certificate valid today expires soon: the renewal window is
open) or *due*. A module in two tracks takes the earlier due date. One message per person names every module
it reminds them of.

The 7-day rule: whoever sends it, a person is reminded of a module at most once every :data:`WAIT_DAYS`
business days: a module reminded on day D goes again from day D + 7, not before (a member reminded of one
module on Monday and of a newly due one on Wednesday gets both; the first again the next Monday). Modules held
back by the rule are named, with the day they can go again; a person with nothing left to remind is skipped,
and the page or the command says why.

Every module reminded is a :class:`~elearning.models.Reminder` row, written with its outbox message in the
unit of work that sends it (the ground issue's one commit point), and each send is an audit event.

Two senders at once (two pivots of one team, a pivot and the daily job) remind each module once: a send takes
the recipients' locks before reading their last reminders (SQLite: the write lock, held from the first
statement; PostgreSQL: their ``people`` rows ``FOR UPDATE``, in id order), so whoever comes second reads what
the first committed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from elearning import clock, permissions
from elearning.extensions import db
from elearning.models import Person, Reminder, Team, TrackAssignment
from elearning.models.reminders import DUE, OVERDUE, RENEWAL
from elearning.models.types import in_language
from elearning.permissions import TeamRef, Viewer, scopes
from elearning.services import transactions
from elearning.services.access import check
from elearning.services.audit import record
from elearning.services.catalog import cache, lookup
from elearning.services.errors import Conflict, Invalid
from elearning.services.learning import cycles
from elearning.services.learning.states import ModuleStatus
from elearning.services.mail.outbox import enqueue_message
from elearning.services.people import teams
from elearning.services.reports import team

#: A module reminded on day D can be reminded again from day D + WAIT_DAYS.
WAIT_DAYS = 7
#: ``send-due``'s default horizon: what is due within this many days (besides what is overdue or renewing).
DEFAULT_WITHIN_DAYS = 14
#: People read at a time by ``send-due``.
CHUNK = 200

TEAM_REQUIRED = _l("The team must be given by its number.")
BAD_CHOICE = _l("The members chosen must be given by their numbers.")

NOTHING_DUE = "nothing_due"
RECENTLY_REMINDED = "recently_reminded"


@dataclass(frozen=True)
class DueModule:
    module_id: int
    slug: str
    title_fr: str
    title_en: str | None
    due_on: dt.date
    #: ``overdue``, ``due`` or ``renewal``.
    reason: str
    #: The business day the person was last reminded of it, when that is less than 7 days ago (then it is held
    #: back until :attr:`again_on`).
    reminded_on: dt.date | None = None

    def title(self, language: str) -> str:
        return in_language(language, self.title_fr, self.title_en)

    @property
    def held(self) -> bool:
        return self.reminded_on is not None

    @property
    def again_on(self) -> dt.date | None:
        return self.reminded_on + dt.timedelta(days=WAIT_DAYS) if self.reminded_on is not None else None

    @property
    def overdue(self) -> bool:
        return self.reason == OVERDUE


@dataclass(frozen=True)
class Recipient:
    """A person and what they have due (everything, held back or not)."""

    person_id: int
    full_name: str
    modules: tuple[DueModule, ...]

    @property
    def to_send(self) -> tuple[DueModule, ...]:
        return tuple(module for module in self.modules if not module.held)

    @property
    def held(self) -> tuple[DueModule, ...]:
        return tuple(module for module in self.modules if module.held)

    def sent_titles(self, language: str) -> str:
        """The titles of the modules a reminder names, in ``language``, as a list."""
        return ", ".join(module.title(language) for module in self.to_send)

    @property
    def overdue(self) -> bool:
        return any(module.overdue for module in self.modules)

    @property
    def skip_reason(self) -> str | None:
        """Why nothing would go to them now (None: a reminder would go)."""
        if not self.modules:
            return NOTHING_DUE
        if not self.to_send:
            return RECENTLY_REMINDED
        return None

    @property
    def again_on(self) -> dt.date | None:
        """When something held back can go again (the earliest)."""
        days = [module.again_on for module in self.held if module.again_on is not None]
        return min(days) if days else None


@dataclass(frozen=True)
class TeamReminders:
    """A team's members (the viewer left out) with what each has due, for the reminders page."""

    team_id: int
    team_name: str
    organization_code: str
    day: dt.date
    recipients: tuple[Recipient, ...]

    @property
    def overdue(self) -> tuple[Recipient, ...]:
        return tuple(item for item in self.recipients if item.overdue)


@dataclass(frozen=True)
class Outcome:
    """What a send did: who was reminded of what (``sent``: the modules that went), who was skipped and why."""

    sent: tuple[Recipient, ...]
    skipped: tuple[Recipient, ...]

    @property
    def module_count(self) -> int:
        return sum(len(item.to_send) for item in self.sent)


# -- reading -------------------------------------------------------------------------------------------


def _due_of(
    standing: team.Standing,
    infos: Mapping[int, lookup.ModuleInfo],
    track_modules: Mapping[int, Sequence[int]],
    day: dt.date,
    within_days: int | None,
) -> dict[int, tuple[dt.date, str]]:
    """The modules due in a standing: module id -> (due date, reason); the earliest due date wins."""
    due: dict[int, tuple[dt.date, str]] = {}
    for item in standing.tracks:
        if item.due_on is None or item.complete:
            continue
        if day > item.due_on:
            reason = OVERDUE
        elif item.certified_until is not None:
            reason = RENEWAL
        else:
            reason = DUE
        if within_days is not None and reason == DUE and item.due_on > day + dt.timedelta(days=within_days):
            continue
        for module_id in track_modules.get(item.track.id, ()):
            cell = standing.cells.get(module_id)
            if cell is None or cell.status in (None, ModuleStatus.COMPLETED) or module_id not in infos:
                continue
            known = due.get(module_id)
            if known is None or item.due_on < known[0]:
                due[module_id] = (item.due_on, reason)
    return due


def _last_reminded(person_ids: Sequence[int], day: dt.date) -> dict[tuple[int, int], dt.date]:
    """(person, module) -> the business day of the last reminder, for reminders of the last 7 days (one
    statement)."""
    if not person_ids:
        return {}
    the_clock = clock.get_clock()
    since = the_clock.start_of_day(day - dt.timedelta(days=WAIT_DAYS - 1))
    rows = db.session.execute(
        sa.select(Reminder.person_id, Reminder.module_id, sa.func.max(Reminder.sent_at))
        .where(Reminder.person_id.in_(sorted(person_ids)), Reminder.sent_at >= since)
        .group_by(Reminder.person_id, Reminder.module_id)
    ).all()
    return {(person_id, module_id): the_clock.local_date(sent_at) for person_id, module_id, sent_at in rows}


def _recipients(people: Iterable[tuple[int, str]], day: dt.date, *, within_days: int | None = None) -> list[Recipient]:
    """Each person with what they have due and what the 7-day rule holds back (5 statements at most, whatever
    the number of people: their standings, then their last reminders)."""
    people = list(people)
    ids = sorted({person_id for person_id, _name in people})
    tracks, infos = team.track_infos()
    standings = team.standings_of(ids, day, infos, tracks, cycles.renewal_window()) if ids else {}
    track_modules = cache.catalog().track_modules
    due = {
        person_id: _due_of(standing, infos, track_modules, day, within_days)
        for person_id, standing in standings.items()
    }
    reminded = _last_reminded([person_id for person_id in ids if due.get(person_id)], day)
    order = list(infos)  # track order
    result = []
    for person_id, name in people:
        own = due.get(person_id, {})
        modules = tuple(
            DueModule(
                module_id=module_id,
                slug=infos[module_id].slug,
                title_fr=infos[module_id].title_fr,
                title_en=infos[module_id].title_en,
                due_on=own[module_id][0],
                reason=own[module_id][1],
                reminded_on=reminded.get((person_id, module_id)),
            )
            for module_id in order
            if module_id in own
        )
        result.append(Recipient(person_id, name, modules))
    return result


def _team(viewer: Viewer, team_id: int) -> Team:
    """The team, if the viewer may remind its members: :class:`NotFound` for a team they may not see, a 403 for
    one they see but may not remind (the Table, Admin), a 409 for an archived team."""
    found = teams.team_for(viewer, team_id)
    check(
        permissions.can_send_reminders(viewer, TeamRef(found.id, found.organization_id)),
        viewer,
        found.organization_id,
        may_see=True,
    )
    if found.archived_at is not None:
        raise Conflict(_l("The team %(name)s is archived.", name=found.name))
    return found


def _members(viewer: Viewer, team_id: int, day: dt.date) -> list[tuple[int, str]]:
    """The team's members today whom the viewer may follow, by name, the viewer left out."""
    return [
        (person_id, name)
        for _team_id, person_id, name, _email, _role in team.members_of(viewer, [team_id], day)
        if person_id != viewer.person_id
    ]


def team_reminders(viewer: Viewer, team_id: int) -> TeamReminders:
    """The reminders page of a team: every member (the viewer left out) with what they have due."""
    day = clock.today()
    found = _team(viewer, team_id)
    recipients = _recipients(_members(viewer, found.id, day), day)
    return TeamReminders(
        team_id=found.id,
        team_name=found.name,
        organization_code=found.organization.code,
        day=day,
        recipients=tuple(recipients),
    )


# -- sending -------------------------------------------------------------------------------------------


def _lock(person_ids: Sequence[int]) -> None:
    """Serialize reminder sends to these people until the unit of work commits (see the module's docstring)."""
    transactions.lock_people(person_ids)


def _deliver(recipients: Sequence[Recipient], sender: Viewer | None, sender_name: str | None) -> None:
    """Queue one message per recipient with something to send, and record each module reminded."""
    going = [item for item in recipients if item.to_send]
    if not going:
        return
    people = {
        person.id: person
        for person in db.session.scalars(sa.select(Person).where(Person.id.in_([item.person_id for item in going])))
    }
    now = clock.now()
    messages = [
        (
            item,
            enqueue_message(
                "reminder",
                kind="reminder",
                to_person=people[item.person_id],
                full_name=item.full_name,
                modules=item.to_send,
                sender_name=sender_name,
            ),
        )
        for item in going
    ]
    db.session.flush()  # the messages' ids (one INSERT each: the ORM returns ids row by row on SQLite)
    db.session.execute(  # the reminders in one statement (an executemany)
        sa.insert(Reminder),
        [
            {
                "person_id": item.person_id,
                "module_id": module.module_id,
                "sent_at": now,
                "sent_by_id": sender.person_id if sender is not None else None,
                "reason": module.reason,
                "due_on": module.due_on,
                "message_id": message.id,
            }
            for item, message in messages
            for module in item.to_send
        ],
    )


def _outcome(recipients: Sequence[Recipient]) -> Outcome:
    return Outcome(
        sent=tuple(item for item in recipients if item.to_send),
        skipped=tuple(item for item in recipients if not item.to_send),
    )


def send_team_reminders(
    viewer: Viewer, team_id: int, person_ids: Sequence[int], *, everyone_overdue: bool = False
) -> Outcome:
    """Remind the chosen members of the team (or, with ``everyone_overdue``, every member with something
    overdue) of what they have due, under the 7-day rule. :class:`Invalid` when nobody is chosen or someone
    chosen is not a member of the team whom the viewer follows; nothing is written then."""
    day = clock.today()
    found = _team(viewer, team_id)
    chosen = set(person_ids)
    if not chosen and not everyone_overdue:
        raise Invalid(_l("Choose the members to remind, or remind everyone overdue."), field="person")
    members = _members(viewer, found.id, day)
    names = dict(members)
    strangers = chosen - names.keys()
    if strangers:
        raise Invalid(
            _l("Someone chosen is not a member of the team %(name)s (any more).", name=found.name), field="person"
        )
    if everyone_overdue:
        chosen |= {item.person_id for item in _recipients(members, day) if item.overdue}
    people = [(person_id, name) for person_id, name in members if person_id in chosen]
    _lock([person_id for person_id, _name in people])
    recipients = _recipients(people, day)  # read again under the locks
    sender_name = db.session.scalar(sa.select(Person.full_name).where(Person.id == viewer.person_id))
    _deliver(recipients, viewer, sender_name)
    outcome = _outcome(recipients)
    record(
        "reminders.sent",
        actor=viewer,
        object_type="team",
        object_id=found.id,
        details={
            "people": [item.person_id for item in outcome.sent],
            "modules": outcome.module_count,
            "skipped": [item.person_id for item in outcome.skipped],
            "everyone_overdue": everyone_overdue,
        },
    )
    return outcome


@dataclass
class DueReport:
    """What ``send-due`` did (or, in a dry run, would do)."""

    dry_run: bool
    within_days: int
    sent: list[Recipient] = dataclasses.field(default_factory=list)
    skipped: list[Recipient] = dataclasses.field(default_factory=list)

    @property
    def module_count(self) -> int:
        return sum(len(item.to_send) for item in self.sent)

    def summary(self) -> str:
        verb = "would remind" if self.dry_run else "reminded"
        return (
            f"reminders: {verb} {len(self.sent)} people of {self.module_count} modules; "
            f"{len(self.skipped)} skipped (reminded in the last {WAIT_DAYS} days)"
        )


def _due_people(day: dt.date, after: int) -> list[tuple[int, str]]:
    """The next :data:`CHUNK` active people (by id, after ``after``) with a track assigned today."""
    assigned = (
        sa.select(TrackAssignment.person_id)
        .where(
            TrackAssignment.assigned_on <= day,
            sa.or_(TrackAssignment.ended_on.is_(None), TrackAssignment.ended_on > day),
        )
        .correlate(None)
    )
    rows = db.session.execute(
        sa.select(Person.id, Person.full_name)
        .where(Person.id > after, Person.id.in_(assigned), scopes.active_on(day))
        .order_by(Person.id)
        .limit(CHUNK)
    ).all()
    return [(row[0], row[1]) for row in rows]


def send_due(*, within_days: int = DEFAULT_WITHIN_DAYS, dry_run: bool = False) -> DueReport:
    """Remind everyone of what is overdue, renewing, or due within ``within_days`` days, under the 7-day rule
    (the daily job; the Table's and the platform's own send, recorded with no sender). A dry run writes
    nothing and says what would go."""
    if within_days < 0:
        raise Invalid(_l("The number of days must be 0 or more."), field="within_days")
    day = clock.today()
    report = DueReport(dry_run=dry_run, within_days=within_days)
    after = 0
    while people := _due_people(day, after):
        after = people[-1][0]
        recipients = _recipients(people, day, within_days=within_days)
        due = [(item.person_id, item.full_name) for item in recipients if item.modules]
        if not due:
            continue
        if not dry_run:
            _lock([person_id for person_id, _name in due])
            recipients = _recipients(due, day, within_days=within_days)  # read again under the locks
            _deliver(recipients, None, None)
        outcome = _outcome([item for item in recipients if item.modules])
        report.sent.extend(outcome.sent)
        report.skipped.extend(outcome.skipped)
    if not dry_run and (report.sent or report.skipped):
        record(
            "reminders.sent_due",
            actor=None,
            details={
                "people": len(report.sent),
                "modules": report.module_count,
                "skipped": len(report.skipped),
                "within_days": within_days,
            },
        )
    return report
