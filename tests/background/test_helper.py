"""The helper module written into users' projects, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import requests

from migrator.background import visma_background
from migrator.background.visma_background import (
    BackgroundJobError,
    BackgroundJobFailed,
    BackgroundJobTimeout,
)

from .conftest import JobServer, state

ROWS = [{"tranId": 1}, {"tranId": 2}]
AUTH = {"Authorization": "Bearer secret-token"}


def _finished(server: JobServer, status_code: int = 200, body: object = ROWS) -> None:
    server.content = json.dumps(body).encode()
    server.states = [state("Started"), state("Started"), state("Finished", status_code, content=True)]


def test_requests_function_returns_the_endpoint_response(job_server: JobServer) -> None:
    _finished(job_server)
    response = visma_background.call(requests.get, f"{job_server.url}/v1/ledger", params={"pageSize": 2},
                                     headers=AUTH, timeout=300)
    assert isinstance(response, requests.Response)
    assert (response.status_code, response.json()) == (200, ROWS)
    assert response.url.startswith(f"{job_server.url}/v1/ledger?pageSize=2")
    submit, *polls = job_server.seen
    assert submit.headers["erp-api-background"] == "none" and "pageSize=2" in submit.path
    assert [p.path for p in polls] == ["/v1/background/job-1"] * 3 + ["/v1/background/job-1/content"]
    assert all(p.headers["authorization"] == "Bearer secret-token" for p in polls)
    assert all("erp-api-background" not in p.headers for p in polls)


def test_requests_session_polls_with_the_session(job_server: JobServer) -> None:
    _finished(job_server)
    with requests.Session() as session:
        session.headers["Authorization"] = "Bearer from-session"
        response = visma_background.call(session.post, f"{job_server.url}/v1/journal", json={"lines": []})
    assert response.json() == ROWS
    assert job_server.seen[0].method == "POST"
    assert {p.method for p in job_server.seen[1:]} == {"GET"}
    assert {p.headers["authorization"] for p in job_server.seen} == {"Bearer from-session"}


def test_finished_with_400_is_the_same_400(job_server: JobServer) -> None:
    _finished(job_server, 400, {"message": "pageSize must be at least 1, got 0"})
    response = visma_background.call(requests.get, f"{job_server.url}/v1/ledger", params={"pageSize": 0})
    assert response.status_code == 400 and not response.ok
    assert response.json() == {"message": "pageSize must be at least 1, got 0"}
    with pytest.raises(requests.HTTPError, match="400 Client Error: Bad Request"):
        response.raise_for_status()


def test_failed_job_raises_naming_the_job_and_its_error(job_server: JobServer) -> None:
    job_server.states = [state("Started"), state("Failed", 500, error="Period 2024-13 is closed")]
    with pytest.raises(BackgroundJobFailed, match="job-1 failed: Period 2024-13 is closed") as raised:
        visma_background.call(requests.get, f"{job_server.url}/v1/ledger")
    assert raised.value.job_id == "job-1" and raised.value.state["status"] == "Failed"


def test_429_while_polling_waits_as_retry_after_says(job_server: JobServer) -> None:
    _finished(job_server)
    job_server.states.insert(1, (429, {"Retry-After": "1"}, {"message": "rate limit exceeded"}))
    response = visma_background.call(requests.get, f"{job_server.url}/v1/ledger")
    assert response.json() == ROWS
    limited = next(i for i, s in enumerate(job_server.seen) if s.status == 429)
    # the helper never asks again before Retry-After has passed (a lower bound, not a timing race)
    assert job_server.seen[limited + 1].at - job_server.seen[limited].at >= 1.0


def test_deadline_raises_a_clear_timeout(job_server: JobServer) -> None:
    job_server.states = [state("Started")]
    with pytest.raises(BackgroundJobTimeout, match=r"job-1 did not finish within 0.3 s \(last status Started\)"):
        visma_background.call(requests.get, f"{job_server.url}/v1/ledger", deadline_seconds=0.3)


def test_deadline_from_the_environment(job_server: JobServer, monkeypatch: pytest.MonkeyPatch) -> None:
    job_server.states = [state("Started")]
    monkeypatch.setenv("VISMA_BACKGROUND_DEADLINE_SECONDS", "0.2")
    with pytest.raises(TimeoutError, match="within 0.2 s"):
        visma_background.call(requests.get, f"{job_server.url}/v1/ledger")


def test_httpx_client_and_function(job_server: JobServer) -> None:
    _finished(job_server)
    with httpx.Client(base_url=job_server.url, headers=AUTH) as client:
        response = visma_background.call(client.get, "/v1/ledger", params={"pageSize": 2})
    assert isinstance(response, httpx.Response)
    assert (response.status_code, response.json()) == (200, ROWS)
    response.raise_for_status()  # needs the request set, as httpx responses have it
    _finished(job_server, 404, {"message": "no such ledger"})
    missing = visma_background.call(httpx.get, f"{job_server.url}/v1/ledger/x", headers=AUTH, timeout=300)
    assert missing.status_code == 404 and missing.json() == {"message": "no such ledger"}
    with pytest.raises(httpx.HTTPStatusError):
        missing.raise_for_status()


def test_httpx_async_client(job_server: JobServer) -> None:
    _finished(job_server)

    async def main() -> httpx.Response:
        async with httpx.AsyncClient(headers=AUTH) as client:
            return await visma_background.call_async(client.get, f"{job_server.url}/v1/ledger")

    response = asyncio.run(main())
    assert isinstance(response, httpx.Response) and response.json() == ROWS
    assert all(s.headers["authorization"] == "Bearer secret-token" for s in job_server.seen)


def test_state_location_on_another_origin_is_not_followed(job_server: JobServer) -> None:
    job_server.state_host = "http://127.0.0.2:9"
    _finished(job_server)
    with pytest.raises(BackgroundJobError, match="not on the origin of the request"):
        visma_background.call(requests.get, f"{job_server.url}/v1/ledger", headers=AUTH)
    assert len(job_server.seen) == 1  # the credentials went nowhere else


def test_an_answer_that_is_not_a_job_is_returned_unchanged(job_server: JobServer) -> None:
    job_server.accepts, job_server.direct = False, (401, {"message": "expired token"})
    response = visma_background.call(requests.get, f"{job_server.url}/v1/ledger")
    assert (response.status_code, response.json()) == (401, {"message": "expired token"})
    assert len(job_server.seen) == 1


def test_job_without_content_returns_an_empty_body(job_server: JobServer) -> None:
    job_server.states = [state("Finished", 204, content=False, headers={})]
    response = visma_background.call(requests.put, f"{job_server.url}/v1/customer/1", json={"name": "x"})
    assert (response.status_code, response.content) == (204, b"")
    assert [s.path for s in job_server.seen[1:]] == ["/v1/background/job-1"]


class _CountingTransport(httpx.HTTPTransport):
    """The caller's own transport: the helper must send the job's requests through it."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


