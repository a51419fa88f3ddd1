"""gunicorn settings read from the project folder; validates the application settings on the master first.

A missing or malformed setting stops gunicorn before any worker starts: one line on stderr, exit status 3.
"""

import os
import sys

from elearning.config import CONFIG_ERROR_EXIT, ConfigError, load_settings

try:
    load_settings(os.environ)
except ConfigError as exc:
    print(f"elearning: configuration error: {exc}", file=sys.stderr)
    sys.exit(CONFIG_ERROR_EXIT)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
