"""Settings of the worker started by the kill test: the test settings, plus a pause after
each step of a recompute (a failpoint), so the test can kill the worker half-way."""

import os

from ipcity.settings_test import *  # noqa: F403

INDICATOR_RECOMPUTE_STEP_PAUSE = float(os.environ.get("IPCITY_TEST_RECOMPUTE_PAUSE", "0.4"))