def _hooks(seen: dict[str, list]) -> dict[str, list]:
    return {"request": [lambda request: seen["request"].append(request.url.path)],
            "response": [lambda response: seen["response"].append(response.status_code)]}


def test_httpx_event_hooks_run_once_as_for_the_direct_call(job_server: JobServer) -> None:
    _finished(job_server)
    seen: dict[str, list] = {"request": [], "response": []}
    hooks = _hooks(seen)
    transport = _CountingTransport()
    with httpx.Client(headers=AUTH, event_hooks=hooks, transport=transport) as client:
        response = visma_background.call(client.get, f"{job_server.url}/v1/ledger", params={"pageSize": 2})
        assert client.event_hooks == hooks  # the caller's client is left as it was
        assert client.get(f"{job_server.url}/v1/ledger/content").status_code == 200  # its transport still open
    assert response.json() == ROWS
    # before: the request hook on the 202 and every poll, the response hook on those and again at the end
    assert seen == {"request": ["/v1/ledger", "/v1/ledger/content"], "response": [200, 200]}
    assert transport.sent == len(job_server.seen) == 6  # submit, 3 polls, content, the check above


def test_httpx_response_hooks_run_once_on_an_answer_that_is_not_a_job(job_server: JobServer) -> None:
    job_server.accepts, job_server.direct = False, (400, {"message": "pageSize must be at least 1"})
    seen: dict[str, list] = {"request": [], "response": []}
    with httpx.Client(event_hooks=_hooks(seen)) as client:
        response = visma_background.call(client.get, f"{job_server.url}/v1/ledger", params={"pageSize": 0})
    assert response.status_code == 400
    assert seen == {"request": ["/v1/ledger"], "response": [400]}


def test_httpx_mounted_transports_carry_the_polls(job_server: JobServer) -> None:
    _finished(job_server)
    mounted = _CountingTransport()
    with httpx.Client(headers=AUTH, mounts={"http://127.0.0.1": mounted}) as client:
        assert visma_background.call(client.get, f"{job_server.url}/v1/ledger").json() == ROWS
    assert mounted.sent == len(job_server.seen) == 5


def test_a_token_set_by_an_httpx_request_hook_goes_with_the_polls(job_server: JobServer) -> None:
    _finished(job_server)
    calls = []

    def authorize(request: httpx.Request) -> None:
        calls.append((request.url.path, request.headers.get("erp-api-background")))
        request.headers["Authorization"] = "Bearer from-hook"

    with httpx.Client(event_hooks={"request": [authorize]}) as client:
        assert visma_background.call(client.get, f"{job_server.url}/v1/ledger").json() == ROWS
    assert calls == [("/v1/ledger", None)]  # the request as the direct call sent it
    assert job_server.seen[0].headers["erp-api-background"] == "none"
    assert {s.headers.get("authorization") for s in job_server.seen} == {"Bearer from-hook"}


def test_httpx_async_event_hooks_run_once_as_for_the_direct_call(job_server: JobServer) -> None:
    _finished(job_server)
    seen: dict[str, list] = {"request": [], "response": []}

    async def on_request(request: httpx.Request) -> None:
        seen["request"].append(request.url.path)

    async def on_response(response: httpx.Response) -> None:
        seen["response"].append(response.status_code)

    hooks = {"request": [on_request], "response": [on_response]}

    async def main() -> httpx.Response:
        async with httpx.AsyncClient(headers=AUTH, event_hooks=hooks) as client:
            response = await visma_background.call_async(client.get, f"{job_server.url}/v1/ledger")
            assert client.event_hooks == hooks
            return response

    assert asyncio.run(main()).json() == ROWS
    assert seen == {"request": ["/v1/ledger"], "response": [200]}
