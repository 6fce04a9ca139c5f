import pytest

from tests.submissions.conftest import gsj, gsj_user, kjj, kjj_user, office, round_q1  # noqa: F401


@pytest.fixture
def province_user(db):
    """湖北省's provincial user (read-only oversight of the province's cities)."""
    from accounts.models import Profile
    from accounts.services import user_with_role_ensure

    return user_with_role_ensure(
        username="province_hubei",
        password="demo12345",
        role=Profile.Role.PROVINCE,
        display_name="湖北省局",
        province="湖北省",
    )
