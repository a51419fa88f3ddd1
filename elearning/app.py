"""The application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from elearning import models  # noqa: F401  (every table registered before anything uses the metadata)
from elearning.cli import register_commands
from elearning.clock import Clock
from elearning.config import load_settings
from elearning.extensions import babel, csrf, db, limiter, login_manager, migrate
from elearning.i18n import compile_catalogs, select_locale
from elearning.web import init_web
from elearning.web.admin import blueprint as admin
from elearning.web.auth.views import blueprint as auth
from elearning.web.certificates.views import blueprint as certificates
from elearning.web.directory.views import blueprint as directory
from elearning.web.health.views import blueprint as health
from elearning.web.learn import blueprint as learn
from elearning.web.main.views import blueprint as main
from elearning.web.org import blueprint as org
from elearning.web.reports import blueprint as reports
from elearning.web.team.views import blueprint as team

BLUEPRINTS = (health, auth, main, learn, team, certificates, reports, org, directory, admin)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands. Nothing else happens here.

    ``config`` overrides the environment (tests pass their database and settings this way). Raises
    :class:`elearning.config.ConfigError` for a missing or malformed setting.
    """
    settings = load_settings(os.environ, config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale="fr",
        default_translation_directories=str(compile_catalogs(app)),
        default_timezone=app.config["TIMEZONE"],
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["elearning.clock"] = Clock(app.config["TIMEZONE"])

    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)  # type: ignore[method-assign]

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    init_web(app)
    register_commands(app)
    return app
