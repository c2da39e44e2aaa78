"""Benchmark: the sandbox's resident memory under sustained load stays bounded.

Starts `vni-migrate sandbox` as a separate process on 127.0.0.1 (so only the server is measured),
then 50 concurrent clients send 10,000 requests: list pages of many roots, single records,
token requests, POSTs, background jobs and state polls. Prints the server's resident memory after
the first 1,000 requests and at the end; the target is growth below 20 MB. Background jobs expire
after 24 model hours, which at --time-scale 0.0001 is 8.6 real seconds, so a long run exercises
the expiry too. Linux only (reads /proc/PID/status).

    python benchmarks/sandbox_memory.py [--requests 10000] [--clients 50]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from migrator.sandbox.routing import SandboxRoutingTransport

API = "https://api.finance.visma.net"
ROOTS = ["/v1/customer", "/v1/customerinvoice", "/v1/supplier", "/v1/account", "/v1/department", "/v1/inventory",
         "/v2/generalLedgerBalance", "/v2/journaltransaction", "/v1/salesorder", "/v1/project", "/v1/salesperson",
         "/v1/PurchaseReceipt", "/v1/currency", "/v1/employee"]
TARGET_MB = 20.0


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text)[1]) / 1024


def start_sandbox(state: str) -> tuple[subprocess.Popen[str], int]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    process = subprocess.Popen([sys.executable, "-m", "migrator", "sandbox", "--port", "0", "--time-scale", "0.0001",
                                "--records", "300", "--state-dir", state, "--webhook-attempts", "1"],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    assert process.stderr is not None
    while True:
        line = process.stderr.readline()
        if not line:
            raise SystemExit("the sandbox did not start")
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if found:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep its pipe drained
            return process, int(found[1])


class Load:
    def __init__(self, port: int, total: int) -> None:
        self.port = port
        self.total = total
        self.sent = 0
        self.errors = 0
        self.error_kinds: dict[str, int] = {}
        self.lock = threading.Lock()
        self.first_thousand = threading.Event()

    def next_index(self) -> int | None:
        with self.lock:
            if self.sent >= self.total:
                return None
            self.sent += 1
            if self.sent == 1000:
                self.first_thousand.set()
            return self.sent

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(transport=SandboxRoutingTransport("127.0.0.1", self.port), trust_env=False,
                          timeout=60) as http:
            token, jobs = "", []
            while (index := self.next_index()) is not None:
                try:
                    if not token or index % 25 == 0:
                        token = http.post("https://connect.visma.com/connect/token", data={
                            "grant_type": "client_credentials", "client_id": f"bench-{seed}", "client_secret": "s",
                            "tenant_id": str(1000000 + seed % 5)}).json()["access_token"]
                        continue
                    auth = {"Authorization": f"Bearer {token}"}
                    choice = rng.random()
                    if choice < 0.55:
                        root = rng.choice(ROOTS)
                        http.get(f"{API}{root}", params={"pageNumber": rng.randint(1, 6), "pageSize": 50,
                                                         "nonce": index}, headers=auth)
                    elif choice < 0.7:
                        http.get(f"{API}/v1/customer/{10000 + rng.randrange(300)}", headers=auth)
                    elif choice < 0.8:
                        http.post(f"{API}/v1/department", json={"description": f"bench {index}"}, headers=auth)
                    elif choice < 0.9 or not jobs:
                        accepted = http.get(f"{API}/v1/customerinvoice", params={"pageSize": 100},
                                            headers={**auth, "erp-api-background": "none"}).json()
                        jobs.append(accepted["stateLocation"])
                        del jobs[:-5]
                    else:
                        http.get(rng.choice(jobs), headers=auth)
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    with self.lock:
                        self.errors += 1
                        kind = type(exc).__name__
                        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vni-sandbox-bench-") as state:
        process, port = start_sandbox(state)
        try:
            load = Load(port, args.requests)
            threads = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            load.first_thousand.wait()
            after_first = rss_mb(process.pid)
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            final = rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(10)
    growth = final - after_first
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(load.error_kinds.items()))
    print(f"requests {load.sent} from {args.clients} clients in {elapsed:.1f} s "
          f"({load.errors} client-side errors{': ' + kinds if kinds else ''})")
    print(f"sandbox resident memory: {after_first:.1f} MB after the first 1,000 requests, {final:.1f} MB at the end")
    print(f"growth after the first 1,000: {growth:.1f} MB (target < {TARGET_MB:g} MB): "
          f"{'OK' if growth < TARGET_MB else 'OVER'}")
    sys.exit(0 if growth < TARGET_MB else 1)


if __name__ == "__main__":
    main()
