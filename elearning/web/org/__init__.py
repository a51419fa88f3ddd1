"""The coordinator's organization view ``/org``: figures, pivots, teams, members, and its management forms."""

from elearning.web.org.views import blueprint

__all__ = ["blueprint"]
