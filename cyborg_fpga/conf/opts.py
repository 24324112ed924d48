"""Options for oslo-config-generator (entry point oslo.config.opts)."""

from oslo_config import cfg

from cyborg_fpga.conf import GROUP_MODULES


def list_opts():
    groups: dict[str, list[cfg.Opt]] = {}
    for module in GROUP_MODULES:
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return sorted(groups.items())
