from oslo_config import cfg

GROUP = 'agent'

opts = [
    cfg.StrOpt('topic', default='cyborg-fpga-agent',
               help='RPC topic the agents listen on; each agent serves it '
                    'under its own host name.'),
    cfg.ListOpt('enabled_drivers', default=['fake'],
                help='Vendor drivers this agent loads, by their name in the '
                     'cyborg_fpga.drivers entry point namespace.'),
    cfg.IntOpt('report_interval', default=60, min=1,
               help='Seconds between two inventory reports to the '
                    'conductor. The agent also reports at start and after '
                    'every load.'),
    cfg.StrOpt('work_dir', default='$state_path/agent',
               help='Folder of the agent\'s own files.'),
    cfg.StrOpt('cache_dir', default='$state_path/agent/cache',
               help='Folder of the cache of downloaded bitstreams, one file '
                    'per distinct content (named by its hash). Only this '
                    'agent may write there; it survives restarts.'),
    cfg.IntOpt('cache_max_bytes', default=10 * 1024 ** 3, min=0,
               help='Total size the bitstream cache may keep; the least '
                    'recently used bitstreams are removed beyond it, never '
                    'one that a running load uses. 0 keeps nothing once the '
                    'loads that use a bitstream end (concurrent loads of the '
                    'same bitstream still share one download).'),
    cfg.ListOpt('trusted_driver_projects', default=[],
                help='Projects (ids) whose bitstreams may name a driver '
                     'package (the "driver" property). The agent runs as '
                     'root and runs that package\'s installer, so list only '
                     'the admin project. Empty: every bitstream that names '
                     'a driver package is refused.'),
    cfg.ListOpt('allowed_driver_paths', default=[],
                help='Local folders where driver packages (the bitstream\'s '
                     '"driver_path") may be; symbolic links are resolved '
                     'before the check. The package must be a regular '
                     'executable file owned by root or the agent\'s user '
                     'and not writable by group or others. Empty: none.'),
    cfg.IntOpt('driver_install_timeout', default=300, min=1,
               help='Seconds a driver package\'s installer may run after a '
                    'load before it is killed and the load reported as '
                    'failed.'),
    cfg.StrOpt('rpc_version_cap',
               help='Highest agent RPC API version the conductor sends. '
                    'During a rolling upgrade set it to the version of the '
                    'oldest agent: 1.1 sends loads without the bitstream '
                    'record (the agents read it from Glance themselves), '
                    '1.0 also refuses forced loads at the conductor instead '
                    'of failing at an old agent. Unset: no cap.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
