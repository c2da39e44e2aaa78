"""Issue 5 end to end: legacy scripts whose call outlasts the (scaled) gateway cut, before and after
`fix --unsafe-fixes`, against the sandbox emulator reached through its proxy environment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from migrator.background import HELPER_FILE, helper_source
from migrator.sandbox.server import Sandbox, running_sandbox

# 240 model seconds become 0.48 real seconds; a 1000-record general-ledger page takes 303 (0.61 s).
SCALE = {"time_scale": 0.002, "records": 1200, "gateway_limit": 240,
         "vni_mode": "pre-2025"}  # the legacy run sends a Visma Connect token to the old host, as VNI once accepted
FAILING_PAGE = "13"  # the emulator has no failing job; this page's worker raises (see _failing_page)

_COMMON = '''
    import hashlib
    import json
    import os
    import sys

    URL = "https://integration.visma.net/API/controller/api/v1/generalLedgerTransactions"
    HEADERS = {"Authorization": "Bearer " + os.environ["VISMA_TOKEN"]}
    PARAMS = {"ledger": {"pageSize": 1000}, "bad-page": {"pageSize": 0}, "failing": {"pageNumber": 13, "pageSize": 10}}


    def report(status, content_type, body):
        print(status, content_type)
        if status == 400:
            print(json.dumps(body, sort_keys=True))
        else:
            print(len(body), hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest())
'''

SCRIPTS = {
    "ledger_requests.py": _COMMON + '''
    import requests


    def main(mode):
        response = requests.get(URL, params=PARAMS[mode], headers=HEADERS, timeout=300)
        if response.status_code != 400:
            response.raise_for_status()
        report(response.status_code, response.headers["Content-Type"], response.json())


    main(sys.argv[1])
''',
    "ledger_httpx.py": _COMMON + '''
    import httpx


    def main(mode):
        with httpx.Client(timeout=300) as client:
            response = client.get(URL, params=PARAMS[mode], headers=HEADERS)
        if response.status_code != 400:
            response.raise_for_status()
        report(response.status_code, response.headers["Content-Type"], response.json())


    main(sys.argv[1])
''',
    "ledger_httpx_async.py": _COMMON + '''
    import asyncio

    import httpx


    async def main(mode):
        async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=300)) as client:
            response = await client.get(URL, params=PARAMS[mode], headers=HEADERS)
        if response.status_code != 400:
            response.raise_for_status()
        report(response.status_code, response.headers["Content-Type"], response.json())


    asyncio.run(main(sys.argv[1]))
''',
}


def _migrator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def _env(box: Sandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return {**env, **box.environment(), "VISMA_TOKEN": box.issue_token(), "VISMA_BACKGROUND_POLL_SECONDS": "0.05"}


def _run(folder: Path, script: str, mode: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, script, mode], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _failing_page(box: Sandbox) -> None:
    """Make the emulator's job worker raise for one page, as a broken back end would: the job ends Failed."""
    original = box.app._resource

    def resource(method, path, query, body, base, *tenant):  # type: ignore[no-untyped-def]
        if query.get("pageNumber") == [FAILING_PAGE]:
            raise RuntimeError("general ledger period 2024-13 is closed")
        return original(method, path, query, body, base, *tenant)

    box.app._resource = resource  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The legacy scripts, a copy after the safe fixes only, and a copy after `fix --unsafe-fixes`."""
    root = tmp_path_factory.mktemp("legacy-ledger")
    trees = {name: root / name for name in ("original", "safe", "unsafe")}
    for tree in trees.values():
        tree.mkdir()
        for name, code in SCRIPTS.items():
            (tree / name).write_text(textwrap.dedent(code), encoding="utf-8")
    assert _migrator("fix", str(trees["safe"])).returncode == 1  # VNI020 (review) remains: exit 1, as ruff --fix
    fixed = _migrator("fix", "--unsafe-fixes", str(trees["unsafe"]))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    return trees


def test_the_fix_routes_each_library_through_the_helper(legacy: dict[str, Path]) -> None:
    unsafe = legacy["unsafe"]
    assert "visma_background.call(requests.get, URL," in (unsafe / "ledger_requests.py").read_text()
    assert "visma_background.call(client.get, URL," in (unsafe / "ledger_httpx.py").read_text()
    assert "await visma_background.call_async(client.get, URL," in (unsafe / "ledger_httpx_async.py").read_text()
    helper = unsafe / HELPER_FILE
    assert helper.read_text() == helper_source()
    assert oct(helper.stat().st_mode & 0o777) == "0o644"
    assert not (legacy["safe"] / HELPER_FILE).exists()  # VNI020 is a review fix: plain `fix` leaves calls alone


def test_second_unsafe_fix_changes_nothing(legacy: dict[str, Path]) -> None:
    before = {p.name: p.read_bytes() for p in legacy["unsafe"].iterdir() if p.is_file()}
    again = _migrator("fix", "--unsafe-fixes", "--check", str(legacy["unsafe"]))
    assert again.returncode == 0, again.stdout
    assert _migrator("fix", "--unsafe-fixes", str(legacy["unsafe"])).returncode == 0
    assert {p.name: p.read_bytes() for p in legacy["unsafe"].iterdir() if p.is_file()} == before


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_long_call_fails_after_the_url_move_and_returns_identical_data_after_the_fix(
    legacy: dict[str, Path], script: str
) -> None:
    with running_sandbox(**SCALE) as box:
        _failing_page(box)
        env = _env(box)
        old = _run(legacy["original"], script, "ledger", env)
        cut = _run(legacy["safe"], script, "ledger", env)
        new = _run(legacy["unsafe"], script, "ledger", env)
        old_400 = _run(legacy["original"], script, "bad-page", env)
        new_400 = _run(legacy["unsafe"], script, "bad-page", env)
        failed = _run(legacy["unsafe"], script, "failing", env)
        seen = list(box.app.requests_seen)
    assert old.returncode == 0, old.stderr
    assert old.stdout.splitlines()[1].startswith("1000 ")
    assert cut.returncode != 0 and "504" in cut.stderr  # API Management's cut, without the background API
    assert new.returncode == 0, new.stderr
    assert new.stdout == old.stdout  # same status, content type, records
    assert old_400.returncode == new_400.returncode == 0
    assert new_400.stdout == old_400.stdout and new_400.stdout.startswith("400 ")
    assert failed.returncode != 0
    assert "BackgroundJobFailed" in failed.stderr and "general ledger period 2024-13 is closed" in failed.stderr
    assert ("GET", "integration.visma.net", "/API/controller/api/v1/generalLedgerTransactions") in seen
    assert any(host == "api.finance.visma.net" and path.startswith("/v1/background/") for _, host, path in seen)


def test_helper_waits_as_retry_after_says(legacy: dict[str, Path]) -> None:
    statuses: list[tuple[float, int, str]] = []
    with running_sandbox(**SCALE, rate_limit=4, rate_window=1.5) as box:
        handle = box.app.handle

        def recording(request):  # type: ignore[no-untyped-def]
            response = handle(request)
            statuses.append((time.monotonic(), response.status, response.headers.get("Retry-After", "")))
            return response

        box.app.handle = recording  # type: ignore[method-assign]
        run = _run(legacy["unsafe"], "ledger_requests.py", "ledger", _env(box))
        reference = _run(legacy["original"], "ledger_requests.py", "ledger", {**_env(box)})
    assert run.returncode == 0, run.stderr
    assert reference.returncode == 0 and run.stdout == reference.stdout
    limited = [i for i, (_, status, _) in enumerate(statuses) if status == 429]
    assert limited, "the rate limit never answered 429: the test does not test anything"
    first = limited[0]
    wait = float(statuses[first][2])
    assert statuses[first + 1][0] - statuses[first][0] >= wait  # asked again only after Retry-After
    assert statuses[first + 1][1] != 429
