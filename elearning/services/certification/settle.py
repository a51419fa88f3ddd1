"""What a learner's progress earns, settled in the request that made it: the completion, then the certificates."""

from __future__ import annotations

from elearning.models import Certificate, Person
from elearning.services.catalog import lookup
from elearning.services.certification import issuing
from elearning.services.learning import completion


def settle(person: Person, ref: lookup.ModuleRef) -> list[Certificate]:
    """After a section view or a passing submission on ``ref``: record the completion it allows, then issue
    the certificates it earns (exactly once each, see :mod:`elearning.services.transactions`). Returns the
    certificates issued. The caller commits."""
    if not completion.evaluate(person, ref):
        return []
    return issuing.issue_due(person)
