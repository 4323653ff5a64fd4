"""`/api/v1/docs`: a readable reference rendered on the server from the OpenAPI document.

No script and no CDN: plain HTML with one inline style sheet (the CSP allows inline styles, not scripts).
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1c2024}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f4f4f5;padding:.75rem;overflow-x:auto;border-radius:6px}
.op{border:1px solid #d9d9e0;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:3.5rem;font-weight:700}
table{border-collapse:collapse;width:100%;font-size:.9em;display:block;overflow-x:auto}
h3 code,p code{overflow-wrap:anywhere}th,td{text-align:left;padding:.25rem .5rem;
border-bottom:1px solid #e8e8ec;vertical-align:top}nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem}
main{overflow-wrap:anywhere}
"""


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if "anyOf" in schema:
        return " | ".join(_type(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    kind = str(schema.get("type", "object"))
    fmt = schema.get("format")
    return escape(f"{kind} ({fmt})" if fmt else kind)


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
        f"<td>{_type(p.get('schema', {}))}</td><td>{'yes' if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description', ''))}</td></tr>"
        for p in op.get("parameters", [])
    )
    params = (
        "<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Required</th><th>About</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    body_html = f"<p>Body: {_type(body)}</p>" if body else ""
    responses = ", ".join(
        f"<code>{escape(code)}</code> {escape(r.get('description', ''))}" for code, r in op.get("responses", {}).items()
    )
    scope = op.get("x-required-scope")
    security = f"<p>Permission: <code>{escape(scope)}</code></p>" if scope else ""
    about = op.get("description", "").split("\n\nNeeds")[0]
    return (
        f'<section class="op" id="{escape(op.get("operationId", ""))}"><h3><span class="method">{method.upper()}</span>'
        f"<code>/api/v1{escape(path)}</code></h3><p>{escape(op.get('summary', ''))}</p>"
        f"<p>{escape(about)}</p>{security}{params}{body_html}<p>Responses: {responses}</p></section>"
    )


def _schema(name: str, schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(field)}</code></td><td>{_type(spec)}</td><td>{'yes' if field in required else ''}</td>"
        f"<td>{escape(spec.get('description', ''))}</td></tr>"
        for field, spec in schema.get("properties", {}).items()
    )
    return (
        f'<section id="schema-{escape(name)}"><h3>{escape(name)}</h3><p>{escape(schema.get("description", ""))}</p>'
        "<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>About</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def reference_page(document: dict[str, Any]) -> str:
    info = document.get("info", {})
    by_tag: dict[str, list[str]] = {}
    for path, methods in document.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(path, method, op))
    sections = "".join(
        f'<h2 id="tag-{escape(tag)}">{escape(tag.capitalize())}</h2>{"".join(ops)}' for tag, ops in by_tag.items()
    )
    nav = "".join(f'<a href="#tag-{escape(tag)}">{escape(tag)}</a>' for tag in by_tag)
    schemas = "".join(_schema(n, s) for n, s in document.get("components", {}).get("schemas", {}).items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(info.get('title', 'API'))} reference</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(info.get('title', 'API'))} <small>v{escape(info.get('version', ''))}</small></h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        '<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>'
        "<pre>curl -H 'Authorization: Bearer tka_…' http://localhost:3000/api/v1/events?limit=10</pre>"
        f'<nav aria-label="Areas">{nav}</nav>{sections}<h2>Schemas</h2>{schemas}</main></body></html>'
    )
