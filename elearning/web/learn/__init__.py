"""Learning: the module reader and the quizzes (one blueprint, two view modules)."""

from elearning.web.learn import quiz_views  # noqa: F401  (registers the quiz routes on the blueprint)
from elearning.web.learn.views import blueprint

__all__ = ["blueprint"]
