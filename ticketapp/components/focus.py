"""Keyboard focus across client-side page changes, in the browser itself (no server event).

- A route change leaves focus on `<body>` and says nothing: once the new page's `h1` is there, it
  takes focus (with `tabindex=-1`), so a screen reader reads the new page's name and the next Tab
  starts in it. A first page load keeps the browser's own behaviour, and focus the visitor has
  already moved somewhere is never taken back.
- The skip link moves focus to `<main>` (a same-page `#main` link only changes the URL in a
  client-routed app).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var, VarData

# How long a page may take to show its h1 (data loads over the websocket first).
HEADING_WAIT_MS = 5_000
POLL_MS = 50

_HOOK = f"""useEffect(() => {{
  const onSkip = (event) => {{
    const link = event.target.closest && event.target.closest('a.skip-link');
    const main = document.getElementById('main');
    if (!link || !main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  }};
  document.addEventListener('click', onSkip);
  const firstPage = !window.__ticketappRouted;
  window.__ticketappRouted = true;
  let timer = null;
  if (!firstPage) {{
    const started = Date.now();
    const focusHeading = () => {{
      const active = document.activeElement;
      const untouched = !active || active === document.body || !active.isConnected;
      const heading = document.querySelector('main h1');
      if (heading && untouched) {{
        if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        heading.focus();
      }} else if (!heading && untouched && Date.now() - started < {HEADING_WAIT_MS}) {{
        timer = setTimeout(focusHeading, {POLL_MS});
      }}
    }};
    focusHeading();
  }}
  return () => {{ document.removeEventListener('click', onSkip); if (timer) clearTimeout(timer); }};
}}, []);"""


class FocusManager(rx.Fragment):
    """Renders nothing; one per page (the layout's), so it mounts again on every route change."""

    def add_imports(self) -> dict[str, list[rx.ImportVar]]:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | Var[Any]]:
        return [_HOOK]


focus_manager = FocusManager.create


# Reflex runs a component's hooks in its page's function: effects follow the panel's open flag, not its mount.
_CHAT_HOOK = """useEffect(() => {{
  const launcher = document.getElementById('chat-launcher');
  if (!{open}) return;
  // Only when the visitor has just opened it (not when an open panel comes back with a new page).
  if (!launcher || document.activeElement !== launcher) return;
  let tries = 0;
  const focusTitle = () => {{
    const title = document.getElementById('chat-title');
    if (title) {{ title.setAttribute('tabindex', '-1'); title.focus(); }}
    else if (tries++ < 40) setTimeout(focusTitle, 25);
  }};
  focusTitle();
}}, [{open}]);
useEffect(() => {{
  const onKey = (event) => {{
    const panel = document.getElementById('chat-panel');
    if (event.key !== 'Escape' || !panel || !panel.contains(document.activeElement)) return;
    event.preventDefault();
    document.getElementById('chat-close')?.click();
  }};
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}}, []);"""


def chat_focus_hooks(open_flag: Var[bool]) -> list[str | Var[Any]]:
    """Hooks for the chat dock: opening the panel moves focus to its title; Escape closes it (focus returns to
    the launcher, see the state's close_panel)."""
    return [Var(_CHAT_HOOK.format(open=str(open_flag)), _var_data=VarData.merge(open_flag._get_all_var_data()))]
