from oslo_config import cfg

GROUP = 'fake_driver'

opts = [
    cfg.StrOpt('inventory_file',
               help='JSON file describing the simulated boards and PR '
                    'regions of this host.'),
    cfg.StrOpt('state_dir', default='$state_path/fake-devices',
               help='Folder where the simulated devices keep what is '
                    'loaded, so that it survives an agent restart.'),
    cfg.FloatOpt('program_seconds', default=0.0, min=0.0,
                 help='Simulated time one load takes.'),
    cfg.StrOpt('faults_file',
               help='Optional JSON file, read before every load, that makes '
                    'chosen deployables fail: {"<uuid>": {"fault": '
                    '"error"|"partial", "reason": "..."}}.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
