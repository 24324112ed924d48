"""Load the vendor drivers an agent is configured with.

Drivers are stevedore plugins in the ``cyborg_fpga.drivers`` entry point
namespace, chosen by ``[agent] enabled_drivers``. A name that is not
installed, or a driver that fails to start, stops the agent: an agent that
silently runs without one of its drivers would report its boards as gone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import importlib.metadata

from oslo_config import cfg
from stevedore import extension
from stevedore import named

from cyborg_fpga.drivers import base

NAMESPACE = 'cyborg_fpga.drivers'

Manager = named.NamedExtensionManager[base.FpgaDriver]


class DriverLoadError(Exception):
    """An enabled driver could not be loaded."""


class DriverNotInstalled(DriverLoadError):
    def __init__(self, missing: Sequence[str],
                 installed: Sequence[str]) -> None:
        self.missing = sorted(missing)
        self.installed = sorted(installed)
        super().__init__(
            'FPGA driver(s) {} enabled in [agent] enabled_drivers but not '
            'installed in entry point namespace {}; installed: {}'.format(
                ', '.join(self.missing), NAMESPACE,
                ', '.join(self.installed) or 'none'))


def _raise_load_failure(manager: extension.ExtensionManager[base.FpgaDriver],
                        entry_point: importlib.metadata.EntryPoint,
                        error: BaseException) -> None:
    # stevedore only logs a plugin that fails to import or start; an agent
    # must not run on without it.
    raise DriverLoadError(f'FPGA driver {entry_point.name} '
                          f'({entry_point.value}) failed to load: {error}'
                          ) from error


def make_manager(conf: cfg.ConfigOpts, names: Sequence[str]) -> Manager:
    """A manager of the installed drivers in ``names``, each started."""
    return named.NamedExtensionManager(
        NAMESPACE, list(names),
        invoke_on_load=True, invoke_args=(conf,),
        name_order=True,
        on_load_failure_callback=_raise_load_failure,
        # drivers_from() raises instead, naming the installed drivers too.
        on_missing_entrypoints_callback=None)


def make_test_manager(
        conf: cfg.ConfigOpts,
        plugins: Mapping[str, type[base.FpgaDriver]]) -> Manager:
    """A manager of in-memory drivers, for tests: no entry points needed."""
    extensions = [
        extension.Extension(
            name,
            # What setup.cfg would declare, so logs read as for a real one.
            importlib.metadata.EntryPoint(
                name, f'{plugin.__module__}:{plugin.__qualname__}',
                NAMESPACE),
            plugin, plugin(conf))
        for name, plugin in plugins.items()]
    # stevedore's own test namespace, so that what this package installs
    # never leaks into the test.
    return named.NamedExtensionManager.make_test_instance(extensions)


def drivers_from(manager: Manager,
                 names: Sequence[str]) -> dict[str, base.FpgaDriver]:
    """The started drivers of ``manager`` by name, in the order of ``names``.

    Raises ``DriverNotInstalled`` when one of ``names`` is not there.
    """
    loaded = set(manager.names())
    missing = [name for name in names if name not in loaded]
    if missing:
        # A test manager lists no entry points; a real one lists them all,
        # including any that were not asked for.
        installed = loaded | set(manager.entry_points_names())
        raise DriverNotInstalled(missing, sorted(installed))
    drivers: dict[str, base.FpgaDriver] = {}
    for name in names:
        driver = manager[name].obj
        if driver is None:
            # Only a manager built without invoke_on_load gets here.
            raise DriverLoadError(f'FPGA driver {name} was not started')
        drivers[name] = driver
    return drivers


def load_drivers(conf: cfg.ConfigOpts, names: Sequence[str] | None = None
                 ) -> dict[str, base.FpgaDriver]:
    """Start the drivers in ``names`` (default ``[agent] enabled_drivers``)."""
    if names is None:
        names = list(conf.agent.enabled_drivers)
    return drivers_from(make_manager(conf, names), names)
