"""Nightly sync of Visma.net ERP customers and invoices (written for the VNI gateway)."""
