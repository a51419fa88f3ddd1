"""The team area: the matrix and its exports, a member's detail, the extra attempt (one blueprint)."""

from elearning.web.team import matrix_views  # noqa: F401  (registers the matrix routes on the blueprint)
from elearning.web.team.views import blueprint

__all__ = ["blueprint"]
