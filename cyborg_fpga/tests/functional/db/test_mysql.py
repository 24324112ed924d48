"""The database tests of unit/db, on a real MariaDB server.

Each class runs its SQLite twin against a database of its own; the race
tests there have every thread on a connection of its own.
"""

from cyborg_fpga.tests.unit.db import test_assignment
from cyborg_fpga.tests.unit.db import test_deployables
from cyborg_fpga.tests.unit.db import test_history
from cyborg_fpga.tests.unit.db import test_inventory
from cyborg_fpga.tests.unit.db import test_locking
from cyborg_fpga.tests.unit.db import test_migration
from cyborg_fpga.tests.unit.db import test_topology
from cyborg_fpga.tests.unit.db import test_tree

BACKEND = 'mysql'


class TestAcquireMySQL(test_locking.TestAcquire):
    BACKEND = BACKEND


class TestReleaseMySQL(test_locking.TestRelease):
    BACKEND = BACKEND


class TestStaleLocksMySQL(test_locking.TestStaleLocks):
    BACKEND = BACKEND


class TestSyncInventoryMySQL(test_inventory.TestSyncInventory):
    BACKEND = BACKEND


class TestAgentsMySQL(test_inventory.TestAgents):
    BACKEND = BACKEND


class TestGetDeployableMySQL(test_deployables.TestGetDeployable):
    BACKEND = BACKEND


class TestListDeployablesMySQL(test_deployables.TestListDeployables):
    BACKEND = BACKEND


class TestHistoryMySQL(test_history.TestHistory):
    BACKEND = BACKEND


class TestMigrationMySQL(test_migration.TestMigration):
    BACKEND = BACKEND


class TestModelsMatchMigrationsMySQL(
        test_migration.TestModelsMatchMigrations):
    BACKEND = BACKEND


class TestReleaseWithTopologyMySQL(
        test_topology.TestReleaseWithTopology):
    BACKEND = BACKEND


class TestSyncLeavesTopologyMySQL(test_tree.TestSyncLeavesTopology):
    BACKEND = BACKEND


class TestGetTreeMySQL(test_tree.TestGetTree):
    BACKEND = BACKEND


class TestAssignmentMySQL(test_assignment.TestAssignment):
    BACKEND = BACKEND


class TestListByProjectMySQL(test_assignment.TestListByProject):
    BACKEND = BACKEND


class TestRefusedHistoryMySQL(test_assignment.TestRefusedHistory):
    BACKEND = BACKEND
