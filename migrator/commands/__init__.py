"""One click command per module. `migrator.cli` finds the modules here and imports one only
when its command runs.

To add a sub-command, create `migrator/commands/<name>.py` with a click command named `command`;
the module's name is the command's name.
"""
