"""Our own WSGI middleware: request log, body size limit, healthcheck mount."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
import logging
import time
from typing import Any

from oslo_middleware import request_id as request_id_mw

from cyborg_fpga.api import errors
from cyborg_fpga.api import hooks
from cyborg_fpga import exception

LOG = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _BoundedInput:
    """wsgi.input that raises RequestTooLarge past ``limit`` bytes.

    Content-Length can be absent (chunked) or wrong, so the read itself is
    bounded too.
    """

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise errors.RequestTooLarge(limit=self._limit)
        return data

    def _room(self, size: int | None) -> int:
        # One byte more than allowed, so that overflowing is noticed.
        room = self._limit - self._read + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.read(self._room(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(self._room(size)))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(iter(self.readline, b''))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b'')


class BodySizeLimit:
    """Refuses bodies over [api] max_request_body_size with a 413."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = environ.get('CONTENT_LENGTH')
        error: exception.FpgaError | None = None
        try:
            if length and int(length) > self.limit:
                error = errors.RequestTooLarge(limit=self.limit)
        except ValueError:
            error = exception.InvalidRequest(
                reason=f'Content-Length {length!r} is not a number')
        if error is not None:
            response = errors.to_response(
                error, environ.get(request_id_mw.ENV_REQUEST_ID))
            return response(environ, start_response)
        environ['wsgi.input'] = _BoundedInput(environ['wsgi.input'],
                                              self.limit)
        # The wrapper cannot seek; WebOb must copy the body, through it.
        environ['webob.is_body_seekable'] = False
        return self.app(environ, start_response)


class RequestLog:
    """One log line per request: request id, status, time, and who.

    Who is the user and project of the context the Pecan hook built (none
    for a public route or a refused token); never the token itself.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        status: list[str] = []

        def _start_response(code: str, headers: Any, *args: Any) -> Any:
            status.append(code.split(' ', 1)[0])
            return start_response(code, headers, *args)

        try:
            return self.app(environ, _start_response)
        finally:
            ctxt = environ.get(hooks.CONTEXT_KEY)
            LOG.info('%s "%s %s" status: %s time: %.3f user: %s project: %s',
                     environ.get(request_id_mw.ENV_REQUEST_ID),
                     environ.get('REQUEST_METHOD'),
                     environ.get('PATH_INFO'),
                     status[0] if status else '-',
                     time.monotonic() - started,
                     getattr(ctxt, 'user_id', None) or '-',
                     getattr(ctxt, 'project_id', None) or '-')


class Mount:
    """Sends requests for exactly ``path`` to ``mounted``, others on."""

    def __init__(self, path: str, mounted: WSGIApp, app: WSGIApp) -> None:
        self.path = path
        self.mounted = mounted
        self.app = app

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get('PATH_INFO') == self.path:
            return self.mounted(environ, start_response)
        return self.app(environ, start_response)
