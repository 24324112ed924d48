"""The database of the conductor.

``models`` describes the tables, ``api.Connection`` is the only way in to
read or write them (``inventory``, ``loads`` and ``topology`` hold the
bodies of its longer transactions, ``engine`` its engines), and
``migration`` brings a database to the schema of ``models`` with alembic.
Nothing else in the tree imports SQLAlchemy.
"""
