# Sphinx configuration of the cyborg-fpga documentation (tox -e docs).
# No network at build time: no intersphinx, no theme that fetches anything.

project = 'cyborg-fpga'
copyright = 'cyborg-fpga developers'

extensions = [
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
    'reno.sphinxext',
]

master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
html_static_path: list[str] = []
pygments_style = 'sphinx'
