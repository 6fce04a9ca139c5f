"""Login throttling (django-axes): after 5 wrong passwords for one user from one address,
the login page, HTTP Basic on the API and the admin all refuse even the right password
for 15 minutes, in Chinese; the attempts are logged and an admin can unlock."""

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "demo12345"
LOCKED = "登录失败次数过多"
ADDRESS = "10.1.1.1"


def post_login(client, username, password, *, address=ADDRESS, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, times, *, address=ADDRESS):
    return [post_login(client, username, "wrong-password", address=address).status_code for _ in range(times)]


def logged_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def basic(username, password) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_settings_are_five_failures_fifteen_minutes_per_user_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(client):
    assert fail(client, "office_wuhan", 4) == [200] * 4
    response = post_login(client, "office_wuhan", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == "office_wuhan"
    assert not AccessAttempt.objects.filter(username="office_wuhan").exists()


def test_login_page_locks_after_five_failures_even_for_the_right_password(client):
    statuses = fail(client, "office_wuhan", 5)
    assert statuses == [200, 200, 200, 200, 429]

    response = post_login(client, "office_wuhan", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "15分钟" in page and "管理后台解锁" in page
    assert 'class="navbar' in page  # the portal's layout, not a bare message
    assert logged_in_as(client) is None

    attempt = AccessAttempt.objects.get(username="office_wuhan", ip_address=ADDRESS)
    assert attempt.failures_since_start >= 5
    logged = AccessFailureLog.objects.filter(username="office_wuhan", ip_address=ADDRESS)
    assert logged.count() == 6  # every attempt, the right password during the lockout too
    assert logged.filter(locked_out=True).exists()


def test_the_lockout_is_per_user_and_address(client):
    fail(client, "office_wuhan", 5)
    # the same account from another office's address still logs in
    other = Client()
    assert post_login(other, "office_wuhan", PASSWORD, address="10.2.2.2").status_code == 302
    assert logged_in_as(other) == "office_wuhan"
    # another account from the locked address too
    third = Client()
    assert post_login(third, "office_harbin", PASSWORD).status_code == 302
    # a forged X-Forwarded-For does not escape the lockout (no TLS proxy is configured)
    forged = Client()
    response = post_login(forged, "office_wuhan", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429
    assert logged_in_as(forged) is None


def test_the_lockout_ends_after_the_cool_off(client):
    fail(client, "office_wuhan", 5)
    assert post_login(client, "office_wuhan", PASSWORD).status_code == 429
    # 16 minutes later (moved in the database, not waited for)
    AccessAttempt.objects.filter(username="office_wuhan").update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )
    assert post_login(client, "office_wuhan", PASSWORD).status_code == 302
    assert logged_in_as(client) == "office_wuhan"


def test_api_basic_auth_is_locked_too_with_a_chinese_message(client):
    url = "/api/programmes/"
    ok = client.get(url, HTTP_AUTHORIZATION=basic("office_wuhan", PASSWORD), REMOTE_ADDR=ADDRESS)
    assert ok.status_code == 200
    for _ in range(5):
        wrong = client.get(url, HTTP_AUTHORIZATION=basic("office_wuhan", "nope"), REMOTE_ADDR=ADDRESS)
        assert wrong.status_code in {401, 403, 429}
    response = client.get(url, HTTP_AUTHORIZATION=basic("office_wuhan", PASSWORD), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
    assert "results" not in response.json()  # no data behind the lockout
    assert AccessFailureLog.objects.filter(username="office_wuhan", path_info=url).count() == 6


def test_admin_login_is_locked_too(client):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "admin", "password": "nope"}, REMOTE_ADDR=ADDRESS)
    response = client.post(url, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert logged_in_as(client) is None


def test_an_admin_unlocks_a_user_in_the_admin(client):
    fail(client, "office_wuhan", 5)
    attempt = AccessAttempt.objects.get(username="office_wuhan")
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "office_wuhan" in listing.content.decode()
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="office_wuhan").exists()
    assert post_login(client, "office_wuhan", PASSWORD).status_code == 302
    assert logged_in_as(client) == "office_wuhan"


def test_sessions_expire_after_eight_hours_by_default(client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    response = post_login(client, "office_wuhan", PASSWORD)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("office_wuhan1", "password_too_similar"),
        ("q7#x", "password_too_short"),
        ("password123", "password_too_common"),
        ("83920174651", "password_entirely_numeric"),
    ],
)
def test_all_four_password_validators_refuse_and_the_password_is_unchanged(password, code):
    user = get_user_model().objects.get(username="office_wuhan")
    before = user.password
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user=user)
    assert code in {e.code for e in exc.value.error_list}, exc.value.messages
    user.refresh_from_db()
    assert user.password == before and user.check_password(PASSWORD)
