"""The log-in forms of the site and of /admin/, both throttled by kyodo.login."""

from typing import TYPE_CHECKING

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from kyodo import audit, login

BLOCKED_MESSAGES = {
    "account": "このユーザー名では、ログインの失敗が続いたため、ログインを一時的に止めています。",
    "address": "この接続元からのログインの失敗が多いため、ログインを一時的に止めています。",
}


if TYPE_CHECKING:
    _LoginForm = AuthenticationForm
else:
    _LoginForm = object


class ThrottledLoginMixin(_LoginForm):
    """Refuse before the password is checked while blocked; log every attempt."""

    @sensitive_variables("password")
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (username and password):
            return super().clean()

        address = audit.client_address(self.request) if self.request is not None else None
        block = login.login_blocked(username, address)
        if block is not None:
            login.login_refused(request=self.request, username=username, block=block)
            raise ValidationError(
                f"{BLOCKED_MESSAGES[block.reason]}"
                f"あと{block.minutes_left}分ほどたつと、もう一度ログインを試せます。"
                "急ぐときは、システム管理者に制限の解除を頼んでください。",
                code="login_blocked",
            )

        try:
            cleaned_data = super().clean()
        except ValidationError:
            # user_cache is set when the password was right but the account may not log in
            # here (e.g. /admin/ without staff rights); it still counts as a failed log-in.
            login.login_failed(
                request=self.request,
                username=username,
                password_right=self.user_cache is not None,
            )
            raise
        assert self.user_cache is not None  # AuthenticationForm.clean() found the user
        login.login_succeeded(request=self.request, user=self.user_cache)
        return cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's log-in form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "ユーザー名またはパスワードが違います。大文字と小文字は別の文字として扱います。"
            "何度も続けてまちがえると、しばらくログインできなくなります。"
        ),
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The log-in form of /admin/: same throttle, same log."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "ユーザー名またはパスワードが違うか、管理画面を使えない利用者です。"
            "大文字と小文字は別の文字として扱います。"
        ),
    }
