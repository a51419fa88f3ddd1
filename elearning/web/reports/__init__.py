"""The reports area: coverage across organizations, one organization's drill-down, the certificate register."""

from elearning.web.reports import coverage_views, register_views  # noqa: F401  (registers the routes on the blueprint)
from elearning.web.reports.views import blueprint

__all__ = ["blueprint"]
