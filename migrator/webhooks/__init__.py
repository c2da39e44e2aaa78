"""Background-API webhooks: the URL a sender puts in `erp-api-background`, and the listener serving it.

`sender.py` reads the header value (literal, f-string, concatenation, constants) into URL pieces and
renders the `subscription:name=value,...` replacement; `routes.py` holds the framework-neutral route
model and the matching of a sender URL to a route; `flask.py`, `fastapi.py` and `django.py` find the
routes of one framework and plan the listener edits; `headers.py` checks custom header names.
"""
