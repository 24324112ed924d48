from __future__ import annotations

from cyborg_fpga.drivers import base
from cyborg_fpga.drivers.fake import driver as fake_driver
from cyborg_fpga.drivers import loader
from cyborg_fpga.tests.unit.drivers import fakes


class NoBoardsDriver(base.FpgaDriver):
    def discover(self) -> list[base.DeviceReport]:
        return []

    def program(self, deployable_uuid: str,
                bitstream: base.BitstreamFile) -> None:
        raise AssertionError('not called')


class TestManagerTestCase(fakes.FakeDriverTestCase):
    """Loading from in-memory extensions, without entry points."""

    def setUp(self) -> None:
        super().setUp()
        self.manager = loader.make_test_manager(
            self.conf, {'fake': fake_driver.FakeDriver,
                        'none': NoBoardsDriver})

    def test_drivers_in_the_order_asked(self) -> None:
        drivers = loader.drivers_from(self.manager, ['none', 'fake'])
        self.assertEqual(['none', 'fake'], list(drivers))
        self.assertIsInstance(drivers['fake'], fake_driver.FakeDriver)
        self.assertIsInstance(drivers['none'], NoBoardsDriver)
        self.assertIs(self.conf, drivers['none'].conf)

    def test_missing_driver_names_it_and_the_installed_ones(self) -> None:
        e = self.assertRaises(loader.DriverNotInstalled, loader.drivers_from,
                              self.manager, ['fake', 'nosuch'])
        self.assertEqual(['nosuch'], e.missing)
        self.assertEqual(['fake', 'none'], e.installed)
        self.assertIn('nosuch', str(e))
        self.assertIn('installed: fake, none', str(e))


class EntryPointTestCase(fakes.FakeDriverTestCase):
    """Loading through the entry points this package installs."""

    def test_enabled_drivers_are_loaded(self) -> None:
        self.conf.set_override('enabled_drivers', ['fake'], group='agent')
        drivers = loader.load_drivers(self.conf)
        self.assertEqual(['fake'], list(drivers))
        self.assertIsInstance(drivers['fake'], fake_driver.FakeDriver)

    def test_names_override_the_option(self) -> None:
        self.conf.set_override('enabled_drivers', ['nosuch'], group='agent')
        self.assertEqual({}, loader.load_drivers(self.conf, []))

    def test_missing_driver_is_an_error(self) -> None:
        self.conf.set_override('enabled_drivers', ['fake', 'nosuch'],
                               group='agent')
        e = self.assertRaises(loader.DriverNotInstalled,
                              loader.load_drivers, self.conf)
        self.assertEqual(['nosuch'], e.missing)
        self.assertIn('fake', e.installed)

    def test_driver_that_fails_to_start_is_an_error(self) -> None:
        self.conf.clear_override('inventory_file', group='fake_driver')
        e = self.assertRaises(loader.DriverLoadError,
                              loader.load_drivers, self.conf, ['fake'])
        self.assertIn('fake', str(e))
        self.assertIn('inventory_file is not set', str(e))
