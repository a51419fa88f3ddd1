"""The module reader: ``/modules``, ``/modules/<slug>``, ``/modules/<slug>/<section>`` and module images."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from elearning import clock
from elearning.services.catalog import lookup
from elearning.services.certification.settle import settle
from elearning.services.learning import batch, cycles, progress, questions
from elearning.services.people import teams
from elearning.web.security import allow_caching
from elearning.web.visitors import current_viewer, signed_in_person

blueprint = Blueprint("learn", __name__)

IMAGE_MAX_AGE = 7 * 24 * 3600


def contacts_when_locked(locked: bool) -> teams.AttemptContacts | None:
    """Whom the learner asks for one more attempt, read only when no attempt is left (one statement; a page
    with attempts left reads nothing more)."""
    return teams.attempt_contacts(current_viewer(), clock.today()) if locked else None


@blueprint.get("/modules")
@login_required
def catalog() -> str:
    person = signed_in_person()
    track_cycles = cycles.track_cycles(person.id, clock.today())
    refs = progress.assigned_first(lookup.active_modules(), track_cycles)
    by_module = progress.for_learner(person.id, refs, since=cycles.module_starts(track_cycles))
    assigned = {module_id for cycle in track_cycles for module_id in cycle.module_ids}
    return render_template("learn/catalog.html", refs=refs, progress=by_module, assigned=assigned)


@blueprint.get("/modules/<slug>")
@login_required
def module(slug: str) -> str:
    person = signed_in_person()
    ref = lookup.find_module(slug)
    info = lookup.module_infos([ref])[ref.module.id]
    state = batch.progress_for([person.id], [info], clock.today())[(person.id, info.module_id)]
    contacts = contacts_when_locked(state.exhausted)
    return render_template("learn/module.html", module=info, state=state, contacts=contacts)


@blueprint.get("/modules/<slug>/<section_slug>")
@login_required
def section(slug: str, section_slug: str) -> str:
    return section_page(slug, section_slug)


def section_page(slug: str, section_slug: str, *, question_error: str | None = None, typed: str = "") -> str:
    """A section, with the reader's own questions on it (their new answers read from now on) and the form to
    ask one (``question_error`` and ``typed``: the form sent back with its error)."""
    person = signed_in_person()
    ref = lookup.find_module(slug)
    item = progress.for_learner(person.id, [ref])[ref.module.id]
    current = next((s for s in item.sections if s.slug == section_slug), None)
    if current is None:
        abort(404)
    # Only a new view can complete the module: whoever writes last settles (see services.transactions).
    if progress.record_view(person, ref, current, already_viewed=current.slug in item.viewed):
        item.viewed.add(current.slug)
        if item.completion is None:
            settle(person, ref)
    asked = questions.section_questions(current_viewer(), person.questions_revision, ref.module.id, current.slug)
    questions.mark_answers_seen(current_viewer(), asked)
    index = item.sections.index(current)
    return render_template(
        "learn/section.html",
        ref=ref,
        progress=item,
        section=current,
        position=index + 1,
        previous=item.sections[index - 1] if index > 0 else None,
        following=item.sections[index + 1] if index + 1 < len(item.sections) else None,
        quiz=lookup.quiz_of(ref.version),
        questions=asked,
        question_error=question_error,
        typed=typed,
        max_question_length=questions.MAX_QUESTION_LENGTH,
        retention_months=current_app.config["QUESTIONS_RETENTION_MONTHS"],
        directory_url=directory_url(),
    )


def directory_url() -> str:
    """The directory's address (``directory.index``), whether or not that page is wired in this build."""
    try:
        return url_for("directory.index")
    except BuildError:
        return "/directory"


@blueprint.get("/modules/<slug>/images/<name>")
@login_required
def image(slug: str, name: str) -> BaseResponse:
    ref = lookup.find_module(slug)
    found = lookup.find_image(ref, name)
    response: BaseResponse = Response(found.data, mimetype=found.content_type)
    response.set_etag(found.content_hash)
    response = response.make_conditional(request)
    if found.content_type == "image/svg+xml":
        response.headers["X-Elearning-Csp"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return allow_caching(response, IMAGE_MAX_AGE)
