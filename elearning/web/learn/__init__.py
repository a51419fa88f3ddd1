"""Learning: the module reader and the quizzes (one blueprint, two view modules)."""

from elearning.web.learn import question_views, quiz_views  # noqa: F401  (registers their routes on the blueprint)
from elearning.web.learn.quiz_markup import choice_text, question_fieldsets
from elearning.web.learn.views import blueprint

# The quiz form's and result page's choices (any template of the application may show them).
blueprint.add_app_template_global(question_fieldsets)
blueprint.add_app_template_global(choice_text)

__all__ = ["blueprint"]
