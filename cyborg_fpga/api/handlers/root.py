"""GET /: the versions document, for clients discovering the API."""

from __future__ import annotations

from typing import Any

import webob


def versions(request: webob.Request, ctxt: Any, app: Any) -> dict[str, Any]:
    # One version so far; its resources sit at the root, as the spec's
    # sample call (POST /fpga/{uuid}) has them.
    return {'versions': [{
        'id': 'v1',
        'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': request.application_url + '/'}],
    }]}
