"""The database tests of unit/db, on a real PostgreSQL server.

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

BACKEND = 'postgresql'


class TestAcquirePostgreSQL(test_locking.TestAcquire):
    BACKEND = BACKEND


class TestReleasePostgreSQL(test_locking.TestRelease):
    BACKEND = BACKEND


class TestStaleLocksPostgreSQL(test_locking.TestStaleLocks):
    BACKEND = BACKEND


class TestSyncInventoryPostgreSQL(test_inventory.TestSyncInventory):
    BACKEND = BACKEND


class TestAgentsPostgreSQL(test_inventory.TestAgents):
    BACKEND = BACKEND


class TestGetDeployablePostgreSQL(test_deployables.TestGetDeployable):
    BACKEND = BACKEND


class TestListDeployablesPostgreSQL(test_deployables.TestListDeployables):
    BACKEND = BACKEND


class TestHistoryPostgreSQL(test_history.TestHistory):
    BACKEND = BACKEND


class TestMigrationPostgreSQL(test_migration.TestMigration):
    BACKEND = BACKEND


class TestModelsMatchMigrationsPostgreSQL(
        test_migration.TestModelsMatchMigrations):
    BACKEND = BACKEND


class TestReleaseWithTopologyPostgreSQL(
        test_topology.TestReleaseWithTopology):
    BACKEND = BACKEND


class TestSyncLeavesTopologyPostgreSQL(test_tree.TestSyncLeavesTopology):
    BACKEND = BACKEND


class TestGetTreePostgreSQL(test_tree.TestGetTree):
    BACKEND = BACKEND


class TestAssignmentPostgreSQL(test_assignment.TestAssignment):
    BACKEND = BACKEND


class TestListByProjectPostgreSQL(test_assignment.TestListByProject):
    BACKEND = BACKEND


class TestRefusedHistoryPostgreSQL(test_assignment.TestRefusedHistory):
    BACKEND = BACKEND
