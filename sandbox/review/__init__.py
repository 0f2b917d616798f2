"""Trainer review logic without Qt: the review list, transcripts, workshop comparison, imports.

Every function that reads or changes review data takes the acting profile and checks it with
``sandbox.auth`` first, so the rules hold whichever screen or command calls them.
"""
