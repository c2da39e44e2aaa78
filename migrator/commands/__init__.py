"""One click command per module. `migrator.cli` adds every module here that defines `command`.

To add a sub-command, create `migrator/commands/<name>.py` with a click command named `command`.
"""
