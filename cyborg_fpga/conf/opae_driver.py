from oslo_config import cfg

from cyborg_fpga.conf import vendor_tools

GROUP = 'opae_driver'

opts = vendor_tools.opts('$state_path/opae-devices') + [
    cfg.StrOpt('fpgaconf_path', default='fpgaconf',
               help='The fpgaconf command of OPAE, which loads a GBS into '
                    'a PR region; a bare name is looked up on the PATH of '
                    'the privileged helper.'),
    cfg.IntOpt('program_timeout', default=300, min=1,
               help='Seconds one fpgaconf may take before it is stopped.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
