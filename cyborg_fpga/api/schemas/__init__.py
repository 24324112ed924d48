"""JSON Schemas of the API's input, one module per resource."""
