"""Run a long Visma.net ERP API call through the background API, keeping the caller's behaviour.

API Management cuts synchronous requests at 4 minutes. `call(send, *args, **kwargs)` sends the
same request with the header `erp-api-background: none`, polls the job's `stateLocation` with
capped exponential backoff (honouring 429 and `Retry-After`), fetches the stored response when
`hasResponseContent` is true, and returns the response type the caller already uses
(`requests.Response` or `httpx.Response`) carrying the endpoint's own status code: a job that
Finished with statusCode 400 comes back as a 400 response, exactly as the direct call did.

    response = visma_background.call(session.get, url, params=params, timeout=300)
    response = await visma_background.call_async(client.get, url, params=params)
    rows = await asyncio.gather(*(visma_background.call_async(client.get, u) for u in urls))

What the caller sees, as with the direct call:
- an answer that is not an accepted job (a 429 before acceptance, a 401, a 400) comes back as is;
- the final response carries the endpoint's headers (`responseHeaders` of the job) over the
  headers of the last answer (so `X-RateLimit-*` stay), `.raw` (requests) reads the body and
  `.elapsed` is set; whether Visma passes a created entity's `Location` in `responseHeaders` is
  not documented (unknown): check it;
- hooks run as for the direct call: response hooks (requests session and `hooks=`, httpx
  `event_hooks`) once, on the final response; httpx request hooks once, on the request sent (the
  headers they set, such as a token, go with the polls too); none of them sees the 202 or the
  polls (httpx: those go through a second client on the caller's transport, without hooks; a
  Client subclass that overrides how it sends keeps its own client, and its hooks see them);
- an HTTP error while polling raises the caller's library error (`requests.HTTPError`,
  `httpx.HTTPStatusError`, also a `BackgroundJobError`) naming the job id; a 401 while polling
  (the token expired during a long job) first calls `refresh_auth()` when given: it returns a new
  access token (or a complete Authorization value) used for the rest of the polls;
- the total wait is bounded by the caller's own timeout when it gave one (the largest number of
  `timeout=`, or the client's timeout), else by 24 hours (how long Visma keeps job state), unless
  `deadline_seconds=` or `VISMA_BACKGROUND_DEADLINE_SECONDS` says otherwise; past it the call raises
  the library's ReadTimeout (also a `BackgroundJobTimeout`), as the direct call would have.

A job that Failed raises `BackgroundJobFailed` (naming the job and its errorMessage); a job still
running at the deadline raises `BackgroundJobTimeout`. `VISMA_BACKGROUND_POLL_SECONDS` and
`VISMA_BACKGROUND_MAX_POLL_SECONDS` set the first and the longest wait between polls. Streamed
responses (httpx `client.stream(...)`) are not supported: the job's content is stored whole.

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
import io
import os
import sys
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = ["BackgroundJobError", "BackgroundJobFailed", "BackgroundJobTimeout", "call", "call_async"]

HELPER_VERSION = 3
BACKGROUND_HEADER = "erp-api-background"
DEADLINE_SECONDS = 24 * 3600.0
FIRST_POLL_SECONDS = 1.0
MAX_POLL_SECONDS = 60.0
_TRANSIENT = (500, 502, 503, 504)
_BODY_ARGUMENTS = ("data", "json", "files", "content", "params", "stream", "hooks")
_DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class BackgroundJobError(RuntimeError):
    """The background job could not be followed to its end (bad answer while polling)."""

    def __init__(self, message: str, job_id: str | None = None, state: dict[str, Any] | None = None,
                 response: Any = None) -> None:
        super().__init__(message)
        self.job_id = job_id
        self.state = state or {}
        self.response = response


class BackgroundJobFailed(BackgroundJobError):
    """The job ended with status `Failed`: the job itself broke (not the endpoint's answer)."""


class BackgroundJobTimeout(BackgroundJobError, TimeoutError):
    """The job was still running when the deadline passed."""


# -- what to do next, independent of the HTTP library (driven by `call` and `call_async`) ---------
class _Get:
    def __init__(self, url: str) -> None:
        self.url = url


class _Refresh(_Get):
    """A 401 while polling: refresh the credentials, then GET `url` again."""

    def __init__(self, url: str, response: Any) -> None:
        super().__init__(url)
        self.response = response


class _Sleep:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Result:
    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class _Unauthorized(Exception):
    """A 401 while polling: the driver may refresh the token and ask again."""

    def __init__(self, response: Any) -> None:
        super().__init__("401")
        self.response = response


def _environment_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def _deadline_seconds(value: float | None) -> float:
    return value if value is not None else _environment_float("VISMA_BACKGROUND_DEADLINE_SECONDS", DEADLINE_SECONDS)


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
        self.last_response: Any = None
        self.may_refresh = True
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
            if response.status_code == 401 and self.may_refresh:
                self.may_refresh = False  # one refresh per 401 streak
                response = yield _Refresh(url, response)
                if response.status_code < 400:
                    self.may_refresh = True
                    self.last_response = response
                    return response
            if response.status_code >= 400:
                raise BackgroundJobError(f"Visma background job {self.id}: GET {url} answered "
                                         f"{response.status_code} while polling (the job may have run: check its "
                                         f"state before sending the request again)", self.id, self.last_state,
                                         response)
            self.last_response = response
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
        content = b""
        if state.get("hasResponseContent"):
            location = urljoin(self.state_url, str(state.get("contentLocation") or self.state_url + "/content"))
            self._check_origin(location)
            content = (yield from self._fetch(location)).content
        # The last answer's headers (X-RateLimit-*, ...) under the endpoint's own (responseHeaders).
        headers = {str(k): str(v) for k, v in dict(getattr(self.last_response, "headers", {}) or {}).items()
                   if str(k).lower() not in _DROPPED_HEADERS and (content or str(k).lower() != "content-type")}
        for key, value in (state.get("responseHeaders") or {}).items():
            if str(key).lower() in _DROPPED_HEADERS:
                continue
            for existing in [k for k in headers if k.lower() == str(key).lower()]:
                del headers[existing]
            headers[str(key)] = str(value)
        return _Result(int(state.get("statusCode") or 0), headers, content)


# -- the two drivers --------------------------------------------------------------------------------
def _library(response: Any) -> Any:
    return importlib.import_module(type(response).__module__.split(".")[0])


def _with_header(kwargs: dict[str, Any]) -> dict[str, Any]:
    headers = {k: v for k, v in dict(kwargs.get("headers") or {}).items() if k.lower() != BACKGROUND_HEADER}
    return {**kwargs, "headers": {**headers, BACKGROUND_HEADER: "none"}}


def _poll_kwargs(kwargs: dict[str, Any], hook_headers: dict[str, str]) -> dict[str, Any]:
    """The caller's settings (auth, cookies, timeout, verify, ...) without the request body and hooks,
    with the headers the caller's request hooks set on the first request."""
    polled = {k: v for k, v in kwargs.items() if k not in _BODY_ARGUMENTS}
    headers = {k: v for k, v in kwargs["headers"].items() if k.lower() not in (BACKGROUND_HEADER, "content-type")}
    for key, value in hook_headers.items():
        for existing in [k for k in headers if k.lower() == key.lower()]:
            del headers[existing]
        headers[key] = value
    polled["headers"] = headers
    return polled


def _accepted_job(response: Any) -> dict[str, Any] | None:
    if response.status_code != 202:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and body.get("stateLocation") else None


def _seconds(value: Any) -> float | None:
    """The largest number in a timeout (a number, a (connect, read) tuple, an httpx.Timeout)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (tuple, list)):
        numbers = [_seconds(v) for v in value]
        found = [n for n in numbers if n is not None]
        return max(found) if found else None
    parts = [getattr(value, name, None) for name in ("connect", "read", "write", "pool")]
    found = [float(p) for p in parts if isinstance(p, (int, float)) and not isinstance(p, bool)]
    return max(found) if found else None


def _deadline_for(deadline_seconds: float | None, kwargs: dict[str, Any], owner: Any) -> float | None:
    """Explicit argument > environment > the caller's timeout > 24 hours (None: use the default)."""
    if deadline_seconds is not None or os.environ.get("VISMA_BACKGROUND_DEADLINE_SECONDS", "").strip():
        return deadline_seconds
    caller = _seconds(kwargs["timeout"]) if "timeout" in kwargs else _seconds(getattr(owner, "timeout", None))
    return caller


def _authorized(polled: dict[str, Any], refresh_auth: Callable[[], str] | None) -> bool:
    """Put a fresh token into the poll headers; False when there is no way to refresh."""
    if refresh_auth is None:
        return False
    value = str(refresh_auth())
    polled["headers"] = {**{k: v for k, v in polled["headers"].items() if k.lower() != "authorization"},
                         "Authorization": value if " " in value.strip() else f"Bearer {value}"}
    return True


def _poll_error(accepted: Any, error: BackgroundJobError) -> BaseException:
    """`error` as the caller's own library error (requests.HTTPError / httpx.HTTPStatusError; a
    deadline as the library's ReadTimeout), so the caller's `except` and retry filters still apply."""
    library = _library(accepted)
    if isinstance(error, BackgroundJobTimeout):
        base = library.exceptions.ReadTimeout if library.__name__ == "requests" else library.ReadTimeout
        kind = type("BackgroundJobReadTimeout", (base, BackgroundJobTimeout), {"__module__": __name__})
        timeout = kind(str(error), request=accepted.request)
        timeout.job_id, timeout.state, timeout.response = error.job_id, error.state, None
        return timeout
    response = error.response
    if response is None:
        return error
    base = library.HTTPError if library.__name__ == "requests" else library.HTTPStatusError
    kind = type("BackgroundPollHTTPError", (base, BackgroundJobError), {"__module__": __name__})
    if library.__name__ == "requests":
        wrapped = kind(str(error), response=response)
    else:
        wrapped = kind(str(error), request=response.request, response=response)
    wrapped.job_id, wrapped.state = error.job_id, error.state
    return wrapped


class _Raw(io.BytesIO):
    """`response.raw` for a body that was fetched whole: `read(amt, decode_content=...)` works."""

    def read(self, amt: int | None = None, decode_content: bool | None = None, **_: Any) -> bytes:  # type: ignore[override]
        return super().read(-1 if amt is None else amt)

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Generator[bytes, None, None]:
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk


def _response(accepted: Any, result: _Result, started: float) -> Any:
    """A response of the caller's own library type, as if the endpoint had answered directly."""
    library = _library(accepted)
    elapsed = datetime.timedelta(seconds=time.monotonic() - started)
    if library.__name__ == "httpx":
        response = library.Response(result.status_code, headers=result.headers, content=result.content,
                                    request=accepted.request)
        response.elapsed = elapsed
        return response
    response = library.Response()
    response.status_code = result.status_code
    response._content = result.content
    response._content_consumed = True
    response.headers = library.structures.CaseInsensitiveDict(result.headers)
    response.raw = _Raw(result.content)
    response.url = accepted.url
    response.request = accepted.request
    response.reason = http.client.responses.get(result.status_code, "")
    response.encoding = library.utils.get_encoding_from_headers(response.headers)
    response.elapsed = elapsed
    response.history = list(getattr(accepted, "history", []))
    return response


_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def _requests_without_hooks(send: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[
        Callable[..., Any], tuple[Any, ...], dict[str, Any], list[Callable[..., Any]]]:
    """For requests: the same request with no response hooks, and the hooks to run once at the end
    (the session's, then the call's own `hooks=`)."""
    owner = getattr(send, "__self__", None)
    hooks = dict(kwargs.get("hooks") or {})
    own = hooks.get("response") or []
    own = [own] if callable(own) else list(own)
    kwargs = {k: v for k, v in kwargs.items() if k != "hooks"}
    session_hooks: list[Callable[..., Any]] = []
    if owner is not None and hasattr(owner, "prepare_request") and hasattr(owner, "hooks"):
        value = owner.hooks.get("response") or []
        session_hooks = [value] if callable(value) else list(value)
        name = getattr(send, "__name__", "")
        if session_hooks and (name in _METHODS or name == "request"):
            def quiet(*call_args: Any, **call_kwargs: Any) -> Any:
                method, rest = (name.upper(), call_args) if name in _METHODS else (call_args[0], call_args[1:])
                return _send_quietly(owner, method, *rest, **call_kwargs)

            return quiet, args, kwargs, session_hooks + own
    return send, args, kwargs, own


def _send_quietly(session: Any, method: str, url: str, **kwargs: Any) -> Any:
    """`session.request(method, url, **kwargs)` without the session's response hooks."""
    library = importlib.import_module("requests")
    send_keys = ("timeout", "allow_redirects", "proxies", "stream", "verify", "cert")
    options = {k: kwargs.pop(k) for k in send_keys if k in kwargs}
    request = library.Request(method=method.upper(), url=url, **kwargs)
    prepared = session.prepare_request(request)
    prepared.hooks = library.hooks.default_hooks()
    settings = session.merge_environment_settings(prepared.url, options.pop("proxies", None) or {},
                                                  options.pop("stream", None), options.pop("verify", None),
                                                  options.pop("cert", None))
    options.setdefault("allow_redirects", method.upper() != "HEAD")
    return session.send(prepared, **options, **settings)


_SENDING = ("request", "send", "build_request")  # a Client subclass overriding one of these sends its own way
_NOT_FROM_HOOKS = (BACKGROUND_HEADER, "content-type", "content-length", "transfer-encoding")


class _QuietHttpx:
    """The job of an httpx client method, sent without the client's event hooks: the 202 and the
    polls are not what the direct call's hooks saw. A second client of the same kind sends through
    the caller's transport and mounts (proxies), with its auth, params, headers, cookie jar,
    timeout, base_url and redirect settings (TLS settings live in the transport). It shares the
    transport without owning it, so it is never closed; the caller's client is never changed
    (async callers may share it). The caller's request hooks run once, on the request sent first
    (they see it without the background header, as the direct call sent it), and the headers they
    set there go with the polls; `response_hooks` are for the one response handed back."""

    def __init__(self, owner: Any, kind: Any, method: str, asynchronous: bool) -> None:
        self._before: dict[str, str] = {}
        self._background: str | None = None
        self.hook_headers: dict[str, str] = {}
        snapshot: Callable[[Any], Any] = self._snapshot
        compare: Callable[[Any], Any] = self._compare
        if asynchronous:  # an AsyncClient awaits its hooks
            async def snapshot(request: Any) -> None:
                self._snapshot(request)

            async def compare(request: Any) -> None:
                self._compare(request)
        hooks = owner.event_hooks
        self.response_hooks = list(hooks.get("response", []))
        self.client = kind(auth=owner.auth, params=owner.params, headers=owner.headers, timeout=owner.timeout,
                           follow_redirects=owner.follow_redirects, max_redirects=owner.max_redirects,
                           base_url=owner.base_url, trust_env=owner.trust_env, transport=owner._transport,
                           default_encoding=getattr(owner, "_default_encoding", "utf-8"),
                           event_hooks={"request": [snapshot, *hooks.get("request", []), compare], "response": []})
        self.client._mounts = owner._mounts  # the caller's proxies and mounted transports, shared as they are
        self.client.cookies.jar = owner.cookies.jar  # cookies set by the job's answers land in the caller's jar
        self.first = getattr(self.client, method)

    @staticmethod
    def of(send: Callable[..., Any]) -> _QuietHttpx | None:
        """For a method of a plain `httpx.Client` / `httpx.AsyncClient`; None for anything else."""
        owner = getattr(send, "__self__", None)
        httpx = sys.modules.get("httpx")
        method = getattr(send, "__name__", "")
        if owner is None or httpx is None or method not in (*_METHODS, "request"):
            return None
        kind = next((k for k in (httpx.AsyncClient, httpx.Client) if isinstance(owner, k)), None)
        if kind is None or not hasattr(owner, "_transport") or not isinstance(getattr(owner, "_mounts", None), dict):
            return None
        if any(getattr(type(owner), name, None) is not getattr(kind, name, None) for name in (*_SENDING, method)):
            return None
        try:
            return _QuietHttpx(owner, kind, method, kind is httpx.AsyncClient)
        except (AttributeError, TypeError):  # an httpx whose client takes other settings: the caller's client
            return None

    def _snapshot(self, request: Any) -> None:
        # The caller's hooks see the request the direct call sent: without the background header.
        background = request.headers.pop(BACKGROUND_HEADER, None)
        self._before = dict(request.headers.items())
        self._background = background

    def _compare(self, request: Any) -> None:
        self.hook_headers = {k: v for k, v in request.headers.items()
                             if self._before.get(k) != v and k.lower() not in _NOT_FROM_HOOKS}
        if self._background is not None:
            request.headers[BACKGROUND_HEADER] = self._background

    def polling(self) -> Any:
        """The client for the polls: from now on it runs no hooks at all."""
        self.client.event_hooks = {"request": [], "response": []}
        return self.client


def _sync_getter(send: Callable[..., Any], accepted: Any) -> Callable[..., Any]:
    owner = getattr(send, "__self__", None)
    if owner is not None and callable(getattr(owner, "get", None)):
        if hasattr(owner, "prepare_request"):  # a requests Session: its settings, not its hooks
            return lambda url, **kwargs: _send_quietly(owner, "GET", url, **kwargs)
        return owner.get  # the same Client: its auth, cookies, proxies and TLS settings
    return _library(accepted).get


def call(send: Callable[..., Any], *args: Any, deadline_seconds: float | None = None,
         refresh_auth: Callable[[], str] | None = None, **kwargs: Any) -> Any:
    """`send(*args, **kwargs)` as a background job; returns the endpoint's response (see module doc)."""
    started = time.monotonic()
    owner = getattr(send, "__self__", None)
    deadline_seconds = _deadline_for(deadline_seconds, kwargs, owner)
    kwargs = _with_header(kwargs)
    httpx_job = None if _is_requests(send) else _QuietHttpx.of(send)
    if _is_requests(send):
        first, args, kwargs, hooks = _requests_without_hooks(send, args, kwargs)
    else:
        first, hooks = (httpx_job.first if httpx_job else send), []
    accepted = first(*args, **kwargs)
    job = _accepted_job(accepted)
    if job is None:  # answered directly (a 429 before acceptance, an error, an endpoint ignoring the header)
        for hook in httpx_job.response_hooks if httpx_job else []:
            hook(accepted)
        return _run_hooks(accepted, hooks, kwargs)
    get = httpx_job.polling().get if httpx_job else _sync_getter(send, accepted)
    polled = _poll_kwargs(kwargs, httpx_job.hook_headers if httpx_job else {})
    steps = _Job(str(accepted.request.url), job, deadline_seconds, started).run()
    reply: Any = None
    try:
        while True:
            step = steps.send(reply)
            if isinstance(step, _Sleep):
                time.sleep(step.seconds)
                reply = None
            elif isinstance(step, _Refresh):
                reply = get(step.url, **polled) if _authorized(polled, refresh_auth) else step.response
            else:
                reply = get(step.url, **polled)
    except StopIteration as done:
        response = _response(accepted, done.value, started)
        for hook in _final_httpx_hooks(httpx_job, owner, hooks):
            hook(response)
        return _run_hooks(response, hooks, kwargs)
    except BackgroundJobError as error:
        raise _poll_error(accepted, error) from None


def _final_httpx_hooks(httpx_job: _QuietHttpx | None, owner: Any, hooks: list[Callable[..., Any]]) -> list[Any]:
    """The httpx response hooks to run on the final response: the caller's, once (a client the job
    could not be sent around has run them on the 202 and the polls already, and runs them again)."""
    if httpx_job is not None:
        return httpx_job.response_hooks
    return [] if hooks else list(getattr(owner, "event_hooks", {}).get("response", []))


def _is_requests(send: Callable[..., Any]) -> bool:
    owner = getattr(send, "__self__", None)
    module = type(owner).__module__ if owner is not None else getattr(send, "__module__", "") or ""
    return module.split(".")[0] == "requests"


def _run_hooks(response: Any, hooks: list[Callable[..., Any]], kwargs: dict[str, Any]) -> Any:
    """Run requests response hooks once, as requests does (a hook may return a replacement)."""
    for hook in hooks:
        replaced = hook(response, **{k: kwargs[k] for k in ("timeout", "verify", "proxies", "cert", "stream")
                                     if k in kwargs})
        if replaced is not None:
            response = replaced
    return response


async def call_async(send: Callable[..., Awaitable[Any]], *args: Any, deadline_seconds: float | None = None,
                     refresh_auth: Callable[[], str] | None = None, **kwargs: Any) -> Any:
    """`await send(*args, **kwargs)` (an `httpx.AsyncClient` method) as a background job."""
    started = time.monotonic()
    owner = getattr(send, "__self__", None)
    if owner is None:
        raise TypeError("call_async needs a method of an async client, e.g. call_async(client.get, url)")
    deadline_seconds = _deadline_for(deadline_seconds, kwargs, owner)
    kwargs = _with_header(kwargs)
    httpx_job = _QuietHttpx.of(send)
    accepted = await (httpx_job.first if httpx_job else send)(*args, **kwargs)
    job = _accepted_job(accepted)
    if job is None:
        for hook in httpx_job.response_hooks if httpx_job else []:
            await hook(accepted)
        return accepted
    client = httpx_job.polling() if httpx_job else owner
    polled = _poll_kwargs(kwargs, httpx_job.hook_headers if httpx_job else {})
    steps = _Job(str(accepted.request.url), job, deadline_seconds, started).run()
    reply: Any = None
    try:
        while True:
            step = steps.send(reply)
            if isinstance(step, _Sleep):
                await asyncio.sleep(step.seconds)
                reply = None
            elif isinstance(step, _Refresh):
                reply = await client.get(step.url, **polled) if _authorized(polled, refresh_auth) else step.response
            else:
                reply = await client.get(step.url, **polled)
    except StopIteration as done:
        response = _response(accepted, done.value, started)
        for hook in _final_httpx_hooks(httpx_job, owner, []):
            await hook(response)
        return response
    except BackgroundJobError as error:
        raise _poll_error(accepted, error) from None
