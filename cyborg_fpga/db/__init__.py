"""The database of the conductor.

``models`` describes the tables, ``api.Connection`` is the only code that
reads or writes them, and ``migration`` brings a database to the schema of
``models`` with alembic. Nothing else in the tree imports SQLAlchemy.
"""
