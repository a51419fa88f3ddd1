"""The training content as files: parse, check, render and hash (pure: no database, no Flask).

``check_content(root)`` reads ``modules/`` and ``quizzes/`` under ``root``, reports every problem as
``path:line: message`` and, when there is no error, returns the :class:`ContentTree` the sync loads.
"""

from elearning.content.check import check_content
from elearning.content.model import (
    CheckResult,
    Choice,
    ContentTree,
    Image,
    Localized,
    Module,
    Problem,
    Question,
    Quiz,
    Section,
    Track,
)
from elearning.content.render import render_inline, render_markdown

__all__ = [
    "CheckResult",
    "Choice",
    "ContentTree",
    "Image",
    "Localized",
    "Module",
    "Problem",
    "Question",
    "Quiz",
    "Section",
    "Track",
    "check_content",
    "render_inline",
    "render_markdown",
]
