"""Sphinx configuration: the guide from the pages of docs/, the API from the docstrings."""

import tempfile

import nmi

project = "nmi"
author = "the nmi developers"
copyright = "2026, the nmi developers"  # noqa: A001 - Sphinx's name
release = nmi.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
templates_path = ["_templates"]

autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False  # each class page lists its own members
numpydoc_class_members_toctree = False

intersphinx_mapping = {}  # no network at build time: links to other projects are plain text

# Figures are drawn when the docs are built, from the code beside them; scripts that write
# files of their own (examples/streaming_plot.py) write them in a scratch folder.
plot_working_directory = tempfile.mkdtemp(prefix="nmi-docs-")
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

html_theme = "pydata_sphinx_theme"
html_title = f"nmi {release}"
html_theme_options = {"navigation_with_keys": False}
