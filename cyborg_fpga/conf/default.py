import socket

from oslo_config import cfg

opts = [
    cfg.StrOpt('host', default=socket.gethostname(),
               sample_default='<hostname>',
               help='Name of this host. An agent serves the deployables of '
                    'this host under this name; it must be unique among '
                    'agents.'),
    cfg.StrOpt('state_path', default='/var/lib/cyborg-fpga',
               help='Folder for the state this host keeps on disk.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
