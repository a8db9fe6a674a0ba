-- Headless Neovim, its own LSP client: open a design with a typo, wait for the
-- diagnostic, apply the server's quick fix, wait for the diagnostic to clear.
-- Arguments come as globals set with `--cmd "lua ..."`: MLDESIGN (the command), PAGE,
-- OUT (where the JSON verdict goes). Works with Neovim 0.7 (Debian 12) and later.
local result = { steps = {} }
local function step(name, value) table.insert(result.steps, { name = name, value = value }) end
local function finish()
  local file = io.open(OUT, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(PAGE))
  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fn.fnamemodify(PAGE, ":h:h:h")
  local client_id = vim.lsp.start_client({ name = "mldesign", cmd = { MLDESIGN, "lsp" }, root_dir = root })
  vim.lsp.buf_attach_client(buf, client_id)

  local typo
  local function find_typo()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "schema-unknown-key" then typo = d end
    end
    return typo ~= nil
  end
  local got = vim.wait(30000, find_typo, 50)
  step("diagnostic", got and { code = typo.code, message = typo.message, lnum = typo.lnum } or false)
  step("count", #vim.diagnostic.get(buf))
  if not got then return end

  -- Neovim 0.7 keeps only the server's extra fields (code, data) under user_data.lsp:
  -- put the diagnostic back together as the server sent it.
  local lsp_diagnostic = vim.tbl_extend("force", typo.user_data.lsp or {}, {
    range = {
      start = { line = typo.lnum, character = typo.col },
      ["end"] = { line = typo.end_lnum or typo.lnum, character = typo.end_col or typo.col },
    },
    message = typo.message,
    source = typo.source,
    severity = typo.severity,
  })
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  }
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
  local fix
  for _, answer in pairs(answers) do
    for _, action in ipairs(answer.result or {}) do
      if action.kind == "quickfix" and fix == nil then fix = action end
    end
  end
  step("quickfix", fix and fix.title or false)
  if not fix then return end
  vim.lsp.util.apply_workspace_edit(fix.edit, "utf-16")
  step("line", vim.api.nvim_buf_get_lines(buf, lsp_diagnostic.range.start.line, lsp_diagnostic.range.start.line + 1, false)[1])

  local cleared = vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
  step("cleared", cleared)
end)
if not ok then result.error = tostring(err) end
finish()
