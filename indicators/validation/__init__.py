"""Validation rules between statistics (DHIS2's validation rules), in rooms of their own:
models (ValidationRule), checks (pure: a rule against a submission's values), selectors
(what a round's check needs), services (every write, the default set), forms, views."""
