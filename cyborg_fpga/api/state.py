"""What the handlers of one API process share, and what they need of it.

The API talks to three other layers; the protocols below are the whole of
what it uses, so a reviewer sees the contract and tests can pass fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
from typing import Any
from typing import Protocol

from oslo_config import cfg
from oslo_policy import policy

from cyborg_fpga.db import assignment
from cyborg_fpga.image import base as image_base


class Conductor(Protocol):
    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        """Load the bitstream; raise a cyborg_fpga.exception error if not.

        Enforces fpga:program itself (see routes.py), and with ``force``
        fpga:program:force.
        """


class Database(Protocol):
    """What the API uses of cyborg_fpga.db.api.Connection.

    Reads, and the two operator writes that are no hardware's business
    (assignment and maintenance), which need no conductor.
    """

    def get_deployable(self, uuid: str) -> Any: ...

    def get_access(self, uuid: str) -> assignment.Access: ...

    def list_deployables(self, *, host: str | None = None,
                         kind: str | None = None, vendor: str | None = None,
                         board: str | None = None, state: str | None = None,
                         parent_uuid: str | None = None,
                         project_id: str | None = None,
                         name: str | None = None,
                         loaded_bitstream: str | None = None,
                         function_uuid: str | None = None,
                         function_name: str | None = None,
                         limit: int | None = None,
                         marker: str | None = None) -> Sequence[Any]: ...

    def list_children(self, uuid: str) -> Sequence[Any]: ...

    def get_tree(self, uuid: str) -> tuple[Any, Sequence[Any]]: ...

    def list_history(self, deployable_uuid: str, limit: int = 50,
                     project_id: str | None = None) -> Sequence[Any]: ...

    def assign(self, uuid: str, project_id: str | None) -> Any: ...

    def set_maintenance(self, uuid: str, on: bool,
                        reason: str | None = None) -> Any: ...


@dataclasses.dataclass(frozen=True)
class AppState:
    conf: cfg.ConfigOpts
    conductor: Conductor
    db: Database
    image_service: image_base.ImageService
    enforcer: policy.Enforcer
