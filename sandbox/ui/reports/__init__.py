"""Manager screens: dashboard, Digital Passport, exports (Qt)."""
