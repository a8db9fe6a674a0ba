"""The `mldesign` MkDocs theme: Material for MkDocs with no outside requests.

MkDocs finds a theme through the `mkdocs.themes` entry point and uses this package's
folder as the theme folder; the templates and `mkdocs_theme.yml` sit next to this file.
"""
