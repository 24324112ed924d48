"""The REST API: a Pecan app that dispatches through ``routes.ROUTES``.

Where a request enters: ``app.setup_app`` composes the middleware and the
Pecan app; ``routes.py`` maps method and path to a handler and a policy rule;
``handlers/`` hold one module per resource; ``errors.py`` turns every error
into the one JSON error format.
"""
