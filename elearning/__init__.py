"""The Table's training platform."""

from elearning.app import create_app

__all__ = ["create_app"]
