"""What the fleet runs now, asked of the REST API, turned into a plan.

Only reads: deployables page by page, and bitstreams from Glance through
``GET /bitstreams`` with the filters Glance applies itself. Answers are
cached per function and region type, so a fleet of identical boards asks
once per function, not once per region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cyborg_fpga.client import api
from cyborg_fpga.fleet import plan as fleet_plan


def _each_host(client: api.Client, hosts: Sequence[str],
               kind: str) -> list[dict[str, Any]]:
    if not hosts:
        return list(client.deployables(kind=kind))
    found: list[dict[str, Any]] = []
    for host in hosts:
        found.extend(client.deployables(host=host, kind=kind))
    return found


class Survey:
    """Reads for one plan, with the caches that make them cheap."""

    def __init__(self, client: api.Client) -> None:
        self.client = client
        self._candidates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        self._images: dict[str, dict[str, Any] | None] = {}

    def image(self, uuid: str | None) -> dict[str, Any] | None:
        """A bitstream by id, or None if the caller cannot see it."""
        if not uuid:
            return None
        if uuid not in self._images:
            try:
                self._images[uuid] = self.client.bitstream(uuid)
            except api.ApiError as e:
                if e.status != 404:
                    raise
                self._images[uuid] = None
        return self._images[uuid]

    def candidates(self, target: fleet_plan.Target, function_uuid: str,
                   region_type: str | None) -> list[dict[str, Any]]:
        key = (function_uuid, region_type or '')
        if key not in self._candidates:
            if region_type:
                found = self.client.bitstreams(
                    function_uuid=function_uuid, shell_id=target.bs_uuid,
                    region_uuid=region_type)
            else:
                found = self.client.bitstreams(
                    function_uuid=function_uuid, shell_id=target.bs_uuid)
            self._candidates[key] = found
        return self._candidates[key]

    def target(self, name_or_uuid: str) -> fleet_plan.Target:
        try:
            found = self.client.find_bitstream(name_or_uuid)
        except api.ApiError as e:
            if e.status != 404:
                raise
            raise api.NameNotFound('No bitstream %s.' % name_or_uuid) from e
        return fleet_plan.target_of(found)

    def current_shells(self, names: Iterable[str]) -> list[str]:
        """Image ids and bs-uuids that ``--current-shell`` values stand for.

        A value is a bitstream name or image id, or the interface UUID a
        board reports when no image is known for its shell (factory
        shells).
        """
        found: list[str] = []
        for name in names:
            if api.is_uuid(name):
                found.append(name.lower())
                image = self.image(name.lower())
            else:
                image = self.client.find_bitstream(name)
                found.append(image['uuid'])
            bs_uuid = ((image or {}).get('properties') or {}).get('bs-uuid')
            if bs_uuid:
                found.append(str(bs_uuid).lower())
        return found

    def plan(self, target: fleet_plan.Target, *,
             hosts: Sequence[str] = (), vendor: str | None = None,
             board: str | None = None,
             current_shells: Sequence[str] = ()) -> fleet_plan.Plan:
        for given, wanted in ((vendor, target.vendor),
                              (board, target.board)):
            if given is not None and not fleet_plan.same(given, wanted):
                raise fleet_plan.PlanError(
                    'The target shell is for %s %s; --vendor and --board '
                    'cannot select boards of another kind.'
                    % (target.vendor, target.board))
        shells = self.current_shells(current_shells)
        boards = [b for b in _each_host(self.client, hosts, kind='board')
                  if fleet_plan.fits_target(target, b)
                  and (not shells or fleet_plan.runs_shell(b, shells))]
        selected = {b['uuid'] for b in boards}
        regions = [r for r in _each_host(self.client, hosts, kind='region')
                   if r.get('parent_uuid') in selected]

        def lookup(board: Mapping[str, Any], region: Mapping[str, Any]
                   ) -> tuple[Mapping[str, Any] | None, int]:
            meta = region.get('loaded_metadata') or {}
            current = self.image(region.get('loaded_bitstream'))
            return fleet_plan.choose(
                target, board, region,
                self.candidates(target, meta['function_uuid'],
                                region.get('region_type_uuid')),
                current_owner=(current or {}).get('owner'))

        shell_names = {}
        for b in boards:
            image = (self.image(b.get('loaded_bitstream'))
                     if not fleet_plan.on_target(target, b) else None)
            if image and image.get('name'):
                shell_names[image['uuid']] = image['name']
        selection = {'hosts': list(hosts), 'vendor': target.vendor,
                     'board': target.board,
                     'current_shells': list(current_shells)}
        return fleet_plan.build(target, selection, boards, regions, lookup,
                                shell_names)

    def recheck(self, plan: fleet_plan.Plan) -> None:
        """Maintenance as it is now, for the steps a resume would run."""
        reopened = [b for b in plan.boards
                    if b.status == fleet_plan.PENDING
                    or any(r.status == fleet_plan.PENDING
                           for r in b.regions)]
        boards: dict[str, dict[str, Any]] = {}
        regions: list[dict[str, Any]] = []
        for step in reopened:
            try:
                boards[step.uuid] = self.client.deployable(step.uuid)
            except api.ApiError as e:
                if e.status != 404:
                    raise
                continue
            regions.extend(self.client.deployables(kind='region',
                                                   parent_uuid=step.uuid))
        fleet_plan.recheck(plan, boards, regions)
