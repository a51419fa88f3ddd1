"""Sign-in and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from elearning.security.passwords import MAX_PASSWORD_LENGTH
from elearning.services.people.directory import PHONE_MAX


class LoginForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "inputmode": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(_l("Enter the new password a second time."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.new_password.data:
            raise ValidationError(_l("The two new passwords differ."))


class LanguageForm(FlaskForm):
    language = RadioField(
        _l("Language of the platform"),
        choices=[SelectChoice("fr", "Français", {"lang": "fr"}), SelectChoice("en", "English", {"lang": "en"})],
        validators=[DataRequired(_l("Choose a language."))],
    )


def _sent(form: FlaskForm, field: StringField) -> None:
    """The field was sent (empty is fine): a form without it is not the account page's."""
    if not field.raw_data:
        raise ValidationError(_l("The form is incomplete. Reload the page and send it again."))


class DirectoryContactForm(FlaskForm):
    work_phone = StringField(
        _l("Work phone"),
        validators=[_sent],
        description=_l("For example 418 555-0100 poste 12. Leave it empty to give none."),
        render_kw={"autocomplete": "work tel", "type": "tel", "inputmode": "tel", "maxlength": PHONE_MAX},
    )
    phone_in_directory = BooleanField(_l("Show this number in the directory"))


class DigestForm(FlaskForm):
    #: Always sent by the account page's form (an unchecked box sends nothing): a form without it is refused.
    shown = HiddenField(default="1", validators=[_sent])
    digests_enabled = BooleanField(_l("Send me the weekly digest"))


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
        description=_l("The address of your account on the platform."),
        render_kw={"autocomplete": "username", "type": "email", "inputmode": "email", "spellcheck": "false"},
    )


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(_l("Enter the new password a second time."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two new passwords differ."))
