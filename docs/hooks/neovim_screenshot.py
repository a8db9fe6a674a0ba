"""Make docs/assets/editors-neovim.png: Neovim in tmux, its built-in LSP client running
`mldesign lsp` on a design of the example site, with diagnostics and the completion menu.

    .venv/bin/python docs/hooks/neovim_screenshot.py

Needs nvim, tmux and Chromium (/usr/bin/chromium, driven by Playwright). tmux's capture
of the screen, with its colours, is drawn as HTML in Chromium and photographed: what the
image shows is what the terminal showed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]
OUT = ROOT / "docs" / "assets" / "editors-neovim.png"
SESSION = "mldesign-shot"
COLUMNS, ROWS = 118, 30

PAGE = """---
title: Churn early warning
design:
  id: churn-warning
  status: drafty
  ownres: [Retention team]
  depends_on: [identity-service, billing-events]
  background:
    users: Account managers of the retail bank
    goals: Reach customers before they leave
  metrics:
    - name: recall_at_30d
      priority: primary
---

Which customers are about to leave, a month ahead.
"""

INIT = """
vim.o.termguicolors = true
vim.o.number = true
vim.o.signcolumn = "yes"
vim.o.completeopt = "menuone,noselect"
vim.o.pumheight = 10
vim.cmd("highlight link markdownError Normal")  -- `_` in a key is not a Markdown mistake
vim.cmd("highlight Pmenu guibg=#3b4048 guifg=#dcdfe4")
vim.cmd("highlight PmenuSel guibg=#61afef guifg=#1e1e1e")
vim.o.shortmess = vim.o.shortmess .. "c"
vim.diagnostic.config({ virtual_text = { prefix = "●" }, signs = true, underline = true })
vim.api.nvim_create_autocmd("FileType", { pattern = "markdown", callback = function(args)
  local id = vim.lsp.start_client({ name = "mldesign", cmd = { MLDESIGN, "lsp" }, root_dir = ROOT })
  vim.lsp.buf_attach_client(args.buf, id)
  vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc"
end })
"""

# The 16 colours of a dark terminal palette, then xterm's 256-colour cube and greys.
_BASE = [
    "#1e1e1e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4",
    "#5c6370", "#ef8a93", "#b5e08f", "#f0d197", "#82c0f5", "#d69ae6", "#7ccbd4", "#ffffff",
]  # fmt: skip


def _palette(n: int) -> str:
    if n < 16:
        return _BASE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return f"#{steps[n // 36]:02x}{steps[n // 6 % 6]:02x}{steps[n % 6]:02x}"
    grey = 8 + (n - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def ansi_to_html(text: str) -> str:
    """tmux's `capture-pane -e` output as HTML spans with the same colours and weights."""
    fg, bg, bold, italic, underline, reverse = None, None, False, False, False, False
    out: list[str] = []
    for part in re.split(r"(\x1b\[[0-9;:]*m)", text):
        m = re.fullmatch(r"\x1b\[([0-9;:]*)m", part)
        if m is None:
            if not part:
                continue
            front, back = (bg or _BASE[0], fg or _BASE[7]) if reverse else (fg, bg)
            style = [f"color:{front}" if front else "", f"background:{back}" if back else ""]
            style += ["font-weight:bold" if bold else "", "font-style:italic" if italic else ""]
            style += ["text-decoration:underline" if underline else ""]
            out.append(f'<span style="{";".join(s for s in style if s)}">{html.escape(part)}</span>')
            continue
        codes = [int(c) if c.isdigit() else 0 for c in re.split("[;:]", m.group(1) or "0")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg, bg, bold, italic, underline, reverse = None, None, False, False, False, False
            elif c == 1:
                bold = True
            elif c == 3:
                italic = True
            elif c in (4, 21):
                underline = True
            elif c == 7:
                reverse = True
            elif c == 22:
                bold = False
            elif c == 23:
                italic = False
            elif c == 24:
                underline = False
            elif c == 27:
                reverse = False
            elif 30 <= c <= 37 or 90 <= c <= 97:
                fg = _BASE[c - 30 if c < 90 else c - 82]
            elif 40 <= c <= 47 or 100 <= c <= 107:
                bg = _BASE[c - 40 if c < 100 else c - 92]
            elif c == 39:
                fg = None
            elif c == 49:
                bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour, i = _palette(codes[i + 2]), i + 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour, i = "#{:02x}{:02x}{:02x}".format(*codes[i + 2 : i + 5]), i + 4
                else:
                    colour = None
                if c == 38:
                    fg = colour
                else:
                    bg = colour
            i += 1
    return "".join(out)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def main() -> None:
    mldesign = str(Path(sys.executable).with_name("mldesign"))
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(ROOT / "example_site", site, ignore=shutil.ignore_patterns("site", "site-zensical", ".*"))
        page = site / "docs" / "designs" / "churn-warning.md"
        page.write_text(PAGE, encoding="utf-8")
        init = Path(tmp) / "init.lua"
        init.write_text(f"MLDESIGN = {json.dumps(mldesign)}\nROOT = {json.dumps(str(site))}\n{INIT}", encoding="utf-8")
        command = f"cd {site} && HOME={tmp} TERM=xterm-256color nvim -n -u {init} docs/designs/churn-warning.md"
        tmux("new-session", "-d", "-s", SESSION, "-x", str(COLUMNS), "-y", str(ROWS), command)
        try:
            time.sleep(4)  # the server starts and checks the example site
            # A new key under `design:`: the completion menu lists the keys not yet written.
            tmux("send-keys", "-t", SESSION, ":8", "Enter", "O", "C-x", "C-o")
            time.sleep(2)
            screen = tmux("capture-pane", "-t", SESSION, "-e", "-p")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", SESSION], check=False)
    body = ansi_to_html(screen.rstrip("\n"))
    document = (
        "<html><body style='margin:0;background:#1e1e1e'>"
        "<pre style=\"margin:0;padding:14px;font:15px/1.3 'DejaVu Sans Mono',monospace;color:#dcdfe4;"
        f'background:#1e1e1e;display:inline-block">{body}</pre></body></html>'
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        tab = browser.new_page(viewport={"width": 1300, "height": 900}, device_scale_factor=1)
        tab.set_content(document)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        tab.locator("pre").screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
