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
               help='Folder where bitstreams are downloaded before they are '
                    'handed to the driver.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
