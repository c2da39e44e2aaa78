"""Generators (and timings) for one very large file: a generated C# client class and a Python module of classes.

    python -m benchmarks.large_files csharp 8000      # one C# class with 8,000 fields
    python -m benchmarks.large_files python 20000     # one Python module of ~20,000 lines of client classes

Each run writes the file to a temporary directory, times `vni-migrate scan` and `fix --diff` on it and prints
the seconds and the peak memory of the child process.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_tree import CLASS_TEMPLATE, MODULE_HEADER, RESOURCES  # noqa: E402
from benchmarks.measure import run_measured  # noqa: E402


def csharp_client(fields: int, seed: int = 7) -> str:
    """One C# class with `fields` URL fields, a third of them built from a partial base, plus methods using some."""
    rng = random.Random(seed)
    lines = ["using System;", "using System.Net.Http;", "", "namespace Generated.Client", "{",
             "    public partial class VismaClient", "    {",
             '        private const string Base = "https://integration.visma.net/API";',
             '        private static readonly string Root = "https://integration.visma.net/API/controller/api/v1/";']
    for i in range(fields):
        resource = rng.choice(RESOURCES)
        kind = i % 3
        if kind == 0:
            lines.append(f'        public const string Url{i} = "https://integration.visma.net/API/controller/api/v1/{resource}/{i}";')
        elif kind == 1:
            lines.append(f'        public static readonly string Url{i} = Base + "/controller/api/v1/{resource}";')
        else:
            lines.append(f'        public string Name{i} {{ get; set; }} = "field{i}";')
    for i in range(0, fields, 50):
        lines += [f"        public string Get{i}(HttpClient client)", "        {",
                  f"            return client.GetStringAsync(Url{i - i % 3}).Result;", "        }"]
    lines += ["    }", "}", ""]
    return "\n".join(lines)


def python_module(target_lines: int, seed: int = 7) -> str:
    """One module of generated client classes (the benchmark tree's shape) of about `target_lines` lines."""
    rng = random.Random(seed)
    parts = [MODULE_HEADER.format(index=0)]
    lines = parts[0].count("\n")
    j = 0
    while lines < target_lines:
        resource = rng.choice(RESOURCES)
        text = CLASS_TEMPLATE.format(name=f"{resource.title()}0x{j}", resource=resource, page=rng.choice([100, 500, 1000]))
        parts.append(text)
        lines += text.count("\n")
        j += 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["csharp", "python"])
    parser.add_argument("sizes", type=int, nargs="+", help="fields (csharp) or lines (python)")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary directory")
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = args.keep or Path(tmp)
            root.mkdir(parents=True, exist_ok=True)
            if args.kind == "csharp":
                path = root / f"VismaClient{size}.cs"
                path.write_text(csharp_client(size), encoding="utf-8")
            else:
                path = root / f"clients_{size}.py"
                path.write_text(python_module(size), encoding="utf-8")
            lines = path.read_text(encoding="utf-8").count("\n")
            for command in ("scan", "fix --diff"):
                seconds, peak, code = run_measured([sys.executable, "-m", "migrator", *command.split(), str(path)], cwd=root)
                print(f"{args.kind} {size:>6}: {lines:>6} lines  {command:<10} {seconds:7.2f} s  {peak:6.0f} MiB  exit {code}")


if __name__ == "__main__":
    main()
