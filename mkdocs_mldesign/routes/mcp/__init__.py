"""The agents route: `mldesign mcp`, the check and the template as tools over the Model Context Protocol."""
