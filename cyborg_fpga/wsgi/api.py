"""The cyborg-fpga API for a WSGI server.

Nothing is built at import: the server calls the factory once per worker,
after forking, so no connection is shared between processes::

    gunicorn --workers 4 --worker-class gthread --threads 8 \\
        --bind 0.0.0.0:6810 'cyborg_fpga.wsgi.api:init_application()'

With uwsgi: ``--module 'cyborg_fpga.wsgi.api:init_application()'``; pbr
also installs ``cyborg-fpga-api-wsgi``. The configuration file is
``$CYBORG_FPGA_CONFIG_FILE``, by default
``/etc/cyborg-fpga/cyborg-fpga.conf``. Threads, never eventlet.

``cyborg-fpga-api`` and the all-in-one serve ``build_application(conf)``
with a configuration they have already loaded.
"""

from __future__ import annotations

import os
from typing import Any

from oslo_log import log

CONFIG_FILE_ENV = 'CYBORG_FPGA_CONFIG_FILE'
DEFAULT_CONFIG_FILE = '/etc/cyborg-fpga/cyborg-fpga.conf'


def init_application() -> Any:
    """Read the configuration, set up logging, return the WSGI app."""
    from cyborg_fpga import conf as fpga_conf

    config_file = os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE)
    # No argv: the WSGI server's own command line is not ours to parse.
    conf = fpga_conf.load([], default_config_files=[config_file])
    log.setup(conf, 'cyborg-fpga')
    return build_application(conf)


def build_application(conf: Any, *, conductor: Any = None) -> Any:
    """The API over the layers that ``conf`` names.

    ``conductor`` replaces the RPC client, for the all-in-one, which runs
    the conductor in the same process.
    """
    # Imported only now: importing this module must stay cheap and free of
    # side effects, and these layers load the RPC and SQL drivers.
    from cyborg_fpga.api import app
    from cyborg_fpga.db import api as db_api
    from cyborg_fpga.image import base as image_base
    from cyborg_fpga import policy

    if conductor is None:
        from cyborg_fpga.conductor import rpcapi
        from cyborg_fpga import rpc
        conductor = rpcapi.ConductorAPI(conf, rpc.get_transport(conf))
    return app.setup_app(conf, conductor=conductor,
                         db=db_api.Connection.from_conf(conf),
                         image_service=image_base.load(conf),
                         enforcer=policy.make_enforcer(conf))
