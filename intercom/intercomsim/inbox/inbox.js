// The inbox page's Canvas Kit renderer: asks the simulator to send signed
// initialize and submit requests to the app and draws the canvas each
// answers, as Intercom's inbox does.
(function () {
  "use strict";
  var root = document.getElementById("canvas");
  var conversation = document.body.dataset.conversation;
  var admin = document.body.dataset.admin;
  if (!root || !conversation) return;
  var current = null; // the canvas shown, sent back as current_canvas

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // Canvas Kit text supports Markdown bold and links only.
  function markdown(s) {
    var out = document.createDocumentFragment();
    var re = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g, last = 0, m;
    while ((m = re.exec(s)) !== null) {
      out.appendChild(document.createTextNode(s.slice(last, m.index)));
      if (m[1] !== undefined) out.appendChild(el("strong", "", m[1]));
      else { var a = el("a", "", m[2]); a.href = m[3]; a.target = "_blank"; a.rel = "noopener"; out.appendChild(a); }
      last = re.lastIndex;
    }
    out.appendChild(document.createTextNode(s.slice(last)));
    return out;
  }

  function inputValues() {
    var vals = {};
    root.querySelectorAll("[data-input]").forEach(function (e) {
      var id = e.dataset.input;
      if (e.dataset.kind === "single-select") { if (e.dataset.value) vals[id] = e.dataset.value; }
      else if (e.dataset.kind === "checkbox") {
        var on = []; e.querySelectorAll("input:checked").forEach(function (c) { on.push(c.value); }); vals[id] = on;
      } else vals[id] = e.value;
    });
    return vals;
  }

  function withAction(node, action, id) {
    if (!action) return node;
    if (action.type === "url") {
      var a = el("a", node.className); a.href = action.url; a.target = "_blank"; a.rel = "noopener";
      a.dataset.componentId = id;
      while (node.firstChild) a.appendChild(node.firstChild);
      return a;
    }
    if (action.type === "submit") node.addEventListener("click", function (ev) { ev.preventDefault(); submit(id); });
    return node;
  }

  function field(c, control) {
    var w = el("div", "c-field");
    if (c.label) { var l = el("label", "", c.label); l.htmlFor = "cv-" + c.id; w.appendChild(l); }
    control.id = "cv-" + c.id;
    w.appendChild(control);
    return w;
  }

  var render = {
    "text": function (c) { var d = el("div", "c-text " + (c.style || "paragraph")); d.appendChild(markdown(c.text || "")); if (c.align) d.style.textAlign = c.align; return d; },
    "data-table": function (c) {
      var t = el("table", "c-table");
      (c.items || []).forEach(function (it) { var tr = el("tr"); tr.appendChild(el("td", "", it.field)); var v = el("td", "", it.value); v.title = it.value; tr.appendChild(v); t.appendChild(tr); });
      return t;
    },
    "button": function (c) {
      var b = el("button", "btn " + (c.style || "primary"), c.label); b.type = "button"; b.dataset.componentId = c.id;
      if (c.disabled) { b.disabled = true; return b; }
      return withAction(b, c.action, c.id);
    },
    "list": function (c) {
      var l = el("div", "c-list");
      (c.items || []).forEach(function (it) {
        var i = el("div", "c-item"); i.dataset.componentId = it.id;
        i.appendChild(el("div", "t", it.title));
        if (it.subtitle) i.appendChild(el("div", "s", it.subtitle));
        if (it.tertiary_text) i.appendChild(el("div", "x", it.tertiary_text));
        l.appendChild(it.disabled ? i : withAction(i, it.action, it.id));
      });
      return l;
    },
    "single-select": function (c) {
      var w = el("div", "c-field"), g = el("div", "c-select");
      if (c.label) w.appendChild(el("label", "", c.label));
      g.dataset.input = c.id; g.dataset.kind = "single-select"; g.dataset.value = c.value || "";
      (c.options || []).forEach(function (o) {
        var b = el("button", o.id === c.value ? "on" : "", o.text); b.type = "button"; b.dataset.option = o.id;
        b.disabled = !!(c.disabled || o.disabled);
        b.addEventListener("click", function () {
          g.dataset.value = o.id;
          g.querySelectorAll("button").forEach(function (x) { x.className = x === b ? "on" : ""; });
          if (c.action && c.action.type === "submit") submit(c.id);
        });
        g.appendChild(b);
      });
      w.appendChild(g);
      return w;
    },
    "dropdown": function (c) {
      var s = el("select"); s.dataset.input = c.id; s.disabled = !!c.disabled;
      (c.options || []).forEach(function (o) { var op = el("option", "", o.text); op.value = o.id; op.disabled = !!o.disabled; s.appendChild(op); });
      s.value = c.value || (c.options && c.options[0] ? c.options[0].id : "");
      return field(c, s);
    },
    "input": function (c) {
      var i = el("input", c.save_state === "failed" ? "failed" : ""); i.type = "text"; i.dataset.input = c.id;
      i.value = c.value || ""; i.placeholder = c.placeholder || ""; i.disabled = !!c.disabled;
      var f = field(c, i);
      if (c.action) { var b = el("button", "btn secondary", "→"); b.type = "button"; f.appendChild(withAction(b, c.action, c.id)); }
      return f;
    },
    "textarea": function (c) {
      var t = el("textarea", c.error ? "error" : ""); t.dataset.input = c.id; t.value = c.value || "";
      t.placeholder = c.placeholder || ""; t.disabled = !!c.disabled;
      return field(c, t);
    },
    "checkbox": function (c) {
      var w = el("div", "c-field"); w.dataset.input = c.id; w.dataset.kind = "checkbox";
      if (c.label) w.appendChild(el("label", "", c.label));
      (c.option || c.options || []).forEach(function (o) {
        var l = el("label"), cb = el("input"); cb.type = "checkbox"; cb.value = o.id;
        cb.checked = (c.value || []).indexOf(o.id) >= 0; l.appendChild(cb); l.appendChild(document.createTextNode(" " + o.text)); w.appendChild(l);
      });
      return w;
    },
    "divider": function () { return el("hr", "c-divider"); },
    "spacer": function (c) { return el("div", "c-spacer " + (c.size || "s")); },
    "image": function (c) { var i = el("img"); i.src = c.url; i.width = c.width; i.height = c.height; return withAction(i, c.action, c.id); }
  };

  function draw(canvas) {
    current = canvas;
    root.textContent = "";
    var comps = (canvas.content && canvas.content.components) || [];
    comps.forEach(function (c) {
      var f = render[c.type];
      var node = f ? f(c) : el("div", "canvas-error", "Unsupported component " + c.type);
      if (c.id) node.dataset.component = c.id;
      node.dataset.type = c.type;
      root.appendChild(node);
    });
    root.setAttribute("aria-busy", "false");
    root.dataset.view = (canvas.stored_data && canvas.stored_data.view) || "";
  }

  function fail(msg) {
    root.textContent = "";
    root.appendChild(el("p", "canvas-error", "The app could not be loaded: " + msg));
    var b = el("button", "btn secondary", "Reload"); b.type = "button"; b.addEventListener("click", initialize);
    root.appendChild(b);
    root.setAttribute("aria-busy", "false");
  }

  function post(path, body) {
    root.setAttribute("aria-busy", "true");
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (out) { if (out.error) fail(out.error); else draw(out.canvas); })
      .catch(function (e) { fail(String(e)); });
  }

  function refreshThread() {
    return fetch("/inbox/thread?conversation=" + encodeURIComponent(conversation) + "&admin=" + encodeURIComponent(admin))
      .then(function (r) { return r.text(); })
      .then(function (html) { document.getElementById("thread").innerHTML = html; });
  }

  function initialize() {
    return post("/inbox/canvas/initialize", { conversation_id: conversation, admin_id: admin });
  }

  function submit(componentId) {
    var body = { conversation_id: conversation, admin_id: admin, component_id: componentId,
      input_values: inputValues(), current_canvas: current };
    return post("/inbox/canvas/submit", body).then(refreshThread);
  }

  initialize();
})();
