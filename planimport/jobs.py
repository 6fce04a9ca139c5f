"""Background runs of the plan importer: none. A plan (at most 20 MB) is read and parsed in
the request that uploads it, in well under a second for the seed plans
(bench/importer_accuracy.py), so the user sees the review page or the error at once.
Celery autodiscovers this module like every app's ``jobs``; add a task here (thin, taking
ids, enqueued with ``transaction.on_commit``) if OCR or very large PDFs ever need one."""
