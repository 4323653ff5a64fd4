/* Ticketapp shop widget v1 — paste on your site:
 *   <script src="https://YOUR-SHOP/widget/v1/ticketapp.js" data-event="EVENT-SLUG" async></script>
 * Renders the event's ticket selection where the tag is; "Continue to checkout" opens the shop's
 * checkout in a new tab with the chosen tickets held. Styled by CSS variables on the page:
 *   --ticketapp-accent, --ticketapp-text, --ticketapp-background, --ticketapp-radius, --ticketapp-font
 * No cookies, no tracking, nothing framed. Served by the shop, no CDN.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL(script.src, document.baseURI).origin;
  var slug = script.getAttribute("data-event") || "";
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "en";
  var host = document.createElement("div");
  host.className = "ticketapp-widget";
  script.parentNode.insertBefore(host, script);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var css =
    ":host{display:block}" +
    ".box{font-family:var(--ticketapp-font,system-ui,sans-serif);color:var(--ticketapp-text,#1a1a1a);" +
    "background:var(--ticketapp-background,#fff);border:1px solid rgba(0,0,0,.15);" +
    "border-radius:var(--ticketapp-radius,8px);padding:1rem;max-width:32rem}" +
    "h2{font-size:1.15rem;margin:0 0 .25rem}p{margin:0 0 .75rem}" +
    ".row{display:flex;justify-content:space-between;align-items:center;gap:.75rem;padding:.5rem 0;" +
    "border-top:1px solid rgba(0,0,0,.08);flex-wrap:wrap}" +
    "label{flex:1 1 12rem}select{font:inherit;min-height:2.75rem;min-width:4.5rem}" +
    "button{font:inherit;margin-top:.75rem;min-height:2.75rem;padding:0 1.25rem;border:0;cursor:pointer;" +
    "border-radius:var(--ticketapp-radius,8px);background:var(--ticketapp-accent,#3e63dd);color:#fff}" +
    ".error{color:#b00020}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(doc) {
    var box = el("div", { class: "box", role: "region", "aria-label": doc.labels.region });
    box.appendChild(el("h2", {}, doc.title));
    box.appendChild(el("p", {}, doc.when + " · " + doc.venue));
    var form = el("form", { method: "post", action: base + "/widget/v1/checkout", target: "_blank" });
    form.appendChild(el("input", { type: "hidden", name: "event", value: doc.slug }));
    form.appendChild(el("input", { type: "hidden", name: "lang", value: lang }));
    var any = false;
    doc.ticket_types.forEach(function (t) {
      var row = el("div", { class: "row" });
      var id = "ticketapp-qty-" + t.id;
      row.appendChild(el("label", { for: id }, t.name + " — " + t.price));
      if (t.max > 0) {
        any = true;
        var select = el("select", { id: id, name: "qty-" + t.id, "aria-label": doc.labels.quantity + " " + t.name });
        for (var n = 0; n <= t.max; n++) select.appendChild(el("option", { value: String(n) }, String(n)));
        row.appendChild(select);
      } else {
        row.appendChild(el("span", {}, doc.labels.sold_out));
      }
      form.appendChild(row);
    });
    var message = el("p", { class: "error", role: "alert" });
    form.appendChild(message);
    if (any) form.appendChild(el("button", { type: "submit" }, doc.labels.continue));
    form.addEventListener("submit", function (event) {
      var chosen = Array.prototype.some.call(form.querySelectorAll("select"), function (s) { return s.value !== "0"; });
      if (!chosen) {
        event.preventDefault();
        message.textContent = doc.labels.choose;
      }
    });
    box.appendChild(form);
    root.appendChild(box);
  }

  var style = el("style", {}, css);
  root.appendChild(style);
  fetch(base + "/widget/v1/events/" + encodeURIComponent(slug) + ".json?lang=" + encodeURIComponent(lang))
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(render)
    .catch(function () {
      var box = el("div", { class: "box", role: "alert" }, "Tickets cannot be shown here. ");
      var link = el("a", { href: base + "/events/" + encodeURIComponent(slug), target: "_blank", rel: "noopener" },
        "Open the ticket shop");
      box.appendChild(link);
      root.appendChild(box);
    });
})();
