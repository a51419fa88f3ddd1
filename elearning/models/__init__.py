"""Typed SQLAlchemy models, by area. Import them from here."""

from elearning.models.attempts import ExtraAttempt, QuizAttempt
from elearning.models.audit import AuditEvent
from elearning.models.certificates import Certificate, TrackAssignment
from elearning.models.content import (
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
from elearning.models.mail import OutboxMessage
from elearning.models.organizations import Organization, OrganizationTarget
from elearning.models.password_resets import PasswordResetToken
from elearning.models.people import CoordinatorGrant, GlobalGrant, Membership, Person, PivotDesignation
from elearning.models.progress import Completion, SectionView
from elearning.models.questions import ModuleQuestion, QuestionAnswer
from elearning.models.reminders import Digest, Reminder
from elearning.models.sessions import WebSession
from elearning.models.teams import Team, TeamMembership

__all__ = [
    "AuditEvent",
    "Certificate",
    "Choice",
    "Completion",
    "ContentRevision",
    "CoordinatorGrant",
    "Digest",
    "ExtraAttempt",
    "GlobalGrant",
    "Membership",
    "Module",
    "ModuleImage",
    "ModuleQuestion",
    "ModuleVersion",
    "Organization",
    "OrganizationTarget",
    "OutboxMessage",
    "PasswordResetToken",
    "Person",
    "PivotDesignation",
    "Question",
    "QuestionAnswer",
    "Quiz",
    "QuizAttempt",
    "Reminder",
    "Section",
    "SectionView",
    "Team",
    "TeamMembership",
    "Track",
    "TrackAssignment",
    "TrackModule",
    "WebSession",
]
