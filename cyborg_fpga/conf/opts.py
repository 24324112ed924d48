"""Options for oslo-config-generator.

``list_opts`` is the ``oslo.config.opts`` entry point; ``set_defaults``
the ``oslo.config.opts.defaults`` one, so that the sample shows the
defaults we give the libraries' options.
"""

from oslo_config import cfg
from oslo_db import options as db_options

from cyborg_fpga import conf


def list_opts():
    groups: dict[str, list[cfg.Opt]] = {}
    for module in conf.GROUP_MODULES:
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return sorted(groups.items())


def set_defaults() -> None:
    # The generator lists oslo.db's own option objects: their defaults,
    # not those of one ConfigOpts (which conf.set_lib_defaults sets).
    cfg.set_defaults(db_options.database_opts,
                     max_pool_size=conf.DB_MAX_POOL_SIZE,
                     max_overflow=conf.DB_MAX_OVERFLOW)
