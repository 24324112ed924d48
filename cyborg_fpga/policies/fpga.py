from oslo_policy import policy

from cyborg_fpga.policies import base

PROGRAM = 'fpga:program'
PROGRAM_FORCE = 'fpga:program:force'
LIST_COMPATIBLE = 'fpga:bitstreams'
SHOW = 'fpga:show'

rules = [
    policy.DocumentedRuleDefault(
        name=PROGRAM, check_str=base.ADMIN_OR_MEMBER, scope_types=['project'],
        description='Load a bitstream onto an FPGA or a PR region. The '
                    'caller must also be able to see the bitstream in the '
                    'image service.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'POST'}]),
    policy.DocumentedRuleDefault(
        name=PROGRAM_FORCE, check_str=base.ADMIN, scope_types=['project'],
        description='Load a bitstream with force: skip the compatibility '
                    'check and load even what the device already holds.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'POST'}]),
    policy.DocumentedRuleDefault(
        name=LIST_COMPATIBLE, check_str=base.ADMIN_OR_READER,
        scope_types=['project'],
        description='List the bitstreams the caller may load that fit an '
                    'FPGA or PR region.',
        operations=[{'path': '/fpga/{deployable_uuid}/bitstreams',
                     'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN_OR_READER, scope_types=['project'],
        description='Show what an FPGA or PR region holds and how its last '
                    'load went.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'GET'},
                    {'path': '/fpga/{deployable_uuid}/history',
                     'method': 'GET'}]),
]


def list_rules():
    return rules
