# The real-worker fixtures (tests/worker_support.py), for tests marked `worker`.
import datetime

import pytest

from tests.worker_support import celery_worker, celery_worker_factory, reseed_after_module  # noqa: F401

# Stored assessments are made as of a date (a deadline passed → final verdict or 待年度数据).
# Tests never depend on the wall clock: unless a test passes `today=`, the engine judges
# as of this date, before every seed plan's deadline except Harbin's (2018-12), whose
# tests have data up to the deadline.
AS_OF = datetime.date(2018, 6, 30)


@pytest.fixture(autouse=True)
def _assessment_date(monkeypatch):
    monkeypatch.setattr("indicators.services.assessment_date", lambda: AS_OF)
    return AS_OF
