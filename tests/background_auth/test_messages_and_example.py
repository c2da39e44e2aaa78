"""Messages survive redaction intact, and the bundled example shows the VNI auth flow and ipp headers."""

import json
from pathlib import Path

import pytest

from migrator.redact import redact
from tests.background_auth.helpers import found
from tests.conftest import ROOT

OLD = "https://integration.visma.net/API"
SAMPLES = {
    "VNI012": 'headers = {"erp_api_background": "none"}\n',
    "VNI013": 'headers = {"erp-api-background": "async"}\n',
    "VNI014": 'WEBHOOK_URL = "http://h.example.com/in"\n',
    "VNI030": f'requests.get("{OLD}/resources/v1/event")\n',
    "VNI031": f'requests.get("{OLD}/resources/v1/context")\n',
    "VNI032": (
        f'import requests\nr = requests.post("{OLD}/security/api/v2/token", data={{"grant_type": "password"}})\n'
        'T = r.json()["token"]\n'
    ),
    "VNI033": 'headers = {"ipp-company-id": c, "A": 1}\n',
    "VNI034": 'HOSTS = {"integration.visma.net"}\n',
    "VNI035": 'import requests\nT = requests.post("https://connect.visma.com/connect/token", data=F).json()["access_token"]\n',
}


@pytest.mark.parametrize("rule", SAMPLES)
def test_message_is_not_mangled_by_secret_redaction(rule: str) -> None:
    findings = found(SAMPLES[rule], rule)
    assert findings, rule
    for finding in findings:
        assert redact(finding.message) == finding.message


def test_example_reports_the_vni_auth_flow_and_ipp_headers(cli) -> None:
    example = ROOT / "examples" / "legacy-integration"
    result = cli("scan", "--format", "json", "--select", "VNI01,VNI03", str(example))
    assert result.returncode == 1, result.stderr
    found_rules = {(Path(f["path"]).name, f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert {("auth.py", "VNI032", 9), ("auth.py", "VNI032", 10), ("auth.py", "VNI031", 11)} <= found_rules
    assert ("auth.py", "VNI032", 25) in found_rules  # the password grant
    assert ("auth.py", "VNI032", 34) in found_rules  # response.json()["token"]
    assert {("client.py", "VNI033", 26), ("client.py", "VNI033", 27)} <= found_rules


def test_unsafe_fix_of_the_example_removes_the_ipp_headers(cli, example_copy: Path) -> None:
    assert cli("fix", "--unsafe-fixes", "--select", "VNI033", str(example_copy)).returncode == 0
    client = (example_copy / "visma_sync" / "client.py").read_text()
    assert "ipp-" not in client
    assert '            {\n                "Authorization": f"Bearer {token or os.environ.get(\'VISMA_TOKEN\', \'\')}",\n            }\n' in client
    assert cli("fix", "--check", "--unsafe-fixes", "--select", "VNI033", str(example_copy)).returncode == 0
