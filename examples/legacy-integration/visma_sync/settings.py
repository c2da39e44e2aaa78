"""Deployment settings, shared by the export modules."""

import os

# Each deployment may point the integration at its own gateway.
VISMA_BASE = os.getenv("VISMA_BASE", "https://integration.visma.net/API")

# The archive job always reads from the production gateway.
ARCHIVE_BASE = "https://integration.visma.net/API"
