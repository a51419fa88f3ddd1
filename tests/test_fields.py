"""Fields rendered by ``elearning.web.fields`` are WTForms' own markup, attribute for attribute."""

from __future__ import annotations

import pytest
from flask import Flask
from markupsafe import Markup
from wtforms import EmailField, Form, HiddenField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from elearning.web.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from elearning.web.fields import render_input, render_label


class Everything(Form):
    text = StringField("Nom <b>", validators=[DataRequired(), Length(min=2, max=20)], render_kw={"data_x": "1"})
    email = EmailField("Courriel", render_kw={"autocomplete": "username"})
    secret = PasswordField("Mot de passe", validators=[DataRequired()])
    hidden = HiddenField()
    choice = RadioField("Choix", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])


ATTRIBUTES = [
    {},
    {"class": "input"},
    {"class": "input", "aria-describedby": "x-hint x-error", "aria-invalid": "true"},
    {"aria_label": "étiquette", "disabled": True, "readonly": False, "value": 'dit "bonjour" & <adieu>'},
]


@pytest.mark.parametrize("attributes", ATTRIBUTES)
def test_inputs_and_labels_render_as_wtforms_does(app: Flask, attributes: dict[str, object]) -> None:
    with app.test_request_context("/"):
        forms = [
            Everything(data={"text": 'a "b" <c> & d', "email": "é@example.org", "secret": "hunter2", "hidden": "7"}),
            Everything(),
            LoginForm(data={"email": "x@example.org", "password": "p"}),
            PasswordChangeForm(),
            LanguageForm(language="en"),
        ]
        compared = 0
        for form in forms:
            for field in form:
                assert render_input(field, attributes) == field(**attributes), field.name
                assert render_label(field, {"class": "label"}) == field.label(class_="label"), field.name
                assert isinstance(render_input(field, attributes), Markup)
                compared += 1
        assert compared >= 12
