# Sphinx configuration of the API reference (tox -e docs).
# No network at build time: no intersphinx.

project = 'cyborg-fpga API reference'
copyright = 'cyborg-fpga developers'

extensions = ['os_api_ref']

master_doc = 'index'
html_theme = 'alabaster'
html_static_path: list[str] = []
pygments_style = 'sphinx'
