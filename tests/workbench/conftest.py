from tests.submissions.conftest import gsj, gsj_user, kjj, kjj_user, office, round_q1  # noqa: F401
