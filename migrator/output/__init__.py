"""Output formats: one module per format, each registered once in `migrator.output.registry`.

Every command's `--format` choices come from that registry (`registry.choices(subject)`).
"""
