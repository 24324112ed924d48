"""Personas shared by the rules of every resource: the secure-RBAC defaults.

A rule is checked against the *resource*: for a deployable, ``project_id``
in the target is the project the deployable is assigned to (a PF or VF takes
its board's or region's), and an unassigned one has no ``project_id`` at
all, so that no project rule can match it and it stays the admins' alone.
Routes that name no deployable check against the caller's own project.
"""

from oslo_policy import policy

ADMIN = 'rule:admin'
PROJECT_MEMBER = 'rule:project_member'
PROJECT_READER = 'rule:project_reader'
SERVICE = 'rule:service'

# Change what a project's FPGAs hold: its members, and admins anywhere.
ADMIN_OR_MEMBER = 'rule:admin or rule:project_member'
# Look at bitstreams: a project's readers and admins. Not services: Glance
# shows a service user none of a tenant's bitstreams anyway.
ADMIN_OR_READER = 'rule:admin or rule:project_reader'
# Look at deployables: readers, admins, and other services (which take
# inventory and schedule, but never load: a load needs a bitstream).
ADMIN_OR_READER_OR_SERVICE = ('rule:admin or rule:project_reader or '
                              'rule:service')
# Look across every project.
ADMIN_OR_SERVICE = 'rule:admin or rule:service'

rules = [
    policy.RuleDefault('admin', 'role:admin',
                       description='An administrator of the cloud.'),
    policy.RuleDefault('project_member',
                       'role:member and project_id:%(project_id)s',
                       description='A member of the project that owns the '
                                   'resource.'),
    policy.RuleDefault('project_reader',
                       'role:reader and project_id:%(project_id)s',
                       description='A reader of the project that owns the '
                                   'resource.'),
    policy.RuleDefault('service', 'role:service',
                       description='Another OpenStack service, acting with '
                                   'its own service user.'),
]


def list_rules():
    return rules
