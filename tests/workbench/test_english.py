"""English that is English (issue 13 item 8): each language named in itself, a favicon, no
ReDoc (it loads fonts from the web; Swagger UI is local)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_languages_are_named_in_themselves_and_the_page_has_a_favicon(login, language, settings):
    client = login("office_wuhan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/programmes/").content.decode()
    assert ">English</option>" in page and ">简体中文</option>" in page
    assert "英语" not in page
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_redoc_is_gone_and_swagger_ui_is_served(login):
    client = login("office_wuhan")
    assert client.get("/api/redoc/").status_code == 404
    assert client.get("/api/docs/").status_code == 200
