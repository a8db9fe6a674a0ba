"""The name sites give the Zensical route's Markdown extension in `mkdocs.yml`
(`markdown_extensions: [mkdocs_mldesign.zensical]`). The extension itself lives with its
route, in `routes/zensical/extension.py`."""

from mkdocs_mldesign.routes.zensical.extension import makeExtension

__all__ = ["makeExtension"]
