"""The training content as files: parse, check, render and hash (pure: no database, no Flask).

``check_content(root)`` reads ``modules/`` and ``quizzes/`` under ``root``, reports every problem as
``path:line: message`` and, when there is no error, returns the :class:`ContentTree` the sync loads.
"""

from elearning.content.check import check_content
from elearning.content.model import (
    CheckResult,
    ChoiceSource,
    ContentTree,
    ImageSource,
    Localized,
    ModuleSource,
    Problem,
    QuestionSource,
    QuizSource,
    SectionSource,
    TrackSource,
)
from elearning.content.render import render_inline, render_markdown, render_message

__all__ = [
    "CheckResult",
    "ChoiceSource",
    "ContentTree",
    "ImageSource",
    "Localized",
    "ModuleSource",
    "Problem",
    "QuestionSource",
    "QuizSource",
    "SectionSource",
    "TrackSource",
    "check_content",
    "render_inline",
    "render_markdown",
    "render_message",
]
