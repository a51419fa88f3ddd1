"""``/healthz``: is the database reachable, and are its migrations at head?"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from elearning.extensions import db
from elearning.services.schema import database_revisions, script_heads

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    heads = script_heads()
    try:
        db.session.execute(text("SELECT 1"))
        current = database_revisions()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unreachable", "migrations": "unknown"}), 503
    at_head = current == heads
    body: dict[str, object] = {
        "status": "ok" if at_head else "unavailable",
        "database": "ok",
        "migrations": "head" if at_head else "behind",
        "revision": sorted(current),
        "head": sorted(heads),
    }
    return jsonify(body), 200 if at_head else 503
