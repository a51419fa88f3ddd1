"""``/modules/<slug>/quiz`` (take it: GET the form, POST to save or submit) and its results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from limits import parse
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from elearning.extensions import db
from elearning.models import QuizAttempt
from elearning.security import ratelimit
from elearning.services.catalog import lookup
from elearning.services.certification.settle import settle
from elearning.services.errors import Invalid
from elearning.services.learning import progress, quizzes
from elearning.web.learn.views import blueprint, contacts_when_locked
from elearning.web.visitors import signed_in_person

#: Generous, against scripts: a person saves or submits quiz forms at most this often.
QUIZ_POSTS_PER_PERSON = parse("30 per 10 minutes")
ANSWER_PREFIX = "q-"


def _quiz_or_404(ref: lookup.ModuleRef):
    quiz = lookup.quiz_of(ref.version)
    if quiz is None:
        abort(404)
    return quiz


def _raw_answers() -> dict[str, list[str]]:
    return {
        key[len(ANSWER_PREFIX) :]: request.form.getlist(key) for key in request.form if key.startswith(ANSWER_PREFIX)
    }


def _render_form(
    ref,
    quiz,
    attempt: QuizAttempt | quizzes.OpenAttempt,
    *,
    allowance=None,
    answers=None,
    error=None,
    status: int = 200,
):
    person = signed_in_person()
    return (
        render_template(
            "learn/quiz.html",
            ref=ref,
            quiz=quiz,
            attempt=attempt,
            questions=quizzes.shown_questions(attempt),
            answers=answers if answers is not None else attempt.answers,
            allowance=allowance or quizzes.allowance(person.id, ref.module.id, quiz),
            error=error,
        ),
        status,
    )


@blueprint.get("/modules/<slug>/quiz")
@login_required
def quiz(slug: str) -> Response | tuple[str, int]:
    person = signed_in_person()
    ref = lookup.find_module(slug)
    quiz = _quiz_or_404(ref)
    started = quizzes.open_for_form(person, ref, quiz)
    if started.attempt is None and started.allowance.passed:
        latest = quizzes.attempts_of(person.id, [ref.module.id])
        return render_template("learn/quiz_done.html", ref=ref, attempts=latest), 200
    if started.attempt is None:  # no attempt left (an open attempt on an old version stays discarded)
        latest = quizzes.attempts_of(person.id, [ref.module.id])
        return (
            render_template(
                "learn/quiz_locked.html",
                ref=ref,
                attempts=latest,
                allowance=started.allowance,
                contacts=contacts_when_locked(True),
            ),
            200,
        )
    return _render_form(ref, quiz, started.attempt, allowance=started.allowance)


@blueprint.post("/modules/<slug>/quiz")
@login_required
def submit_quiz(slug: str) -> Response | tuple[str, int]:
    person = signed_in_person()
    ref = lookup.find_module(slug)
    quiz = _quiz_or_404(ref)
    limited = ratelimit.retry_after(QUIZ_POSTS_PER_PERSON, ratelimit.key("quiz-post", person.id))
    if limited is not None:
        raise TooManyRequests(retry_after=limited)
    ratelimit.hit(QUIZ_POSTS_PER_PERSON, ratelimit.key("quiz-post", person.id))
    try:
        attempt_id = int(request.form.get("attempt", ""))
    except ValueError:
        abort(400, description=str(_l("The form names no attempt: reload the quiz and try again.")))
    raw = _raw_answers()
    try:
        if request.form.get("action") == "save":
            quizzes.save_answers(person, attempt_id, ref, raw)
            flash(_("Your answers are saved. You can come back to them later."), "success")
            return redirect(url_for("learn.quiz", slug=slug))
        result = quizzes.submit(person, attempt_id, ref, raw)
    except Invalid as exc:
        db.session.rollback()
        attempt = quizzes.get_attempt(person, attempt_id, ref)
        return _render_form(ref, quiz, attempt, answers=raw, error=exc.message, status=400)
    if result.attempt.passed:
        settle(person, ref)
    return redirect(url_for("learn.attempt", slug=slug, attempt_id=result.attempt.id))


@blueprint.get("/modules/<slug>/quiz/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int) -> Response | tuple[str, int]:
    person = signed_in_person()
    ref = lookup.find_module(slug)
    found = quizzes.get_attempt(person, attempt_id, ref)
    if found.submitted_at is None:
        return redirect(url_for("learn.quiz", slug=slug))
    result = quizzes.result_of(found)
    item = progress.for_learner(person.id, [ref])[ref.module.id]
    return (
        render_template(
            "learn/quiz_result.html",
            ref=ref,
            result=result,
            progress=item,
            contacts=contacts_when_locked(result.allowance.exhausted),
        ),
        200,
    )
