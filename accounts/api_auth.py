"""Token authentication for the write API's machine users (`Authorization: Token ipc_…`).

A revoked or unknown key is 401 with a Chinese message; a valid one authenticates as the
token's own machine user (a reporter of the token's agency), so every rule applies as to
a person of that agency."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken
from .services import api_key_hash


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in (b"token", b"bearer"):
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("令牌格式不正确:请使用“Authorization: Token <密钥>”。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("令牌格式不正确。")) from exc
        token = (
            ApiToken.objects.select_related("user__profile__agency", "agency")
            .filter(key_sha256=api_key_hash(key))
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("令牌无效。"))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("该令牌已被吊销,请联系领导小组办公室重新签发。"))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token issued by the leading-group office, scoped to one agency: `Token ipc_…`",
        }
