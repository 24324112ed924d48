"""Running vendor tools, and reading what the hardware says, for the drivers.

A tool runs through privsep (``cyborg_fpga.privsep.run_tool``): no shell,
a timeout per call. Each driver describes its tool's failures as ``Rule``s:
a pattern of the tool's own message, or an exit code, and the typed error
it means. A rule marked transient is a failure the vendor documents as
passing (the device is busy, a request timed out waiting): the call is
retried a bounded number of times, with a growing pause, before the error
reaches the user. Anything a rule does not name is a ``ToolFailed`` that
quotes the tool.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import dataclasses
import os
import re
import threading
import time
from typing import Any
import uuid

from oslo_log import log as logging

from cyborg_fpga.drivers import errors
from cyborg_fpga import privsep

LOG = logging.getLogger(__name__)

# Longest quote of a tool's message in a reason: enough for the error line,
# short enough for an API answer.
_MAX_QUOTE = 400
# Lines a vendor tool uses to say what went wrong.
_ERROR_LINE = re.compile(r'^\s*(error|fatal)\b|\bfailed\b|\berror\b', re.I)

Runner = Callable[[list[str], int], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Rule:
    """One failure of a tool: how to recognise it and what it means."""

    error: type[errors.DriverError]
    # Searched, case-insensitively, in the tool's stdout and stderr.
    pattern: str | None = None
    exit_codes: frozenset[int] = frozenset()
    transient: bool = False
    # What the user can do about it, appended to the reason.
    advice: str = ''

    def matches(self, exit_code: int, output: str) -> bool:
        if self.exit_codes and exit_code not in self.exit_codes:
            return False
        if self.pattern is not None:
            return re.search(self.pattern, output, re.I) is not None
        return bool(self.exit_codes)


@dataclasses.dataclass(frozen=True)
class ToolOutput:
    stdout: str
    stderr: str
    attempts: int


def quote(stdout: str, stderr: str) -> str:
    """The lines in which a tool says what went wrong, or its last line."""
    lines = [line.strip() for line in (stderr + '\n' + stdout).splitlines()
             if line.strip()]
    chosen = [line for line in lines if _ERROR_LINE.search(line)]
    text = '; '.join(dict.fromkeys(chosen or lines[-1:]))
    if len(text) > _MAX_QUOTE:
        text = text[:_MAX_QUOTE - 3] + '...'
    return text or 'no message'


class Tool:
    """One vendor command, run with a timeout and a bounded retry."""

    def __init__(self, name: str, path: str, rules: Sequence[Rule], *,
                 attempts: int, retry_delay: float, install_hint: str,
                 runner: Runner | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.path = path
        self.rules = tuple(rules)
        self.attempts = max(1, attempts)
        self.retry_delay = retry_delay
        self.install_hint = install_hint
        self._runner = runner or _run_privileged
        self._sleep = sleep

    def run(self, args: Sequence[str], *, timeout: int,
            target: str) -> ToolOutput:
        """Run the tool on ``target`` (a card, for the reasons it gives)."""
        argv = [self.path, *args]
        # Named in reasons as the user would type it: the tool and its
        # sub-command, if it has one (xbutil program), not its path.
        sub = args[0] if args and not args[0].startswith('-') else ''
        command = f'{self.name} {sub}'.strip()
        for attempt in range(1, self.attempts + 1):
            answer = self._runner(argv, timeout)
            status = answer.get('status')
            if status == privsep.CANNOT_START:
                raise errors.ToolMissing(
                    f'{self.name} cannot be started on this host '
                    f'({answer.get("stderr") or self.path}); '
                    f'{self.install_hint}')
            if status == privsep.TIMED_OUT:
                # Not retried: a load that overran once would overrun again,
                # and the caller is waiting for an answer.
                raise errors.ProgramTimeout(
                    f'{command} on {target} did not finish within '
                    f'{timeout} s and was stopped; what the device holds is '
                    'unknown until it is loaded again')
            stdout = str(answer.get('stdout') or '')
            stderr = str(answer.get('stderr') or '')
            exit_code = answer.get('exit_code')
            if exit_code == 0:
                return ToolOutput(stdout, stderr, attempt)
            code = int(exit_code) if exit_code is not None else -1
            rule = self._rule(code, stdout + '\n' + stderr)
            if (rule is not None and rule.transient and
                    attempt < self.attempts):
                delay = self.retry_delay * 2 ** (attempt - 1)
                LOG.info('%s on %s failed in a transient way (%s); '
                         'attempt %d of %d in %.1f s', command, target,
                         quote(stdout, stderr), attempt + 1, self.attempts,
                         delay)
                self._sleep(delay)
                continue
            raise self._error(rule, command, target, code, stdout, stderr,
                              attempt)
        raise AssertionError('unreachable: the last attempt raises')

    def _rule(self, exit_code: int, output: str) -> Rule | None:
        for rule in self.rules:
            if rule.matches(exit_code, output):
                return rule
        return None

    def _error(self, rule: Rule | None, command: str, target: str,
               exit_code: int, stdout: str, stderr: str,
               attempt: int) -> errors.DriverError:
        reason = (f'{command} on {target} failed (exit code {exit_code}): '
                  f'{quote(stdout, stderr)}')
        if attempt > 1:
            reason += f' (after {attempt} attempts)'
        if rule is None:
            return errors.ToolFailed(reason)
        if rule.advice:
            reason += '; ' + rule.advice
        return rule.error(reason)


def _run_privileged(argv: list[str], timeout: int) -> dict[str, Any]:
    result: dict[str, Any] = privsep.run_tool(argv, timeout)
    return result


class Claims:
    """The cards a load is running on; a second load on one fails fast.

    A shell load empties the card's regions and a tool refuses a card it is
    already writing to, so the driver allows one load per card at a time
    and says so at once rather than queueing behind a load of minutes.
    """

    def __init__(self) -> None:
        self._busy: dict[str, str] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def claim(self, card: str, what: str) -> Iterator[None]:
        with self._lock:
            running = self._busy.get(card)
            if running is not None:
                raise errors.DeviceBusy(
                    f'card {card} is busy with {running}; try again when '
                    'that load has finished')
            self._busy[card] = what
        try:
            yield
        finally:
            with self._lock:
                self._busy.pop(card, None)


def canonical_uuid(value: str | bytes | None) -> str | None:
    """A UUID in its usual form, from the spellings tools and sysfs use.

    Accepts 32 hex digits (sysfs), the dashed form in any case (tool
    reports) and 16 raw bytes (file headers); None or all zeros (nothing
    loaded) give None. Anything else is a ValueError.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        parsed = uuid.UUID(bytes=value)
    else:
        text = value.strip().lower()
        if text.startswith('0x'):
            text = text[2:]
        if not text:
            return None
        parsed = uuid.UUID(text)
    return None if parsed.int == 0 else str(parsed)


def read_attr(path: str) -> str | None:
    """A sysfs attribute's text, or None when the attribute is not there."""
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.read().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        LOG.warning('Cannot read %s: %s', path, e)
        return None


def read_uuid(path: str) -> str | None:
    """A UUID attribute of sysfs; garbage is logged and reads as None."""
    text = read_attr(path)
    try:
        return canonical_uuid(text)
    except ValueError:
        LOG.warning('%s holds %r, which is not a UUID', path, text)
        return None


def pci_address(name: str) -> tuple[int, int, int, int] | None:
    """Segment, bus, device and function of ``SSSS:BB:DD.F``, or None."""
    match = re.fullmatch(r'([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.'
                         r'([0-7])', name.lower())
    if match is None:
        return None
    segment, bus, device, function = match.groups()
    return int(segment, 16), int(bus, 16), int(device, 16), int(function)


def listdir(path: str) -> list[str]:
    """The sorted entries of a folder; none when it does not exist."""
    try:
        return sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError):
        return []
