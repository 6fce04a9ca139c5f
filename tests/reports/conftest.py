import pytest


@pytest.fixture
def office(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="office_wuhan")


@pytest.fixture
def make_report(db):
    """make_report("wuhan-2017", "acceptance", **kwargs) → a Report, created through the service."""
    from django.contrib.auth import get_user_model

    from programmes.models import Programme
    from reports.services import report_create

    def _make(slug: str, kind: str, user=None, **kwargs):
        programme = Programme.objects.get(slug=slug)
        user = (
            user
            or get_user_model().objects.filter(profile__role="office", profile__city=programme.city).first()
        )
        return report_create(programme=programme, kind=kind, user=user, **kwargs)

    return _make
