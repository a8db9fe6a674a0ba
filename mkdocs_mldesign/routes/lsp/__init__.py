"""The editor route: `mldesign lsp`, a language server over the same checks as `mldesign check`."""
