"""``/modules/<slug>/quiz`` (take it: GET the form, POST to save, submit or switch the language) and its results.

Every POST that keeps the answers ends with a redirect (Post/Redirect/Get), so Back and reload always land on a
page: a submission that leaves questions unanswered keeps the answers given on the open attempt and redirects to
the form with ``?check=<attempt id>``, which marks the questions that attempt still leaves unanswered (a new
attempt, opened by Back after a result, is not marked). The language switch of the quiz page
submits the form (``action=language``) to this same URL with ``?lang=``: the answers are kept, then the form is
shown again in the other language.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from limits import parse
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from elearning import clock
from elearning.extensions import db
from elearning.models import QuizAttempt
from elearning.security import ratelimit
from elearning.services.catalog import lookup
from elearning.services.certification.settle import settle
from elearning.services.errors import Invalid
from elearning.services.learning import progress, quizzes
from elearning.services.reports import dashboard
from elearning.web.learn.views import blueprint, contacts_when_locked
from elearning.web.visitors import signed_in_person

#: Generous, against scripts: a person saves or submits quiz forms at most this often.
QUIZ_POSTS_PER_PERSON = parse("30 per 10 minutes")
ANSWER_PREFIX = "q-"
#: ``?check=<attempt id>`` on the form: mark the questions that attempt, when open, leaves unanswered (after a
#: refused submission).
CHECK_ARG = "check"


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
    check: bool = False,
    status: int = 200,
):
    person = signed_in_person()
    questions = quizzes.shown_questions(attempt)
    shown_answers = answers if answers is not None else attempt.answers
    return (
        render_template(
            "learn/quiz.html",
            ref=ref,
            quiz=quiz,
            attempt=attempt,
            questions=questions,
            answers=shown_answers,
            unanswered=quizzes.unanswered(questions, shown_answers) if check else (),
            allowance=allowance or quizzes.allowance(person.id, ref.module.id, quiz),
            error=error,
            check=check,
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
    checked = request.args.get(CHECK_ARG) == str(started.attempt.id)
    return _render_form(ref, quiz, started.attempt, allowance=started.allowance, check=checked)


def _form_url(slug: str, *, check: str | None = None) -> str:
    """The quiz form's URL; with ``check`` (an attempt id), marking the questions that attempt leaves unanswered."""
    return url_for("learn.quiz", slug=slug, check=check) if check else url_for("learn.quiz", slug=slug)


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
    action = request.form.get("action")
    try:
        if action == "save":
            quizzes.save_answers(person, attempt_id, ref, raw)
            flash(_("Your answers are saved. You can come back to them later."), "success")
            return redirect(_form_url(slug))
        if action == "language":  # posted with ?lang=: this request is already in the other language
            quizzes.save_answers(person, attempt_id, ref, raw)
            return redirect(_form_url(slug, check=request.args.get(CHECK_ARG)))
        result = quizzes.submit(person, attempt_id, ref, raw)
    except quizzes.Unanswered:
        quizzes.save_answers(person, attempt_id, ref, raw)  # the answers given are valid: keep them
        return redirect(_form_url(slug, check=str(attempt_id)))
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
    # After a pass that completed the module: where to go on (the dashboard's board, kept under the revision).
    step = (
        dashboard.next_step(dashboard.learner_dashboard(person.id, clock.today()), ref.module.id)
        if result.attempt.passed and item.completion is not None
        else None
    )
    return (
        render_template(
            "learn/quiz_result.html",
            ref=ref,
            result=result,
            progress=item,
            next_step=step,
            contacts=contacts_when_locked(result.allowance.exhausted),
        ),
        200,
    )
