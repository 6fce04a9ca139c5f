# The real-worker fixtures (tests/worker_support.py), for tests marked `worker`.
import pytest

from tests.worker_support import (  # noqa: F401
    ASSESSMENT_AS_OF,
    celery_worker,
    celery_worker_factory,
    reseed_after_module,
)

# Stored assessments are made as of a date (a deadline passed → final verdict or 待年度数据).
# Tests never depend on the wall clock: unless a test passes `today=`, the engine judges
# as of this date, before every seed plan's deadline except Harbin's (2018-12), whose
# tests have data up to the deadline.
AS_OF = ASSESSMENT_AS_OF


@pytest.fixture(autouse=True)
def _assessment_date(monkeypatch):
    monkeypatch.setattr("indicators.services.assessment_date", lambda: AS_OF)
    return AS_OF
