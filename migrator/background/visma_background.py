"""Run a long Visma.net ERP API call through the background API, keeping the caller's behaviour.

API Management cuts synchronous requests at 4 minutes. `call(send, *args, **kwargs)` sends the
same request with the header `erp-api-background: none`, polls the job's `stateLocation` with
capped exponential backoff (honouring 429 and `Retry-After`), fetches the stored response when
`hasResponseContent` is true, and returns the response type the caller already uses
(`requests.Response` or `httpx.Response`) carrying the endpoint's own status code: a job that
Finished with statusCode 400 comes back as a 400 response, exactly as the direct call did.

    response = visma_background.call(session.get, url, params=params, timeout=300)
    response = await visma_background.call_async(client.get, url, params=params)

A job that Failed raises `BackgroundJobFailed` (naming the job and its errorMessage); a job still
running at the deadline raises `BackgroundJobTimeout`. The deadline is 24 hours (how long Visma
keeps job state) unless `deadline_seconds=` or the environment variable
`VISMA_BACKGROUND_DEADLINE_SECONDS` says otherwise; `VISMA_BACKGROUND_POLL_SECONDS` and
`VISMA_BACKGROUND_MAX_POLL_SECONDS` set the first and the longest wait between polls.

Self-contained on purpose: it imports no HTTP library itself, it uses the one the caller's
`send` belongs to (requests, or httpx sync and async). Written into this project by vni-migrate
(rule VNI020); vni-migrate never overwrites a copy that was changed after it was written.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import http.client
import importlib
import os
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = ["BackgroundJobError", "BackgroundJobFailed", "BackgroundJobTimeout", "call", "call_async"]

HELPER_VERSION = 1
BACKGROUND_HEADER = "erp-api-background"
DEADLINE_SECONDS = 24 * 3600.0
FIRST_POLL_SECONDS = 1.0
MAX_POLL_SECONDS = 60.0
_TRANSIENT = (500, 502, 503, 504)
_BODY_ARGUMENTS = ("data", "json", "files", "content", "params", "stream")
_DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class BackgroundJobError(RuntimeError):
    """The background job could not be followed to its end (bad answer while polling)."""

    def __init__(self, message: str, job_id: str | None = None, state: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id
        self.state = state or {}


class BackgroundJobFailed(BackgroundJobError):
    """The job ended with status `Failed`: the job itself broke (not the endpoint's answer)."""


class BackgroundJobTimeout(BackgroundJobError, TimeoutError):
    """The job was still running when the deadline passed."""


# -- what to do next, independent of the HTTP library (driven by `call` and `call_async`) ---------
class _Get:
    def __init__(self, url: str) -> None:
        self.url = url


class _Sleep:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Result:
    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


def _environment_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def _deadline_seconds(value: float | None) -> float:
    return value if value is not None else _environment_float("VISMA_BACKGROUND_DEADLINE_SECONDS", DEADLINE_SECONDS)


def _first_wait(response: Any) -> float:
    wait = _retry_after(response)
    return wait if wait is not None else _environment_float("VISMA_BACKGROUND_POLL_SECONDS", FIRST_POLL_SECONDS)


def _retry_after(response: Any) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class _Job:
    """Follows one accepted job: a generator of `_Get` / `_Sleep` steps that returns a `_Result`."""

    def __init__(self, request_url: str, accepted: dict[str, Any], deadline_seconds: float | None, started: float) -> None:
        self.request_url = request_url
        self.id = str(accepted.get("id") or "?")
        self.state_url = urljoin(request_url, str(accepted["stateLocation"]))
        self.deadline_seconds = _deadline_seconds(deadline_seconds)
        self.deadline = started + self.deadline_seconds
        self.delay = _environment_float("VISMA_BACKGROUND_POLL_SECONDS", FIRST_POLL_SECONDS)
        self.max_delay = _environment_float("VISMA_BACKGROUND_MAX_POLL_SECONDS", MAX_POLL_SECONDS)
        self.last_state: dict[str, Any] = {}
        self._check_origin(self.state_url)

    def _check_origin(self, url: str) -> None:
        # Credentials go with every poll: never to another host than the one the call went to.
        if _origin(url) != _origin(self.request_url):
            raise BackgroundJobError(f"Visma background job {self.id}: {url} is not on the origin of the request "
                                     f"({self.request_url}); not following it", self.id)

    def _wait(self, seconds: float) -> Generator[_Get | _Sleep, Any, None]:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise BackgroundJobTimeout(
                f"Visma background job {self.id} did not finish within {self.deadline_seconds:g} s "
                f"(last status {self.last_state.get('status', 'unknown')}); its state stays at {self.state_url} "
                "for 24 hours", self.id, self.last_state)
        yield _Sleep(min(seconds, remaining))

    def _fetch(self, url: str) -> Generator[_Get | _Sleep, Any, Any]:
        """GET `url` until it answers something other than 429 or a transient 5xx."""
        while True:
            if time.monotonic() >= self.deadline:
                yield from self._wait(0)
            response = yield _Get(url)
            if response.status_code == 429 or response.status_code in _TRANSIENT:
                wait = _retry_after(response)
                yield from self._wait(wait if wait is not None else self.delay)
                self.delay = min(self.delay * 2, self.max_delay)
                continue
            if response.status_code >= 400:
                raise BackgroundJobError(f"Visma background job {self.id}: GET {url} answered "
                                         f"{response.status_code}", self.id, self.last_state)
            return response

    def run(self) -> Generator[_Get | _Sleep, Any, _Result]:
        while True:
            response = yield from self._fetch(self.state_url)
            try:
                state = response.json()
            except ValueError:
                raise BackgroundJobError(f"Visma background job {self.id}: the state document is not JSON",
                                         self.id) from None
            self.last_state = state if isinstance(state, dict) else {}
            status = self.last_state.get("status")
            if status == "Finished":
                return (yield from self._finished(self.last_state))
            if status == "Failed":
                raise BackgroundJobFailed(f"Visma background job {self.id} failed: "
                                          f"{self.last_state.get('errorMessage') or 'no errorMessage given'}",
                                          self.id, self.last_state)
            if status != "Started":
                raise BackgroundJobError(f"Visma background job {self.id}: unexpected status {status!r}",
                                         self.id, self.last_state)
            yield from self._wait(self.delay)
            self.delay = min(self.delay * 2, self.max_delay)

    def _finished(self, state: dict[str, Any]) -> Generator[_Get | _Sleep, Any, _Result]:
        headers = {str(k): str(v) for k, v in (state.get("responseHeaders") or {}).items()
                   if str(k).lower() not in _DROPPED_HEADERS}
        content = b""
        if state.get("hasResponseContent"):
            location = urljoin(self.state_url, str(state.get("contentLocation") or self.state_url + "/content"))
            self._check_origin(location)
            content = (yield from self._fetch(location)).content
        return _Result(int(state.get("statusCode") or 0), headers, content)


# -- the two drivers --------------------------------------------------------------------------------
def _library(response: Any) -> Any:
    return importlib.import_module(type(response).__module__.split(".")[0])


def _with_header(kwargs: dict[str, Any]) -> dict[str, Any]:
    headers = {k: v for k, v in dict(kwargs.get("headers") or {}).items() if k.lower() != BACKGROUND_HEADER}
    return {**kwargs, "headers": {**headers, BACKGROUND_HEADER: "none"}}


def _poll_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The caller's settings (auth, cookies, timeout, verify, ...) without the request body."""
    polled = {k: v for k, v in kwargs.items() if k not in _BODY_ARGUMENTS}
    polled["headers"] = {k: v for k, v in kwargs["headers"].items()
                         if k.lower() not in (BACKGROUND_HEADER, "content-type")}
    return polled


def _accepted_job(response: Any) -> dict[str, Any] | None:
    if response.status_code != 202:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and body.get("stateLocation") else None


def _response(accepted: Any, result: _Result, started: float) -> Any:
    """A response of the caller's own library type, as if the endpoint had answered directly."""
    library = _library(accepted)
    if library.__name__ == "httpx":
        return library.Response(result.status_code, headers=result.headers, content=result.content,
                                request=accepted.request)
    response = library.Response()
    response.status_code = result.status_code
    response._content = result.content
    response._content_consumed = True
    response.headers = library.structures.CaseInsensitiveDict(result.headers)
    response.url = accepted.url
    response.request = accepted.request
    response.reason = http.client.responses.get(result.status_code, "")
    response.encoding = library.utils.get_encoding_from_headers(response.headers)
    response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)
    return response


