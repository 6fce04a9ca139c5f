from tests.worker_support import reseed_after_module  # noqa: F401
