"""Form fields rendered without WTForms' generic widget machinery.

WTForms renders an ``<input>`` through ``html_params``, which formats every attribute through MarkupSafe's
``Markup.format`` and lists the field's flags with ``dir()``: most of a form page's rendering time. The text-like
inputs our forms use (text, e-mail, password, hidden) are rendered here to the same markup, attribute for
attribute and in the same order (``tests/test_fields.py`` compares both); any other widget goes through WTForms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import HiddenInput, Input, PasswordInput


def _attributes(values: Mapping[str, Any]) -> str:
    """``html_params``: sorted by name, ``True`` as a bare attribute, ``False`` and ``None``-valued flags left out."""
    parts = []
    for key in sorted(values):
        value = values[key]
        if value is True:
            parts.append(key)
        elif value is not False:
            parts.append(f'{key}="{escape(value)}"')
    return " ".join(parts)


def _key(key: str) -> str:
    key = key.rstrip("_")
    return key.replace("_", "-") if key.startswith(("data_", "aria_")) else key


def render_input(field: Field, attributes: Mapping[str, Any] | None = None) -> Markup:
    """``field(**attributes)`` for a text-like input, as WTForms renders it; other widgets are WTForms' own."""
    widget = field.widget
    if type(widget) not in (Input, PasswordInput, HiddenInput) and not _is_plain_input(widget):
        return field(**(attributes or {}))
    values: dict[str, Any] = {_key(key): value for key, value in (getattr(field, "render_kw", None) or {}).items()}
    values.update({_key(key): value for key, value in (attributes or {}).items()})
    values.setdefault("id", field.id)
    values.setdefault("type", widget.input_type)
    if isinstance(widget, PasswordInput) and widget.hide_value:
        values["value"] = ""
    elif "value" not in values:
        values["value"] = field._value()
    flags = vars(field.flags)
    for name in widget.validation_attrs:
        if name in flags and name not in values:
            flag = flags[name]
            values[name] = flag() if callable(flag) else flag
    values["name"] = field.name
    return Markup(f"<input {_attributes(values)}>")  # noqa: S704 (every value escaped by _attributes)


def _is_plain_input(widget: object) -> bool:
    """A widget of WTForms' own text-like input classes (``TextInput``, ``EmailInput``...), which only set the
    input's type."""
    cls = type(widget)
    return cls.__module__ == "wtforms.widgets.core" and cls.__call__ is Input.__call__


def render_label(field: Field, attributes: Mapping[str, Any] | None = None) -> Markup:
    """``field.label(**attributes)``, as WTForms renders it."""
    values = {_key(key): value for key, value in (attributes or {}).items()}
    values.setdefault("for", field.label.field_id)  # False for a group of radios: no ``for``
    html = _attributes(values)
    return Markup(f"<label{' ' if html else ''}{html}>{escape(field.label.text)}</label>")  # noqa: S704 (escaped)
