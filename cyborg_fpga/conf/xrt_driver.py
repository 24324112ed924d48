from oslo_config import cfg

GROUP = 'xrt_driver'

opts = [
    cfg.StrOpt('xbutil_path', default='xbutil',
               help='The xbutil command of XRT, which loads user xclbins; '
                    'a bare name is looked up on the PATH of the privileged '
                    'helper.'),
    cfg.StrOpt('xbmgmt_path', default='xbmgmt',
               help='The xbmgmt command of XRT, which reports the platform '
                    'of a card and flashes its shell.'),
    cfg.IntOpt('query_timeout', default=60, min=1,
               help='Seconds one xbmgmt examine may take before it is '
                    'stopped.'),
    cfg.IntOpt('program_timeout', default=300, min=1,
               help='Seconds one xbutil program (a user xclbin) may take '
                    'before it is stopped.'),
    cfg.IntOpt('flash_timeout', default=1800, min=1,
               help='Seconds one xbmgmt program --base (a shell flash) may '
                    'take before it is stopped.'),
    cfg.IntOpt('tool_attempts', default=3, min=1, max=10,
               help='How many times a tool is run when it fails in a way '
                    'XRT calls transient (the device is busy, a request '
                    'timed out waiting); 1 turns retries off.'),
    cfg.FloatOpt('retry_delay', default=2.0, min=0.0,
                 help='Seconds before the first retry; each further retry '
                      'waits twice as long.'),
    cfg.StrOpt('sysfs_root', default='/sys',
               help='Where sysfs is mounted; tests point it at a fixture '
                    'tree.'),
    cfg.StrOpt('state_dir', default='$state_path/xrt-devices',
               help='Folder where the driver records which Glance image it '
                    'loaded onto each deployable and the UUID that proves '
                    'it is still there.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
