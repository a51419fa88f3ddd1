"""WSGI entry point: ``gunicorn wsgi:app`` (see README for production)."""

import sys

from elearning import create_app
from elearning.config import CONFIG_ERROR_EXIT, ConfigError

try:
    app = create_app()
except ConfigError as exc:
    print(f"elearning: configuration error: {exc}", file=sys.stderr)
    sys.exit(CONFIG_ERROR_EXIT)