def _sync_getter(send: Callable[..., Any], accepted: Any) -> Callable[..., Any]:
    owner = getattr(send, "__self__", None)
    if owner is not None and callable(getattr(owner, "get", None)):
        return owner.get  # the same Session / Client: its auth, cookies, proxies and TLS settings
    return _library(accepted).get


def call(send: Callable[..., Any], *args: Any, deadline_seconds: float | None = None, **kwargs: Any) -> Any:
    """`send(*args, **kwargs)` as a background job; returns the endpoint's response (see module doc)."""
    started = time.monotonic()
    kwargs = _with_header(kwargs)
    deadline = started + _deadline_seconds(deadline_seconds)
    accepted = send(*args, **kwargs)
    while accepted.status_code == 429 and time.monotonic() < deadline:  # not accepted: safe to send again
        time.sleep(max(0.0, min(_first_wait(accepted), deadline - time.monotonic())))
        accepted = send(*args, **kwargs)
    job = _accepted_job(accepted)
    if job is None:  # answered directly (an error, or an endpoint that ignores the header)
        return accepted
    get, polled = _sync_getter(send, accepted), _poll_kwargs(kwargs)
    steps = _Job(str(accepted.request.url), job, deadline_seconds, started).run()
    reply: Any = None
    try:
        while True:
            step = steps.send(reply)
            if isinstance(step, _Sleep):
                time.sleep(step.seconds)
                reply = None
            else:
                reply = get(step.url, **polled)
    except StopIteration as done:
        return _response(accepted, done.value, started)


async def call_async(send: Callable[..., Awaitable[Any]], *args: Any, deadline_seconds: float | None = None,
                     **kwargs: Any) -> Any:
    """`await send(*args, **kwargs)` (an `httpx.AsyncClient` method) as a background job."""
    started = time.monotonic()
    kwargs = _with_header(kwargs)
    deadline = started + _deadline_seconds(deadline_seconds)
    owner = getattr(send, "__self__", None)
    if owner is None:
        raise TypeError("call_async needs a method of an async client, e.g. call_async(client.get, url)")
    accepted = await send(*args, **kwargs)
    while accepted.status_code == 429 and time.monotonic() < deadline:
        await asyncio.sleep(max(0.0, min(_first_wait(accepted), deadline - time.monotonic())))
        accepted = await send(*args, **kwargs)
    job = _accepted_job(accepted)
    if job is None:
        return accepted
    polled = _poll_kwargs(kwargs)
    steps = _Job(str(accepted.request.url), job, deadline_seconds, started).run()
    reply: Any = None
    try:
        while True:
            step = steps.send(reply)
            if isinstance(step, _Sleep):
                await asyncio.sleep(step.seconds)
                reply = None
            else:
                reply = await owner.get(step.url, **polled)
    except StopIteration as done:
        return _response(accepted, done.value, started)
