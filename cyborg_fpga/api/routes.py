"""THE route table: every method and path of the API, as data.

Tests walk this table: each route has a policy rule registered in
``cyborg_fpga.policies`` or is explicitly public, a reader can write through
none of them, every route on a deployable checks its rule against that
deployable's assignment (``target``), and each is documented in
``api-ref/source/index.rst``. Every path parameter is a UUID; the dispatcher
checks that before a handler runs.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import re
from typing import Any

from cyborg_fpga.api import errors
from cyborg_fpga.api.handlers import bitstreams
from cyborg_fpga.api.handlers import deployables
from cyborg_fpga.api.handlers import fpga
from cyborg_fpga.api.handlers import root
from cyborg_fpga.policies import bitstreams as bitstream_policies
from cyborg_fpga.policies import deployables as deployable_policies
from cyborg_fpga.policies import fpga as fpga_policies

Handler = Callable[..., dict[str, Any]]

_PARAM = re.compile(r'\{(\w+)\}')


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str
    # None only for a route that middleware answers before Pecan (healthcheck).
    handler: Handler | None
    # None only together with public=True: anyone may call it, no token.
    policy: str | None
    summary: str
    public: bool = False
    # False when a lower layer enforces ``policy`` (see the POST route).
    enforce_in_api: bool = True
    # The path parameter naming the deployable whose assignment ``policy``
    # is checked against (cyborg_fpga/authz.py); None checks it against
    # the caller's own project.
    target: str | None = None

    def __post_init__(self) -> None:
        if self.public != (self.policy is None):
            raise ValueError(f'{self.method} {self.path}: a route is public '
                             'exactly when it has no policy rule')
        if self.target is not None and self.target not in self.params:
            raise ValueError(f'{self.method} {self.path}: no path parameter '
                             f'{self.target}')

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)

    @property
    def hides(self) -> bool:
        """Whether a refusal looks like a missing deployable (404)."""
        return self.method == 'GET'

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = _PARAM.split(self.path)
        # split() alternates literal text and parameter names.
        regex = ''.join(re.escape(part) if i % 2 == 0
                        else f'(?P<{part}>[^/]+)'
                        for i, part in enumerate(parts))
        return re.compile(regex)


ROUTES: tuple[Route, ...] = (
    Route('GET', '/', root.versions, None,
          'The API versions; no token needed.', public=True),
    # Answered by oslo.middleware's Healthcheck before Pecan sees it.
    Route('GET', '/healthcheck', None, None,
          'Whether the API process is up; for load balancers, no token.',
          public=True),
    # The specification puts the fpga:program check in the conductor, which
    # also checks that the caller may see the bitstream; checking here too
    # would only duplicate the first half, so the API does not.
    Route('POST', '/fpga/{deployable_uuid}', fpga.program,
          fpga_policies.PROGRAM,
          'Load a bitstream onto an FPGA or a PR region.',
          enforce_in_api=False, target='deployable_uuid'),
    Route('GET', '/fpga/{deployable_uuid}', fpga.show, fpga_policies.SHOW,
          'What an FPGA or PR region holds and how its last load went.',
          target='deployable_uuid'),
    Route('GET', '/fpga/{deployable_uuid}/history', fpga.history,
          fpga_policies.SHOW, 'The loads of one deployable, newest first.',
          target='deployable_uuid'),
    Route('GET', '/fpga/{deployable_uuid}/bitstreams',
          fpga.compatible_bitstreams, fpga_policies.LIST_COMPATIBLE,
          'The bitstreams the caller may load that fit the deployable.',
          target='deployable_uuid'),
    Route('GET', '/deployables', deployables.list_deployables,
          deployable_policies.LIST,
          'Deployables of the caller\'s project (admins: of all), filtered '
          'and paginated.'),
    Route('GET', '/deployables/{uuid}', deployables.show,
          deployable_policies.SHOW,
          'One deployable with its parent and the tree below it.',
          target='uuid'),
    Route('PATCH', '/deployables/{uuid}', deployables.update,
          deployable_policies.UPDATE,
          'Assign a board or region to a project, or put it in '
          'maintenance.', target='uuid'),
    Route('GET', '/bitstreams', bitstreams.list_bitstreams,
          bitstream_policies.LIST,
          'Bitstreams in the image service that the caller may see.'),
    Route('GET', '/bitstreams/{bitstream_uuid}', bitstreams.show,
          bitstream_policies.SHOW,
          'One bitstream the caller may see, with its metadata.'),
)

_COMPILED = tuple((route, route.pattern) for route in ROUTES)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for ``method`` and ``path`` and its path parameters.

    Raises errors.NotFound when no route has the path, and
    errors.MethodNotAllowed (with the allowed methods) when one has it but
    not with this method.
    """
    allowed = []
    for route, pattern in _COMPILED:
        found = pattern.fullmatch(path)
        if found is None:
            continue
        if route.method == method:
            return route, found.groupdict()
        allowed.append(route.method)
    if allowed:
        raise errors.MethodNotAllowed(method=method, path=path,
                                      allowed=sorted(set(allowed)))
    raise errors.NotFound(path=path)
