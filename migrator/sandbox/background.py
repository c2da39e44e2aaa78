"""Background API jobs and their state documents, as in the API Management spec.

State: `Started` until the job ends, then `Finished` (the endpoint answered, whatever its
status: check `statusCode`) or `Failed` (the job itself broke). No other values exist.

A job belongs to the tenant that submitted it: another tenant's id answers like an unknown id.
State can be polled for 24 hours [DOC]; after `retention` real seconds (24 model hours) a job is
forgotten and its id answers like an unknown one, which also keeps memory bounded.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class JobResult:
    """The finished operation's answer; the body is kept compressed (jobs live 24 model hours)."""

    status_code: int
    body: bytes
    content_type: str
    headers: dict[str, str]

    def __post_init__(self) -> None:
        self._packed = zlib.compress(self.body, 1) if self.body else b""
        self.body = b""
        self.has_body = bool(self._packed)

    @property
    def content(self) -> bytes:
        return zlib.decompress(self._packed) if self._packed else b""


@dataclass
class Job:
    id: str
    state_location: str
    original_uri: str
    webhook_address: str | None
    has_request_content: bool
    tenant: str = ""
    received_at: float = 0.0  # on the store's clock
    received_utc: str = field(default_factory=_utc_now)
    started_utc: str | None = None
    finished_utc: str | None = None
    status: str = "Started"
    status_code: int = 0
    error_message: str | None = None
    result: JobResult | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def content_location(self) -> str:
        return f"{self.state_location}/content"

    def state_document(self) -> dict[str, Any]:
        has_content = bool(self.result and self.result.has_body)
        return {
            "id": self.id,
            "status": self.status,
            "statusCode": self.status_code,
            "receivedUtc": self.received_utc,
            "startedUtc": self.started_utc,
            "finishedUtc": self.finished_utc,
            "webhookAddress": self.webhook_address,
            "errorMessage": self.error_message,
            "reference": None,
            "originalUri": self.original_uri,
            "hasResponseContent": has_content,
            "hasRequestContent": self.has_request_content,
            "contentLocation": self.content_location if has_content else None,
            "responseHeaders": dict(self.result.headers) if self.result else None,
        }


class BackgroundJobs:
    """Runs each job on its own thread; `on_done` (e.g. webhook dispatch) runs after the state is final."""

    def __init__(self, retention: float = 86400.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.retention = retention
        self.clock = clock
        self._jobs: OrderedDict[str, Job] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def _expire_locked(self) -> None:
        cutoff = self.clock() - self.retention
        while self._jobs:
            job = next(iter(self._jobs.values()))
            if job.received_at > cutoff:
                break
            self._jobs.popitem(last=False)

    def submit(
        self,
        api_base: str,
        original_uri: str,
        webhook_address: str | None,
        has_request_content: bool,
        work: Callable[[], JobResult],
        on_done: Callable[[Job], None] | None = None,
        tenant: str = "",
    ) -> Job:
        job_id = str(uuid.uuid4())
        job = Job(
            id=job_id,
            state_location=f"{api_base}/v1/background/{job_id}",
            original_uri=original_uri,
            webhook_address=webhook_address,
            has_request_content=has_request_content,
            tenant=tenant,
            received_at=self.clock(),
        )
        with self._lock:
            self._expire_locked()
            self._jobs[job_id] = job

        def run() -> None:
            job.started_utc = _utc_now()
            try:
                job.result = work()
                job.status_code = job.result.status_code
                job.status = "Finished"
            except Exception as exc:  # noqa: BLE001 - the job broke, not the endpoint: that is what Failed means
                job.status, job.status_code, job.error_message = "Failed", 500, f"{type(exc).__name__}: {exc}"
            job.finished_utc = _utc_now()
            job.done.set()
            if on_done is not None:
                on_done(job)

        threading.Thread(target=run, name=f"sandbox-job-{job_id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str, tenant: str | None = None) -> Job | None:
        """The job, unless it expired or belongs to another tenant (`tenant` None: any)."""
        with self._lock:
            self._expire_locked()
            job = self._jobs.get(job_id.lower())
        if job is None or (tenant is not None and job.tenant != tenant):
            return None
        return job

    def __len__(self) -> int:
        with self._lock:
            self._expire_locked()
            return len(self._jobs)
