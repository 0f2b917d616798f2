"""Scenario models, loading with located errors, schema export and seeded filler. No Qt."""
