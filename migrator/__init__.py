"""vni-migrate: move Visma.net ERP integrations from the VNI gateway to API Management."""

__version__ = "0.1.0"
