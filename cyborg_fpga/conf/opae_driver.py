from oslo_config import cfg

GROUP = 'opae_driver'

opts = [
    cfg.StrOpt('fpgaconf_path', default='fpgaconf',
               help='The fpgaconf command of OPAE, which loads a GBS into '
                    'a PR region; a bare name is looked up on the PATH of '
                    'the privileged helper.'),
    cfg.IntOpt('program_timeout', default=300, min=1,
               help='Seconds one fpgaconf may take before it is stopped.'),
    cfg.IntOpt('tool_attempts', default=3, min=1, max=10,
               help='How many times fpgaconf is run when it fails in a way '
                    'OPAE calls transient (resource busy, timed out '
                    'waiting); 1 turns retries off.'),
    cfg.FloatOpt('retry_delay', default=2.0, min=0.0,
                 help='Seconds before the first retry; each further retry '
                      'waits twice as long.'),
    cfg.StrOpt('sysfs_root', default='/sys',
               help='Where sysfs is mounted; tests point it at a fixture '
                    'tree.'),
    cfg.StrOpt('state_dir', default='$state_path/opae-devices',
               help='Folder where the driver records which Glance image it '
                    'loaded into each PR region and the AFU UUID that proves '
                    'it is still there.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
