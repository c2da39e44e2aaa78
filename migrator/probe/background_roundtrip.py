"""The same GET through the background API: 202, poll the state, fetch the content, compare.

Only GETs: the request with `erp-api-background: none`, the state polls, the content. The state
and content URLs are followed only when they are on the same origin as the probed API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from migrator.probe.sampler import Sampler


@dataclass
class RoundTrip:
    status: str  # "Finished", "Failed", "Started" (timed out), or "skipped"/"error"
    status_code: int | None = None
    content_matches: bool | None = None
    seconds: float | None = None  # model seconds from the 202 to a final state
    polls: int = 0
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "statusCode": self.status_code, "content_matches": self.content_matches,
                "seconds": None if self.seconds is None else round(self.seconds, 3), "polls": self.polls,
                "detail": self.detail}


def _same_origin(url: str, origin: httpx.URL) -> bool:
    target = httpx.URL(url)
    return (target.scheme, target.host, target.port) == (origin.scheme, origin.host, origin.port)


def background_roundtrip(sampler: Sampler, path: str, params: dict[str, Any], sync_body: Any,
                         expected_seconds: float, max_polls: int = 60) -> RoundTrip:
    """Run the round trip; `expected_seconds` (model) sets the first poll interval."""
    scale = sampler.time_scale or 1.0
    sampler.budget.max_requests_per_endpoint += max_polls + 2  # its own allowance, on top of the sampling's
    response, body, _, _, _, _ = sampler.get(path, params=params, headers={"erp-api-background": "none"})
    if response.status_code != 202:
        return RoundTrip("error", response.status_code, detail=f"expected 202, got {response.status_code}")
    try:
        state_location = str(json.loads(body)["stateLocation"])
    except (ValueError, KeyError, TypeError):
        return RoundTrip("error", 202, detail="202 without stateLocation")
    origin = sampler.client.base_url  # not response.request.url: a routing transport may rewrite that
    if not _same_origin(state_location, origin):
        return RoundTrip("skipped", 202, detail="stateLocation is on another origin; not followed")
    start = sampler.clock()
    interval = max(0.05, 0.25 * expected_seconds * scale)  # real seconds
    state: dict[str, Any] = {}
    polls = 0
    while polls < max_polls:
        sampler.sleep(interval)
        polls += 1
        poll, poll_body, *_ = sampler.get(state_location)
        if poll.status_code != 200:
            return RoundTrip("error", poll.status_code, polls=polls, detail=f"state poll answered {poll.status_code}")
        try:
            state = json.loads(poll_body)
        except ValueError:
            return RoundTrip("error", poll.status_code, polls=polls, detail="state document is not JSON")
        if state.get("status") in ("Finished", "Failed"):
            break
        interval = min(interval * 2, 5.0)
    seconds = (sampler.clock() - start) / scale
    status = str(state.get("status", "Started"))
    code = state.get("statusCode")
    if status != "Finished":
        return RoundTrip(status, code, seconds=seconds, polls=polls,
                         detail=state.get("errorMessage") or ("no final state within the poll budget"
                                                              if status == "Started" else None))
    content_location = state.get("contentLocation") or f"{state_location}/content"
    if not _same_origin(content_location, origin):
        return RoundTrip(status, code, seconds=seconds, polls=polls, detail="contentLocation on another origin")
    _, content, *_ = sampler.get(content_location)
    try:
        matches = json.loads(content) == sync_body if sync_body is not None else None
    except ValueError:
        matches = False
    return RoundTrip(status, code, matches, seconds, polls)
