"""Personas shared by the rules of every resource."""

from oslo_policy import policy

ADMIN = 'rule:admin'
PROJECT_MEMBER = 'rule:project_member'
PROJECT_READER = 'rule:project_reader'

# Until deployables are assigned to projects, any member of a project may
# program and any reader may look; admins may do everything.
ADMIN_OR_MEMBER = 'rule:admin or rule:project_member'
ADMIN_OR_READER = 'rule:admin or rule:project_reader'

rules = [
    policy.RuleDefault('admin', 'role:admin',
                       description='An administrator of the cloud.'),
    policy.RuleDefault('project_member', 'role:member',
                       description='A member of the calling project.'),
    policy.RuleDefault('project_reader', 'role:reader',
                       description='A reader of the calling project.'),
]


def list_rules():
    return rules
