"""Run a fixture project with its language's real runtime and collect the URLs it builds.

Each fixture prints one URL a line. Runtimes: Python, Node.js (TypeScript through the npm
`typescript` compiler, installed once into a cache folder), javac/java, Go (Debian's golang-go),
PHP (Debian's php-cli); C# is evaluated from its syntax tree (`csharp_eval`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.url_model import csharp_eval

_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "vni-migrate-tests"


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return [line for line in done.stdout.splitlines() if line.strip()]


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    return found


def python(root: Path, stage: str) -> list[str]:
    return _run([sys.executable, "main.py"], root)


def python_half(root: Path, stage: str) -> list[str]:
    # The Singer-like framework joins url_base and path itself; nothing in the tree does.
    script = (
        "import sys; sys.path.insert(0, '.')\n"
        "from tap_visma import streams\n"
        "for cls in (streams.DepartmentStream, streams.InventoryStream):\n"
        "    print(cls().url_base + cls.path)\n"
    )
    return _run([sys.executable, "-c", script], root)


def node(root: Path, stage: str) -> list[str]:
    return _run([_need("node"), "index.js"], root)


def typescript(root: Path, stage: str) -> list[str]:
    node_bin = _need("node")
    tsc = _CACHE / "typescript" / "node_modules" / "typescript" / "bin" / "tsc"
    if not tsc.exists():
        npm = _need("npm")
        (_CACHE / "typescript").mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(_CACHE / "typescript"), "typescript@5"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"the npm typescript package could not be installed: {done.stderr[-300:]}")
    out = root / ".build"
    _run([node_bin, str(tsc), "--outDir", str(out), "--module", "commonjs", "--target", "es2019", "--strict",
          "src/main.ts", "test/orders.test.ts"], root)
    urls = _run([node_bin, str(out / "src" / "main.js")], root)
    test = _run([node_bin, str(out / "test" / "orders.test.js")], root)  # the project's own test must pass
    shutil.rmtree(out)
    return urls + test


def java(root: Path, stage: str) -> list[str]:
    javac, java_bin = _need("javac"), _need("java")
    out = root.parent / f"{root.name}-classes"
    sources = [str(p) for p in sorted(root.rglob("*.java"))]
    _run([javac, "-d", str(out), *sources], root)
    for resource in root.rglob("*.properties"):
        shutil.copy(resource, out / resource.name)
    main = "com.acme.visma.Main" if (root / "src" / "main").exists() else "com.acme.Main"
    # An external base: the deployment sets it, before and after the change the finding asks for.
    env = {"VISMA_BASE_PATH": "https://integration.visma.net/API" if stage == "before" else "https://api.finance.visma.net"}
    urls = _run([java_bin, "-cp", str(out), main], root, env)
    shutil.rmtree(out)
    return urls


def go(root: Path, stage: str) -> list[str]:
    go_bin = _need("go")
    env = {"GOCACHE": str(_CACHE / "gocache"), "GOPATH": str(_CACHE / "gopath"), "GOFLAGS": "-mod=mod", "GOPROXY": "off"}
    return _run([go_bin, "run", "."], root, env)


def php(root: Path, stage: str) -> list[str]:
    return _run([_need("php"), "main.php"], root)


def csharp(root: Path, stage: str) -> list[str]:
    return csharp_eval.built_urls(root, {"number": "42"})


RUNNERS: dict[str, Callable[[Path, str], list[str]]] = {
    "python": python, "python_half": python_half, "javascript": node, "typescript": typescript, "java": java,
    "java_external": java, "go": go, "go_half": go, "php": php, "csharp": csharp,
    # half-migrated variants: the new host with a share of the old prefix left in the base
    "csharp_half": csharp, "java_half": java, "typescript_half": typescript, "javascript_half": node, "php_half": php,
}
