"""Error pages in the layout, in both languages; ``application/problem+json`` for ``/api/`` paths."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from elearning.extensions import db
from elearning.services.errors import Conflict, Forbidden, NotFound, ServiceError

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Sign-in required"),
    403: _l("Access refused"),
    404: _l("Page not found"),
    405: _l("Action not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
EXPLANATIONS = {
    400: _l("Something in the request was not valid. Go back, check the page and try again."),
    401: _l("Sign in to see this page."),
    403: _l("Your account does not give access to this page. If you think it should, ask your coordinator."),
    404: _l(
        "This page does not exist, or it is not available to you. Check the address or start again from the home page."
    ),
    405: _l("This page cannot be used this way."),
    413: _l("Send a smaller file."),
    429: _l("Too many attempts were made. Wait before trying again."),
    500: _l(
        "The error has been recorded. Try again in a moment; if it keeps happening, tell the Table's coordination."
    ),
}
CSRF_EXPLANATION = _l("The form expired or was sent from another page. Reload the page and send it again.")


def _retry_after(error: HTTPException) -> int | None:
    value = getattr(error, "retry_after", None)
    if value is None:
        return None
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return None


def status_of(exc: ServiceError) -> int:
    """The HTTP status of a service's refusal: 404, 403, 409 (conflicts with what exists) or 400."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    return 409 if isinstance(exc, Conflict) else 400


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str, **extra: object) -> Response:
    """An ``application/problem+json`` response (RFC 9457)."""
    body = {"type": "about:blank", "title": str(TITLES.get(status, "Error")), "status": status, "detail": detail}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def render_error(error: HTTPException) -> Response:
    status = error.code or 500
    retry = _retry_after(error)
    if isinstance(error, CSRFError):
        explanation = CSRF_EXPLANATION
    else:
        explanation = EXPLANATIONS.get(status, EXPLANATIONS[400 if status < 500 else 500])
    # A message the application gave (abort(400, description=...)) says what is wrong; Werkzeug's own
    # default descriptions are generic English and are not shown.
    specific = error.description if status < 500 and error.description != type(error).description else None
    if is_api_request():
        response = problem(status, str(specific or explanation))
    else:
        minutes = (retry + 59) // 60 if retry else None
        html = render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, TITLES[400 if status < 500 else 500]),
            explanation=explanation,
            detail=specific,
            retry_minutes=minutes,
        )
        response = Response(html, status=status, mimetype="text/html")
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


def _handle_http(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    db.session.rollback()  # nothing the refused request began is kept
    return render_error(error)


def _handle_refusal(exc: ServiceError) -> Response:
    """The one way views answer a service's refusal: roll back, then the error page (or problem+json) with
    the service's message. Views catch a service error themselves only to show it next to a form field."""
    db.session.rollback()
    status = status_of(exc)
    # A 404 never says more than "not found": whether the object exists may itself be private.
    error = HTTPException(description=None if status == 404 else str(exc.message))
    error.code = status
    return render_error(error)


def _handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(ServiceError, _handle_refusal)
    app.register_error_handler(Exception, _handle_unexpected)
