# The real-worker fixtures (tests/worker_support.py), for tests marked `worker`.
from tests.worker_support import celery_worker, celery_worker_factory, reseed_after_module  # noqa: F401
