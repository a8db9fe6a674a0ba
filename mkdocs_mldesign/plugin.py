"""The MkDocs adapter (placeholder until the site part lands)."""

from mkdocs.config import base
from mkdocs.plugins import BasePlugin


class MLDesignConfig(base.Config):
    pass


class MLDesignPlugin(BasePlugin[MLDesignConfig]):
    pass
