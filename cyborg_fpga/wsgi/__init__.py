"""Entry points for WSGI servers (gunicorn, uwsgi, mod_wsgi)."""
