"""Errors that reach users, each with a stable machine-readable code.

The code (``fpga.deployable_busy``) never changes between releases; scripts
match on it. Only the API knows which HTTP status a code becomes
(``cyborg_fpga/api/errors.py``), so nothing below the API speaks HTTP.

These classes cross the RPC boundary: oslo.messaging rebuilds them on the
caller's side as ``cls(message, **kwargs)``, so every subclass keeps that
signature and reads its details from ``kwargs``. Callers use ``.message``,
never ``str()``, which oslo.messaging extends with the remote traceback.
"""

from __future__ import annotations

from typing import Any


class FpgaError(Exception):
    code = 'fpga.unknown_error'
    msg_fmt = 'An unknown error occurred.'

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        self.kwargs = kwargs
        if message is None:
            message = self.msg_fmt % kwargs
        self.message = message
        super().__init__(message)


class InvalidRequest(FpgaError):
    code = 'fpga.invalid_request'
    msg_fmt = 'Invalid request: %(reason)s'


class InvalidUUID(FpgaError):
    code = 'fpga.invalid_uuid'
    msg_fmt = '%(name)s must be a UUID, got %(value)r.'


class NotAuthenticated(FpgaError):
    # The body of this error is fixed by the specification.
    code = 'fpga.not_authenticated'
    msg_fmt = 'Log in'


class NotAuthorized(FpgaError):
    # The body of this error is fixed by the specification. It is also what a
    # caller gets for a bitstream it cannot see, so that the answer never
    # tells whether another project's bitstream exists.
    code = 'fpga.not_authorized'
    msg_fmt = 'User is not authorized to use the resource'


class DeployableNotFound(FpgaError):
    code = 'fpga.deployable_not_found'
    msg_fmt = 'Deployable %(uuid)s was not found.'


class BitstreamNotFound(FpgaError):
    # Raised by the image layer; the conductor turns it into NotAuthorized
    # (see above) before it reaches a user.
    code = 'fpga.bitstream_not_found'
    msg_fmt = 'Bitstream %(uuid)s was not found.'


class BitstreamInvalid(FpgaError):
    # Agent code 3: the bitstream exists for the caller but cannot be used.
    code = 'fpga.bitstream_invalid'
    msg_fmt = 'Bitstream %(uuid)s cannot be loaded: %(reason)s'


class InvalidMetadata(FpgaError):
    # The bitstream metadata standard is not met; the message names every
    # key at fault at once.
    code = 'fpga.invalid_metadata'
    msg_fmt = 'Invalid bitstream metadata: %(problems)s'


class BitstreamIncompatible(FpgaError):
    # Refused before the agent is called: loading it could hang the host.
    code = 'fpga.bitstream_incompatible'
    msg_fmt = ('Bitstream %(bitstream)s does not fit deployable '
               '%(deployable)s: %(mismatches)s')


class DeployableBusy(FpgaError):
    code = 'fpga.deployable_busy'
    msg_fmt = ('Deployable %(uuid)s is being programmed by another request; '
               'try again when it has finished.')


class DeployableInMaintenance(FpgaError):
    # An admin put the deployable, or the board of a region, in maintenance;
    # only an admin's forced load goes through.
    code = 'fpga.deployable_in_maintenance'
    msg_fmt = ('Deployable %(uuid)s is in maintenance and takes no load: '
               '%(reason)s')


class ProgramFailed(FpgaError):
    # Agent code 1: the vendor driver failed; the reason names the cause.
    code = 'fpga.program_failed'
    msg_fmt = 'Programming deployable %(uuid)s failed: %(reason)s'


class AgentUnavailable(FpgaError):
    code = 'fpga.agent_unavailable'
    msg_fmt = ('The agent of host %(host)s did not answer: %(reason)s. '
               'The state of deployable %(uuid)s is unknown until the agent '
               'reports again.')


class ConductorUnavailable(FpgaError):
    code = 'fpga.conductor_unavailable'
    msg_fmt = 'The conductor did not answer: %(reason)s'


class ImageServiceUnavailable(FpgaError):
    code = 'fpga.image_service_unavailable'
    msg_fmt = 'The image service could not be reached: %(reason)s'
