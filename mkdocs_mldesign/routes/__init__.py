"""One folder per route: how each tool reaches the core and the publisher.

`mkdocs/` is the MkDocs (and ProperDocs) plugin, `cli/` the `mldesign` command,
`zensical/` the Zensical route: a stage the command writes and a Markdown extension that
Zensical loads, `lsp/` the editors' language server and `mcp/` the agents' tools. No route
imports another, except that the command runs the Zensical stage and starts the two servers.
"""

#: Set by the MkDocs plugin when it runs in this process: the Zensical route's guard
#: extension, listed in a site's own mkdocs.yml, then has nothing to do.
plugin_active = False
