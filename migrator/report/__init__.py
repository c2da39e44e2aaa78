"""The migration-readiness report: the audit document, its score and its renderers.

`model` builds, validates and loads the audit JSON; `score` defines the readiness score;
`html`, `markdown`, `sarif` and `merge` render one audit or many.
"""
