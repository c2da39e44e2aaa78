"""Internal errors keep the exit-code contract: 2, one line, no traceback (1 would read as 'findings')."""

import subprocess
import sys
import textwrap


def test_an_internal_error_exits_2_with_one_line(tmp_path) -> None:
    script = textwrap.dedent(
        """
        import sys
        import migrator.runner as runner

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        runner.run = broken
        import migrator.cli_options
        migrator.cli_options.run = broken
        sys.argv = ["vni-migrate", "scan", sys.argv[1]]
        from migrator.cli import main
        main()
        """
    )
    (tmp_path / "a.py").write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["vni-migrate: internal error: RuntimeError: boom (set VNI_MIGRATE_DEBUG=1 for a traceback)"]
