"""A local test certificate authority (via `trustme`) and the TLS context the proxy presents.

The CA is kept in a state folder so `vni-migrate sandbox --print-env` and a running
`vni-migrate sandbox` agree on it. The key never leaves that folder (mode 0600); trust it only
in the environment of the integration under test, never system-wide.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path

import certifi
import trustme

from migrator.sandbox.hosts import INTERCEPTED_HOSTS

CA_CERT = "ca-cert.pem"
CA_KEY = "ca-key.pem"
CA_BUNDLE = "ca-bundle.pem"  # the local CA plus certifi's roots, for SSL_CERT_FILE / REQUESTS_CA_BUNDLE


def default_state_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "vni-migrate" / "sandbox"


def _write(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LocalCA:
    """Loads the CA from `state_dir`, creating it on first use."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = self.state_dir / CA_CERT, self.state_dir / CA_KEY
        if cert_path.is_file() and key_path.is_file():
            self._ca = trustme.CA.from_pem(cert_path.read_bytes(), key_path.read_bytes())
        else:
            self._ca = trustme.CA(organization_name="vni-migrate sandbox (local test CA)")
            _write(key_path, self._ca.private_key_pem.bytes(), 0o600)
            _write(cert_path, self._ca.cert_pem.bytes(), 0o644)
        bundle = self._ca.cert_pem.bytes() + b"\n" + Path(certifi.where()).read_bytes()
        bundle_path = self.state_dir / CA_BUNDLE
        if not bundle_path.is_file() or bundle_path.read_bytes() != bundle:
            _write(bundle_path, bundle, 0o644)

    @property
    def cert_path(self) -> Path:
        return self.state_dir / CA_CERT

    @property
    def bundle_path(self) -> Path:
        return self.state_dir / CA_BUNDLE

    def server_context(self) -> ssl.SSLContext:
        """A server context whose certificate covers the intercepted hosts (and 127.0.0.1, localhost)."""
        leaf = self._ca.issue_cert(*sorted(INTERCEPTED_HOSTS), "localhost", "127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        leaf.configure_cert(context)
        return context
