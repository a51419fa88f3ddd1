"""The team area: the matrix and its exports, a member's detail, the extra attempt, the questions inbox, the
reminders (one blueprint)."""

from elearning.web.team import (
    changes_views,  # noqa: F401  (registers the inbox's "mark as seen" route)
    inbox_views,  # noqa: F401  (registers the questions inbox's routes)
    matrix_views,  # noqa: F401  (registers the matrix routes on the blueprint)
    reminders_views,  # noqa: F401  (registers the reminders page)
)
from elearning.web.team.views import blueprint

__all__ = ["blueprint"]
