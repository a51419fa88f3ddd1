"""Errors a service raises for input it refuses. The message is translatable and names what is wrong."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Refused input; nothing was written. ``field`` names the form field it belongs to, when there is one."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(ServiceError):
    """The object named does not exist (or is not visible to the actor)."""


class Invalid(ServiceError):
    """The value is malformed or not allowed."""


class Conflict(ServiceError):
    """The change contradicts what already exists (duplicate, already done)."""


class Forbidden(ServiceError):
    """The actor may not do this (a 403); see :func:`elearning.services.access.check`."""
