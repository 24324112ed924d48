"""One module per resource; handlers are plain functions.

Each takes ``(request, ctxt, app, **path_parameters)`` and returns the
response body as a dict. The dispatcher (``cyborg_fpga.api.app``) has by then
checked the token, the policy rule and that path parameters are UUIDs.
"""
