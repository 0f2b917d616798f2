"""Trainer and manager screens: sign-in, review list, transcript, workshop, import, PDF export."""
