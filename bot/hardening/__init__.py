"""The hardening checklist: the before/after security table teams type by hand, computed."""
