from oslo_config import cfg

from cyborg_fpga.conf import vendor_tools

GROUP = 'xrt_driver'

opts = vendor_tools.opts('$state_path/xrt-devices') + [
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
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
