"""Security headers on every response, and the per-request nonce of the Content-Security-Policy."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from werkzeug.wrappers import Response as BaseResponse

CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """The nonce for this request's inline scripts (there are none yet; kept for later pages). The policy names
    a nonce only on a response whose page asked for one."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


#: The policy of a page that asked for no nonce.
CSP_WITHOUT_NONCE = CSP.replace(" 'nonce-{nonce}'", "")


def allow_caching(response: BaseResponse, seconds: int) -> BaseResponse:
    """Mark a response that shows no personal information as cacheable (e.g. module images)."""
    response.headers["Cache-Control"] = f"private, max-age={seconds}"
    response.headers["X-Elearning-Cacheable"] = "1"
    return response


def _headers(response: Response) -> Response:
    headers = response.headers
    # An SVG image opened on its own must not run anything: views give it a sandboxing policy of its own.
    policy = headers.pop("X-Elearning-Csp", None)
    if policy is None:
        policy = CSP.format(nonce=g.csp_nonce) if "csp_nonce" in g else CSP_WITHOUT_NONCE
    headers["Content-Security-Policy"] = policy
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if current_app.config["PUBLIC_BASE_URL"].startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint == "static":
        return response
    if headers.pop("X-Elearning-Cacheable", None) is None:
        # Pages may show personal information: never stored by browsers or proxies.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
