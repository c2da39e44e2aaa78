"""The signature check a migrated listener gets: the helper module, the handler lines, the notes.

Visma signs each notification (HMAC SHA-256 of the UTF-8 message with the subscription's signature
key, base64) and sends the signature in a header it does not name in its documentation; the helper
reads the name from `VISMA_WEBHOOK_SIGNATURE_HEADER` (default `X-Visma-Signature`) and the key from
`VISMA_WEBHOOK_SECRET`. Flask handlers get the check inserted; other frameworks get the recipe.
"""

from __future__ import annotations

from pathlib import Path

HELPER_MODULE = "visma_webhook"
HELPER_FILE = f"{HELPER_MODULE}.py"

UNCONFIRMED = (
    "Signature check: the migrated listener rejects notifications whose signature does not match "
    "(HMAC-SHA256 of the raw body with the subscription's signature key, base64). Set VISMA_WEBHOOK_SECRET "
    "to the signature key of the BACKGROUND_API_RESPONSE subscription. The header name X-Visma-Signature is "
    "NOT confirmed by Visma's documentation (it says only that the signature is sent in a header): check a "
    "real delivery and set VISMA_WEBHOOK_SIGNATURE_HEADER if it differs. Each tenant must approve the webhook "
    "scopes of your application in the Visma App Store before notifications arrive"
)


def helper_source() -> str:
    """The text of the helper module exactly as it is written into a project."""
    return Path(__file__).with_name(HELPER_FILE).read_text(encoding="utf-8")


def flask_lines(request: str, helper: str = HELPER_MODULE) -> list[str]:
    """The first statements of a migrated Flask handler (body-relative; the nested line is indented)."""
    return [
        f"if not {helper}.signature_ok({request}.get_data(), {request}.headers):",
        '    return "invalid webhook signature", 401',
    ]


def recipe(framework: str) -> str:
    """How to add the check by hand in a framework whose handlers are not rewritten for it."""
    body = {
        "fastapi": "take `request: Request` and check `await request.body()` with `request.headers`; "
                   "raise HTTPException(401) when it does not match",
        "starlette": "check `await request.body()` with `request.headers`; answer Response(status_code=401)",
        "django": "check `request.body` with `request.headers`; answer HttpResponse(status=401)",
    }.get(framework, "check the raw body with the request headers; answer 401")
    return (f"Signature check: add it to this {framework} listener: {HELPER_FILE} "
            f"(`signature_ok(body, headers)`) is the helper vni-migrate writes for Flask listeners; {body}. "
            + UNCONFIRMED.split(". ", 1)[1])
