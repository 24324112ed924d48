"""Default policy rules, one module per resource.

Registered through the ``oslo.policy.policies`` entry point, so that
``oslopolicy-sample-generator --namespace cyborg_fpga`` writes them out.
"""

import itertools

from cyborg_fpga.policies import base
from cyborg_fpga.policies import bitstreams
from cyborg_fpga.policies import deployables
from cyborg_fpga.policies import fpga


def list_rules():
    return list(itertools.chain(base.list_rules(), fpga.list_rules(),
                                deployables.list_rules(),
                                bitstreams.list_rules()))
