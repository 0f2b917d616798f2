"""Storage: SQLModel tables, CRUD, database opening and migrations, transcript files.

Import from the modules: ``sandbox.store.db`` (open_database), ``sandbox.store.models``,
``sandbox.store.crud``, ``sandbox.store.queries`` (manager reports), ``sandbox.store.transcripts``.
"""
