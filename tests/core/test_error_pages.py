"""403, 404 and 500 are Chinese pages with the portal's navigation; the 500 page renders
even when the request context cannot be built (database down)."""

import pytest
from django.test import Client, RequestFactory
from django.utils.functional import SimpleLazyObject

from ipcity.core.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

NAV = 'class="navbar'


def test_403_is_chinese_with_the_navigation_and_the_reason(login):
    # a reporter opening the office's review queue: the view's own reason is shown
    response = login("reporter_wuhan_kjj").get("/review/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "只有领导小组办公室可以审核填报。" in html
    assert NAV in html and "退出" in html  # the logged-in navigation
    assert "403 Forbidden" not in html


def test_403_without_a_reason_says_so_in_chinese(login):
    html = login("office_wuhan").get("/test-errors/forbidden/").content.decode()
    assert "您没有执行此操作的权限。" in html and NAV in html


def test_404_is_chinese_with_the_navigation_and_no_english_internals(login):
    response = login("office_wuhan").get("/programmes/no-such-programme/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and NAV in html and "退出" in html
    assert "matches the given query" not in html


def test_404_for_anonymous_has_the_layout_without_the_menu(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and NAV in html and "退出" not in html


def test_500_is_chinese_with_the_navigation(login):
    client = login("office_wuhan")
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器错误" in html and NAV in html and "退出" in html
    assert "something broke" not in html and "Traceback" not in html


def test_500_renders_when_the_request_context_fails():
    def database_down():
        raise RuntimeError("could not connect to server")

    request = RequestFactory().get("/anything/")
    request.user = SimpleLazyObject(database_down)  # what a dead session/database gives
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器错误" in html and NAV in html and "退出" not in html


def test_500_for_anonymous(client: Client):
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500 and "服务器错误" in response.content.decode()


def test_a_csrf_failure_is_a_chinese_403_and_nothing_happens():
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.get(username="office_wuhan").last_login
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "office_wuhan", "password": "demo12345"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and NAV in html and "CSRF verification failed" not in html
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.get(username="office_wuhan").last_login == before
