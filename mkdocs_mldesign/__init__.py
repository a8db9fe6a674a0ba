"""mkdocs-mldesign: write, check and publish machine-learning design documents with MkDocs."""

__version__ = "0.1.0"
