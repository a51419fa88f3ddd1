"""The Table's reports: the coverage report, its drill-down and exports, the certificate register (one
blueprint)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("reports", __name__)
