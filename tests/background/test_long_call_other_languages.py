"""VNI022: client timeouts of 240 s or more in C#, Java, Go, PHP, JavaScript and TypeScript files that
call Visma get a manual finding with the background-API recipe in that language."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.findings import FixSafety
from migrator.runner import RunOptions, run
from tests.webhooks.helpers import tree

BASE = "https://api.finance.visma.net/v1"
CASES = {
    "Export.cs": (f'var url = "{BASE}/customer";\nvar client = new HttpClient {{ Timeout = TimeSpan.FromMinutes(10) }};\n'
                  'client.Timeout = Timeout.InfiniteTimeSpan;\nvar quick = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };\n',
                  {(2, "600 s"), (3, "no timeout (infinite)")}, "C#", 'request.Headers.Add("erp-api-background", "none")'),
    "Export.java": ('class Export {\n  static final String URL = "' + BASE + '/customer";\n  void run() {\n'
                    '    conn.setReadTimeout(10 * 60 * 1000);\n    conn.setReadTimeout(30000);\n'
                    '    client.newBuilder().readTimeout(5, TimeUnit.MINUTES);\n  }\n}\n',
                    {(4, "600 s"), (6, "300 s")}, "Java", 'header("erp-api-background", "none")'),
    "main.go": (f'package main\n\nconst base = "{BASE}"\n\nvar client = &http.Client{{Timeout: 10 * time.Minute}}\n'
                'var short = &http.Client{Timeout: 30 * time.Second}\n\nfunc f() {\n\tclient.Timeout = time.Duration(900) * time.Second\n}\n',
                {(5, "600 s"), (9, "900 s")}, "Go", 'req.Header.Set("erp-api-background", "none")'),
    "export.php": (f"<?php\n$client = new GuzzleHttp\\Client(['base_uri' => '{BASE}/', 'timeout' => 300]);\n"
                   f"$rows = Http::timeout(600)->get('{BASE}/customer');\n$ok = Http::timeout(30)->get('{BASE}/customer');\n",
                   {(2, "300 s"), (3, "600 s")}, "PHP", "'erp-api-background' => 'none'"),
    "export.js": (f'const api = axios.create({{ baseURL: "{BASE}", timeout: 5 * 60 * 1000 }});\n'
                  f'const quick = axios.create({{ baseURL: "{BASE}", timeout: 30000 }});\n',
                  {(1, "300 s")}, "JavaScript", "'erp-api-background': 'none'"),
    "export.ts": (f'const signal = AbortSignal.timeout(600000);\nfetch("{BASE}/customer", {{ signal }});\n',
                  {(1, "600 s")}, "TypeScript", "'erp-api-background': 'none'"),
}


def _findings(root: Path) -> list:
    return [f for f in run([root], RunOptions(select=("VNI022",))).findings if f.rule == "VNI022"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_long_timeouts_are_reported_with_the_languages_recipe(tmp_path: Path, name: str) -> None:
    text, expected, language, recipe = CASES[name]
    root = tree(tmp_path, {name: text})
    found = _findings(root)
    assert {(f.line, f.message.split("HTTP timeout of ", 1)[1].split(" in ", 1)[0]) for f in found} == expected
    assert all(f.fix is FixSafety.MANUAL and f"in {language} (" in f.message and recipe in f.message for f in found)
    assert (root / name).read_text() == text  # never rewritten


def test_files_that_do_not_call_visma_are_not_read(tmp_path: Path) -> None:
    root = tree(tmp_path, {"Other.cs": 'var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };\n'})
    assert _findings(root) == []
