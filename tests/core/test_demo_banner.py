"""The demo is marked once, in the UI: with DEMO_MODE every page (the login page too) carries
the 演示环境 banner; without it (production's default) no page does."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

BANNER = 'id="demo-banner"'


@pytest.mark.django_db
def test_demo_mode_puts_the_banner_on_every_page(client):
    with override_settings(DEMO_MODE=True):
        login = client.get(reverse("login")).content.decode()
        client.force_login(get_user_model().objects.get(username="office_wuhan"))
        programmes = client.get(reverse("programmes:programme_list")).content.decode()
    for page in (login, programmes):
        assert page.count(BANNER) == 1 and "演示环境" in page


@pytest.mark.django_db
def test_without_demo_mode_there_is_no_banner(client):
    from django.conf import settings as live

    assert live.DEMO_MODE is False  # the default (production) has none
    client.force_login(get_user_model().objects.get(username="office_wuhan"))
    page = client.get(reverse("programmes:programme_list")).content.decode()
    assert BANNER not in page and "演示环境" not in page
