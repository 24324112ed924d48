"""Configuration of cyborg-fpga.

Nothing registers options at import time: ``load()`` builds a private
``ConfigOpts`` with every group registered, and each process passes it down.
Each group lives in its own module with ``register_opts`` and ``list_opts``.
"""

from __future__ import annotations

from collections.abc import Sequence

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_log import log

from cyborg_fpga.conf import agent
from cyborg_fpga.conf import api
from cyborg_fpga.conf import conductor
from cyborg_fpga.conf import default
from cyborg_fpga.conf import fake_driver
from cyborg_fpga.conf import image
from cyborg_fpga.conf import opae_driver
from cyborg_fpga.conf import xrt_driver

GROUP_MODULES = (default, api, conductor, agent, image, fake_driver,
                 xrt_driver, opae_driver)


# [database] pool: a conductor serves up to executor_thread_pool_size (64)
# RPC calls at once, each holding one connection at a time. oslo.db's 5
# kept connections made every load beyond the fifth at once open and close
# connections of its own: half the conductor's CPU when the benchmark's
# fleet row loads 200 deployables at once. 50 kept and 10 more on demand
# bound a process to 60 connections, about oslo.db's 5 + 50.
DB_MAX_POOL_SIZE = 50
DB_MAX_OVERFLOW = 10


def set_lib_defaults(conf: cfg.ConfigOpts) -> None:
    """Our defaults for options of the libraries (oslo.db's pool).

    ``opts.set_defaults`` shows them in the sample configuration.
    """
    db_options.set_defaults(conf, max_pool_size=DB_MAX_POOL_SIZE,
                            max_overflow=DB_MAX_OVERFLOW)


def register_opts(conf: cfg.ConfigOpts) -> None:
    for module in GROUP_MODULES:
        module.register_opts(conf)
    set_lib_defaults(conf)
    log.register_options(conf)


def load(argv: Sequence[str] | None = None,
         default_config_files: Sequence[str] | None = None,
         cli_opts: Sequence[cfg.Opt] = ()) -> cfg.ConfigOpts:
    """A fresh, fully registered configuration parsed from ``argv``.

    ``cli_opts`` are command-line options of one command (the sub-commands
    of cyborg-fpga-manage), which must be registered before parsing.
    """
    conf = cfg.ConfigOpts()
    register_opts(conf)
    conf.register_cli_opts(cli_opts)
    conf(list(argv or []), project='cyborg-fpga',
         default_config_files=(list(default_config_files)
                               if default_config_files is not None
                               else None))
    return conf
