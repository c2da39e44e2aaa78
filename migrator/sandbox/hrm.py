"""A small emulation of the Visma.net HRM analytics export API (`api.analytics1.hrm.visma.net`).

Not part of the move, but integrations that call it must run through the sandbox's proxy. What is
emulated, and from where:
- `POST /v1/command/{country}/hrm/{dataset}` begins an export and answers with a `jobId` [DOC]+[CODE];
  the status code is not stated (emulator choice: 202);
- `GET /v1/query/{country}/hrm/{dataset}/{jobId}` answers 202 while the job runs and 200 with the
  result file locations when done [DOC]; the body carries `status` (`InProgress`/`Completed`) and a
  `<name>FileUris` list (`employeeFileUris`, `usersFileUris`, `organizationUnitsFileUris` [CODE];
  other datasets: camel-cased name + `FileUris`, [INFERRED]);
- the file is CSV, fetched without a token [CODE].
A job runs `JOB_MODEL_SECONDS`; jobs are per tenant and expire like background jobs.
"""

from __future__ import annotations

import csv
import io
import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

HRM_HOST = "api.analytics1.hrm.visma.net"
JOB_MODEL_SECONDS = 5.0
_FILE_FIELDS = {"employees": "employeeFileUris", "users": "usersFileUris",
                "organization-units": "organizationUnitsFileUris"}
_FIRST = ["Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Iris", "Jesse", "Lotte", "Sem"]
_LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos"]


def file_field(dataset: str) -> str:
    last = dataset.rstrip("/").split("/")[-1]
    if last in _FILE_FIELDS:
        return _FILE_FIELDS[last]
    head, *rest = last.split("-")
    return head + "".join(part.title() for part in rest) + "FileUris"


@dataclass
class HrmJob:
    id: str
    tenant: str
    dataset: str
    ready_at: float
    created_at: float


def csv_rows(tenant: str, dataset: str, count: int) -> str:
    """Deterministic CSV content for a dataset, per tenant."""
    out = io.StringIO()
    writer = csv.writer(out)
    if dataset.endswith("employees"):
        writer.writerow(["employeeid", "firstname", "lastname", "businessemailaddress"])
        for i in range(count):
            rng = random.Random(f"{tenant}:hrm:{dataset}:{i}")
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            writer.writerow([str(5000 + i), first, last, f"{first}.{last.replace(' ', '')}{i}@example.com".lower()])
    else:
        writer.writerow(["id", "name"])
        for i in range(count):
            rng = random.Random(f"{tenant}:hrm:{dataset}:{i}")
            writer.writerow([str(i + 1), f"{rng.choice(_LAST)} {dataset.split('/')[-1]} {i + 1}"])
    return out.getvalue()


class HrmExports:
    """Export jobs of the HRM analytics API."""

    def __init__(self, job_real_seconds: float, retention: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_real_seconds = job_real_seconds
        self.retention = retention
        self.clock = clock
        self._jobs: OrderedDict[str, HrmJob] = OrderedDict()
        self._lock = threading.Lock()

    def _expire_locked(self) -> None:
        cutoff = self.clock() - self.retention
        while self._jobs and next(iter(self._jobs.values())).created_at <= cutoff:
            self._jobs.popitem(last=False)

    def begin(self, tenant: str, dataset: str) -> HrmJob:
        now = self.clock()
        job = HrmJob(str(uuid.uuid4()), tenant, dataset, now + self.job_real_seconds, now)
        with self._lock:
            self._expire_locked()
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str, tenant: str | None = None) -> HrmJob | None:
        with self._lock:
            self._expire_locked()
            job = self._jobs.get(job_id.lower())
        return None if job is None or (tenant is not None and job.tenant != tenant) else job

    def done(self, job: HrmJob) -> bool:
        return self.clock() >= job.ready_at
