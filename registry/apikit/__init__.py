"""The machinery shared by every app's API (``<app>/apis.py``): partner keys and scopes, problem-details
errors in Chinese and English, cursor pagination, per-key throttling, ETags, idempotent bulk upserts and
the OpenAPI conventions. Apps import from here; nothing here knows about a particular database."""
