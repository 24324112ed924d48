from oslo_policy import policy

from cyborg_fpga.policies import base

PROGRAM = 'fpga:program'
PROGRAM_FORCE = 'fpga:program:force'
LIST_COMPATIBLE = 'fpga:bitstreams'
SHOW = 'fpga:show'
HISTORY_ALL_PROJECTS = 'fpga:history:all_projects'

rules = [
    policy.DocumentedRuleDefault(
        name=PROGRAM, check_str=base.ADMIN_OR_MEMBER, scope_types=['project'],
        description='Load a bitstream onto an FPGA or a PR region; '
                    'project_id is the project the deployable is assigned '
                    'to. The caller must also be able to see the bitstream '
                    'in the image service.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'POST'}]),
    policy.DocumentedRuleDefault(
        name=PROGRAM_FORCE, check_str=base.ADMIN, scope_types=['project'],
        description='Load a bitstream with force: skip the compatibility '
                    'check, load even what the device already holds, and '
                    'load a deployable in maintenance.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'POST'}]),
    policy.DocumentedRuleDefault(
        name=LIST_COMPATIBLE, check_str=base.ADMIN_OR_READER,
        scope_types=['project'],
        description='List the bitstreams the caller may load that fit an '
                    'FPGA or PR region. A caller who may not see the '
                    'deployable (deployables:show) gets 404.',
        operations=[{'path': '/fpga/{deployable_uuid}/bitstreams',
                     'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN_OR_READER_OR_SERVICE,
        scope_types=['project'],
        description='Show what an FPGA or PR region holds, how its last '
                    'load went, and its load history. A caller who may not '
                    'see the deployable (deployables:show) gets 404, as if '
                    'it did not exist.',
        operations=[{'path': '/fpga/{deployable_uuid}', 'method': 'GET'},
                    {'path': '/fpga/{deployable_uuid}/history',
                     'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=HISTORY_ALL_PROJECTS, check_str=base.ADMIN_OR_SERVICE,
        scope_types=['project'],
        description='See every entry of a load history; others see only '
                    'the attempts made from their own project.',
        operations=[{'path': '/fpga/{deployable_uuid}/history',
                     'method': 'GET'}]),
]


def list_rules():
    return rules
