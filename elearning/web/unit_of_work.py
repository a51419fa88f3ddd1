"""One commit per request, after the view returns (Indico's request handler does the same).

The view's action, its audit events and its e-mail (rows of the outbox) commit together, or roll back together:
the error handlers roll back (:mod:`elearning.web.errors`), so a refused or failed request keeps nothing. With
``MAIL_FLUSH_AFTER_REQUEST`` (local use), a request that queued a message delivers the outbox once its response
is sent, in an application context of its own; a delivery error is logged, never shown. A form
(any method but GET, HEAD and OPTIONS) is a write: on SQLite its transaction takes the write lock from its first
statement (:mod:`elearning.services.transactions`).
"""

from __future__ import annotations

import functools

from flask import Flask, Response, current_app, request

from elearning.extensions import db
from elearning.services import transactions
from elearning.services.mail import delivery, outbox

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _begin() -> None:
    if request.method in READ_METHODS:
        transactions.start_reading()
    else:
        transactions.start_writing()


def _commit(response: Response) -> Response:
    # A request that never used the database (the sign-in form, a static file) has nothing to commit: no
    # session is created for it. Nor does a page that only read (it could not write before begin_writing():
    # transactions refuses it): the session's removal at teardown ends what it read.
    if db.session.registry.has():
        session = db.session()
        if session.new or session.dirty or session.deleted or (session.in_transaction() and transactions.may_write()):
            queued = outbox.take_queued_flag(session)
            session.commit()
            if queued and current_app.config["MAIL_FLUSH_AFTER_REQUEST"]:
                response.call_on_close(functools.partial(_deliver_after, current_app._get_current_object()))  # type: ignore[attr-defined]
    return response


def _deliver_after(app: Flask) -> None:
    """Deliver the outbox after the response was sent (outside the request's transaction and contexts)."""
    try:
        with app.app_context():
            report = delivery.flush()
        app.logger.info(report.summary())
    except Exception:
        app.logger.exception("mail: delivery after the request failed; `elearning mail flush` delivers later")


def _end(_error: BaseException | None) -> None:
    transactions.stop_writing()


def init_app(app: Flask) -> None:
    # First of the before_request functions (nothing reads the database before it decides how to begin), and
    # the last after_request function to run (after_request functions run in reverse order of registration).
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request_funcs.setdefault(None, []).insert(0, _commit)
    app.teardown_request(_end)
