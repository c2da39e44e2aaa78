"""Settings for the Visma.net integration."""

import os

# Visma.net Integrations (VNI) endpoint, see https://integration.visma.net/API-index/
VISMA_API_URL = "https://integration.visma.net/API/controller/api/v1/"

# Service accounts used the service controller.
VISMA_SERVICE_URL = os.getenv("VISMA_SERVICE_URL", "https://integration.visma.net/API/service/controller/api/v2/")

# Someone already swapped the host here, but kept the old prefix.
VISMA_ACCOUNTS_URL = "https://api.finance.visma.net/API/controller/api/v1/account"

# Not part of the gateway move.
SALES_ORDER_URL = "https://salesorder.visma.net/api/v1/salesorder"
TOKEN_URL = "https://connect.visma.com/connect/token"

COMPANY_ID = os.getenv("VISMA_COMPANY_ID", "1234567")
PAGE_SIZE = 500
