"""Typed driver failures, each mapped onto the agent's return code.

The reason of each error is written for the user who asked for the load:
it says what went wrong in the vendor's terms and, where it can, what to do.
"""

from cyborg_fpga.program_result import ProgramCode


class DriverError(Exception):
    program_code = ProgramCode.UNKNOWN_ERROR

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class DeviceNotFound(DriverError):
    program_code = ProgramCode.INVALID_DEPLOYABLE


class IncompatibleImage(DriverError):
    program_code = ProgramCode.INVALID_BITSTREAM


class DeviceBusy(DriverError):
    pass


class ProgramTimeout(DriverError):
    pass


class ToolMissing(DriverError):
    pass


class ToolFailed(DriverError):
    pass
