// Edge lab view: draws the LabView the server sends (/ui/v1/events, event "lab") as plain SVG.
// No framework, no build step, nothing loaded from elsewhere. Every object drawn is a focusable
// group (Tab, then Enter or Space) with a data-key ("pod:default/web-1") that stays the same
// across updates, so focus and selection survive a redraw. Flows come as events of their own on
// the same stream (event "flow"): each drawn as a dot along the links it took and listed in words.
// A trace (asked of the server, which asks the API) plays back hop by hop over the same map; a
// capture downloads a pcap of a pod's port or a board's overlay.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const size = { pad: 20, gap: 28, board: 320, pod: 292, podH: 70, podGap: 10, head: 118, foot: 58, svc: 320, svcH: 104, ing: 320, ingH: 88, rowGap: 70 };
  // A board's foot, left to right as a packet leaving a pod meets them: its bridge, kube-proxy and routing, its VXLAN end.
  const parts = [{ part: "bridge", label: "cni0", x: 10, w: 76 }, { part: "proxy", label: "kube-proxy", x: 94, w: 132 }, { part: "vxlan", label: "vxlan", x: 234, w: 76 }];
  const vxlanX = 234 + 76 / 2; // where a board's VXLAN arcs start

  const state = {
    view: null,
    selected: null,          // a data-key
    tables: {},              // "node/view" -> { text, at, error }
    openTables: null,        // "node/view" shown in the details
    detailsShown: "",        // what the details were drawn from, to redraw only on change
    arcs: {},                // "a~b" -> the overlay link as drawn: { from, to, x1, x2, y0, d }
    captureSeconds: 5,
    capture: null,           // the last capture asked: { key, text, error, busy }
    trace: null,             // the TraceView shown
    hop: -1,                 // its hop shown (an index)
    playing: null,           // Play's timer
  };

  // Exposed for tests and the latency benchmark: the revision drawn, and when each pod was first drawn (ms since the epoch).
  const lab = window.edgeLab = { revision: -1, firstSeen: {}, drawnAt: 0, flows: [], trace: null, capture: null };

  const svg = document.getElementById("topology");
  const details = document.getElementById("details");

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, v);
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  function text(parent, x, y, content, cls) {
    const t = el("text", { x: x, y: y, class: cls || null }, parent);
    t.textContent = content;
    return t;
  }

  function html(tag, content, attrs) {
    const e = document.createElement(tag);
    if (content !== undefined && content !== null) e.textContent = content;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  // Text that fits a box: cut with an ellipsis past max characters (the details say it whole).
  function fit(s, max) {
    s = String(s === null || s === undefined ? "" : s);
    return s.length <= max ? s : s.slice(0, max - 1) + "…";
  }

  function podState(p) {
    if (p.status === "Terminating") return "notready";
    if (p.ready) return "ready";
    if (p.phase === "Pending" || p.status === "ContainerCreating") return "pending";
    return "notready";
  }

  function podStateText(p) {
    const s = podState(p);
    return s === "ready" ? "Ready" : s === "pending" ? "Pending" : "NotReady";
  }

  // A focusable group for one object: click, Enter or Space selects it.
  function item(parent, key, cls, label) {
    const g = el("g", { class: "item " + cls, tabindex: "0", role: "button", "data-key": key, "aria-label": label }, parent);
    if (state.selected === key) g.classList.add("selected");
    return g;
  }

  function dot(g, x, y, s) {
    el("circle", { class: "dot " + s, cx: x, cy: y, r: 9 }, g);
    if (s === "pending") el("path", { class: "dot-half", d: `M ${x} ${y - 9} A 9 9 0 0 0 ${x} ${y + 9} Z` }, g);
  }

  function draw(view) {
    const focusedKey = document.activeElement && document.activeElement.getAttribute && document.activeElement.getAttribute("data-key");
    while (svg.firstChild) svg.removeChild(svg.firstChild);

    const nodes = view.nodes;
    const columns = nodes.map(n => ({ name: n.name, node: n, pods: [] }));
    const unscheduled = { name: null, node: null, pods: [] };
    for (const p of view.pods) {
      const c = columns.find(c => c.name === p.node);
      (c || unscheduled).pods.push(p);
    }
    if (unscheduled.pods.length > 0) columns.push(unscheduled);

    const services = view.services;
    const ingresses = view.ingresses;
    const boardsWidth = columns.length * (size.board + size.gap);
    const width = Math.max(boardsWidth, 2 * (size.svc + size.gap), 3 * (size.ing + size.gap)) + size.pad;
    const perRow = Math.max(1, Math.floor((width - size.pad) / (size.svc + size.gap)));

    let y = size.pad;
    const at = {}; // key -> {x, y, w, h}
    ingresses.forEach((ing, i) => {
      at["ing:" + ing.key] = { x: size.pad + (i % perRow) * (size.ing + size.gap), y: y + Math.floor(i / perRow) * (size.ingH + 20), w: size.ing, h: size.ingH };
    });
    if (ingresses.length > 0) y += Math.ceil(ingresses.length / perRow) * (size.ingH + 20) + size.rowGap - 20;
    services.forEach((s, i) => {
      at["svc:" + s.key] = { x: size.pad + (i % perRow) * (size.svc + size.gap), y: y + Math.floor(i / perRow) * (size.svcH + 24), w: size.svc, h: size.svcH };
    });
    if (services.length > 0) y += Math.ceil(services.length / perRow) * (size.svcH + 24) + size.rowGap - 24;

    const boardY = y;
    const most = Math.max(1, ...columns.map(c => c.pods.length));
    const boardH = size.head + most * (size.podH + size.podGap) + size.podGap + size.foot;
    columns.forEach((c, i) => {
      const x = size.pad + i * (size.board + size.gap);
      if (c.node) at["node:" + c.name] = { x: x, y: boardY, w: size.board, h: boardH };
      else at["unscheduled"] = { x: x, y: boardY, w: size.board, h: boardH };
      c.pods.forEach((p, j) => {
        at["pod:" + p.key] = { x: x + (size.board - size.pod) / 2, y: boardY + size.head + j * (size.podH + size.podGap), w: size.pod, h: size.podH };
      });
    });

    const arcs = view.overlay.length;
    const depth = arcs === 0 ? 0 : 60 + 34 * Math.max(0, nodes.length - 2);
    const height = boardY + boardH + depth + 50;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);

    // Boards first, lines over them, then pods, services and ingresses on top.
    const boards = el("g", { id: "boards" }, svg);
    for (const c of columns) {
      const b = c.node ? at["node:" + c.name] : at["unscheduled"];
      if (c.node) {
        const n = c.node;
        const s = n.ready ? "ready" : "notready";
        const g = item(boards, "node:" + n.name, "board " + s,
          `board ${n.name}, ${n.status}, ${n.address}, ${c.pods.length} pods`);
        g.setAttribute("data-status", n.status);
        el("rect", { class: "frame", x: b.x, y: b.y, width: b.w, height: b.h, rx: 8 }, g);
        dot(g, b.x + 24, b.y + 28, s);
        text(g, b.x + 42, b.y + 35, n.name, "title");
        text(g, b.x + b.w - 16, b.y + 35, n.status.replace(",SchedulingDisabled", " (cordoned)"), s).setAttribute("text-anchor", "end");
        text(g, b.x + 16, b.y + 66, `${n.address}${n.virtual ? " · virtual board" : ""}`);
        text(g, b.x + 16, b.y + 94, `${n.memoryClass ? n.memoryClass + " · " : ""}${n.memory || "?"} · ${c.pods.length}/${n.pods === null ? "?" : n.pods} pods`, "small");
        for (const part of parts) {
          const pg = el("g", { class: "part", "data-part": part.part + ":" + n.name }, g);
          const py = b.y + b.h - size.foot + 8;
          el("rect", { class: "part-frame", x: b.x + part.x, y: py, width: part.w, height: size.foot - 16, rx: 4 }, pg);
          text(pg, b.x + part.x + part.w / 2, py + (size.foot - 16) / 2 + 6, part.label).setAttribute("text-anchor", "middle");
        }
      } else {
        const g = el("g", { class: "board unscheduled", "data-key": "unscheduled" }, boards);
        el("rect", { class: "frame", x: b.x, y: b.y, width: b.w, height: b.h, rx: 8, "stroke-dasharray": "4 6" }, g);
        text(g, b.x + 16, b.y + 35, "Not on a board", "title");
        text(g, b.x + 16, b.y + 66, "waiting to be scheduled", "small");
      }
    }

    const overlay = el("g", { id: "overlay" }, svg);
    const index = Object.fromEntries(nodes.map((n, i) => [n.name, i]));
    state.arcs = {};
    for (const link of view.overlay) {
      const a = at["node:" + link.from], b = at["node:" + link.to];
      if (!a || !b) continue;
      const span = Math.abs(index[link.to] - index[link.from]);
      const x1 = a.x + vxlanX, x2 = b.x + vxlanX, y0 = a.y + a.h, d = 28 + 34 * span;
      state.arcs[link.key] = { from: link.from, to: link.to, x1: x1, x2: x2, y0: y0, d: d };
      el("path", { id: "overlay-" + link.key, class: "overlay" + (link.up ? "" : " down"), d: `M ${x1} ${y0} C ${x1} ${y0 + d}, ${x2} ${y0 + d}, ${x2} ${y0}`,
        "data-key": "overlay:" + link.key, "data-from": link.from, "data-to": link.to }, overlay);
      const label = text(overlay, (x1 + x2) / 2, y0 + d * 0.75 + 6, link.up ? "VXLAN" : "VXLAN down", link.up ? "small" : "small notready");
      label.setAttribute("text-anchor", "middle");
    }

    const edges = el("g", { id: "edges" }, svg);
    for (const s of services) {
      const from = at["svc:" + s.key];
      for (const e of s.endpoints) {
        const to = e.pod && at["pod:" + e.pod];
        if (!to) continue;
        const x1 = from.x + from.w / 2, y1 = from.y + from.h, x2 = to.x + to.w / 2, y2 = to.y;
        el("path", {
          class: "edge" + (e.ready ? "" : " notready") + (state.selected === "svc:" + s.key || state.selected === "pod:" + e.pod ? " highlight" : ""),
          d: `M ${x1} ${y1} C ${x1} ${y1 + 50}, ${x2} ${y2 - 60}, ${x2} ${y2}`,
          "data-from": "svc:" + s.key, "data-to": "pod:" + e.pod,
        }, edges);
      }
    }
    for (const ing of ingresses) {
      const from = at["ing:" + ing.key];
      const seen = new Set();
      for (const r of ing.rules.concat(ing.defaultBackend ? [{ service: ing.defaultBackend.split(":")[0] }] : [])) {
        const to = at["svc:" + ing.namespace + "/" + r.service];
        if (!to || seen.has(r.service)) continue;
        seen.add(r.service);
        const x1 = from.x + from.w / 2, y1 = from.y + from.h, x2 = to.x + to.w / 2, y2 = to.y;
        el("path", { class: "edge", d: `M ${x1} ${y1} C ${x1} ${y1 + 30}, ${x2} ${y2 - 30}, ${x2} ${y2}`, "data-from": "ing:" + ing.key, "data-to": "svc:" + ing.namespace + "/" + r.service }, edges);
      }
    }

    const podLayer = el("g", { id: "pods" }, svg);
    for (const p of view.pods) {
      const b = at["pod:" + p.key];
      const s = podState(p);
      const g = item(podLayer, "pod:" + p.key, "pod " + s,
        `pod ${p.name} in ${p.namespace}, ${p.status}, ${podStateText(p)}, ${p.readyContainers} containers ready, IP ${p.ip || "none yet"}${p.node ? " on " + p.node : ", not scheduled"}`);
      g.setAttribute("data-status", p.status);
      g.setAttribute("data-ready", p.ready ? "true" : "false");
      el("rect", { class: "frame", x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }, g);
      dot(g, b.x + 20, b.y + 24, s);
      text(g, b.x + 36, b.y + 30, fit((p.namespace === "default" ? "" : p.namespace + "/") + p.name, 24), "podname");
      text(g, b.x + 12, b.y + 58, fit(`${p.status}${s === "notready" && p.status === "Running" ? " NotReady" : ""} · ${p.readyContainers} · ${p.ip || "no IP"}${p.restarts > 0 ? " · ↻" + p.restarts : ""}`, p.policies.length > 0 ? 24 : 30), s === "ready" ? "small" : "small " + s);
      if (p.policies.length > 0) {
        text(g, b.x + b.w - 10, b.y + 58, "policy", "small").setAttribute("text-anchor", "end");
      }
      if (!(p.key in lab.firstSeen)) lab.firstSeen[p.key] = Date.now();
    }

    const svcLayer = el("g", { id: "services" }, svg);
    for (const s of services) {
      const b = at["svc:" + s.key];
      const ready = s.endpoints.filter(e => e.ready).length;
      const g = item(svcLayer, "svc:" + s.key, "service",
        `service ${s.name} in ${s.namespace}, ${s.type}${s.headless ? " headless" : ""}, ${ready} of ${s.endpoints.length} endpoints ready`);
      el("rect", { class: "frame", x: b.x, y: b.y, width: b.w, height: b.h }, g);
      text(g, b.x + 14, b.y + 30, fit((s.namespace === "default" ? "" : s.namespace + "/") + s.name, 25), "title");
      text(g, b.x + 14, b.y + 58, fit(`${s.type}${s.headless ? " (headless)" : ""} ${s.type === "ExternalName" ? s.externalName : s.headless ? "" : s.clusterIP || ""}`, 32));
      const ports = s.ports.map(p => `${p.port}${p.nodePort ? ":" + p.nodePort : ""}/${p.protocol}`).join(", ");
      text(g, b.x + 14, b.y + 86, fit(`${ports || "no ports"} · ${ready}/${s.endpoints.length} ready`, 32), s.endpoints.length > 0 && ready === 0 ? "small notready" : "small");
    }

    const ingLayer = el("g", { id: "ingresses" }, svg);
    for (const ing of ingresses) {
      const b = at["ing:" + ing.key];
      const g = item(ingLayer, "ing:" + ing.key, "ingress", `ingress ${ing.name} in ${ing.namespace}, ${ing.rules.length} rules`);
      el("rect", { class: "frame", x: b.x, y: b.y, width: b.w, height: b.h, rx: 2 }, g);
      text(g, b.x + 14, b.y + 30, fit("Ingress " + ing.name, 26), "title");
      const first = ing.rules[0];
      text(g, b.x + 14, b.y + 62, fit(first ? `${first.host}${first.path} → ${first.service}${ing.rules.length > 1 ? " +" + (ing.rules.length - 1) : ""}` : ing.defaultBackend ? "default → " + ing.defaultBackend : "no rules", 32), "small");
    }

    drawPolicies(view);
    showHop(false);
    if (focusedKey) {
      const again = document.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function drawPolicies(view) {
    const list = document.getElementById("policy-list");
    const focusedKey = document.activeElement && document.activeElement.getAttribute && document.activeElement.getAttribute("data-key");
    list.textContent = "";
    if (view.networkPolicies.length === 0) {
      list.appendChild(html("li", "none"));
      return;
    }
    for (const np of view.networkPolicies) {
      const li = html("li");
      const b = html("button", `${np.namespace}/${np.name}: ${np.policyTypes.join(" + ")}, selects ${np.pods.length} pod${np.pods.length === 1 ? "" : "s"}`,
        { "data-key": "netpol:" + np.key, "aria-pressed": state.selected === "netpol:" + np.key ? "true" : "false" });
      li.appendChild(b);
      list.appendChild(li);
      if (focusedKey === "netpol:" + np.key) b.focus({ preventScroll: true });
    }
  }

  function find(key) {
    const v = state.view;
    if (!v || !key) return null;
    const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    const list = { node: v.nodes.map(n => Object.assign({ key: n.name }, n)), pod: v.pods, svc: v.services, ing: v.ingresses, netpol: v.networkPolicies }[kind];
    return list ? { kind: kind, item: list.find(x => x.key === id) || null, id: id } : null;
  }

  function dl(pairs) {
    const d = html("dl");
    for (const [k, v] of pairs) {
      if (v === null || v === undefined || v === "") continue;
      d.appendChild(html("dt", k));
      const dd = html("dd");
      if (v instanceof Node) dd.appendChild(v); else dd.textContent = String(v);
      d.appendChild(dd);
    }
    return d;
  }

  function stateSpan(s, words) {
    return html("span", words, { class: "state-" + s });
  }

  function table(headers, rows) {
    const t = html("table");
    const head = html("tr");
    headers.forEach(h => head.appendChild(html("th", h, { scope: "col" })));
    t.appendChild(head);
    for (const r of rows) {
      const tr = html("tr");
      r.forEach(c => {
        const td = html("td");
        if (c instanceof Node) td.appendChild(c); else td.textContent = String(c === null || c === undefined ? "" : c);
        tr.appendChild(td);
      });
      t.appendChild(tr);
    }
    return t;
  }

  // A board's tables as `edgectl tables|conntrack` print them, fetched when asked (not live).
  function tablesSection(nodes) {
    const sec = html("section", null, { "aria-label": "Board tables" });
    sec.appendChild(html("h3", "Board tables"));
    sec.appendChild(html("p", "What the board programs, as iptables-save, ipvsadm -Ln, conntrack -L and its policy chains print it (read when asked)."));
    for (const node of nodes) {
      const p = html("p");
      p.appendChild(html("b", node + ": "));
      for (const view of ["iptables", "ipvs", "conntrack", "policy"]) {
        const key = node + "/" + view;
        p.appendChild(html("button", view, { "data-action": "tables", "data-tables": key, "aria-pressed": state.openTables === key ? "true" : "false" }));
      }
      sec.appendChild(p);
    }
    const shown = state.openTables && state.tables[state.openTables];
    if (state.openTables) {
      sec.appendChild(html("h4", state.openTables.replace("/", " · ") + (shown && shown.at ? " (read " + shown.at + ")" : "")));
      sec.appendChild(html("pre", shown ? (shown.error ? "error: " + shown.error : shown.text) : "reading…", { "data-tables-text": state.openTables }));
    }
    return sec;
  }

  // A pcap of a pod's port (or a board's overlay) for a few seconds, downloaded as a file: asked when the button is pressed.
  function captureSection(node, port, ns, what) {
    const sec = html("section", null, { class: "capture", "aria-label": "Capture" });
    sec.appendChild(html("h3", "Capture"));
    const command = `edgectl capture ${node} --port ${port}${port !== "overlay" && ns !== "default" ? " -n " + ns : ""} -w FILE`;
    if (!state.view.actions) {
      sec.appendChild(html("p", `Captures are taken only from the machine the lab view runs on (they show what pods say): open the page there, or run ${command}.`));
      return sec;
    }
    const key = `${node}/${ns}/${port}`;
    const p = html("p");
    const label = html("label", "Seconds ", { for: "capture-seconds" });
    p.appendChild(label);
    p.appendChild(html("input", null, { id: "capture-seconds", type: "number", min: "1", max: "60", value: String(state.captureSeconds) }));
    p.appendChild(document.createTextNode(" "));
    const busy = state.capture && state.capture.busy;
    const b = html("button", `Capture ${state.captureSeconds} s of ${what} (pcap)`,
      { type: "button", "data-action": "capture", "data-capture": key, "data-node": node, "data-port": port, "data-namespace": ns });
    if (busy) b.disabled = true;
    p.appendChild(b);
    sec.appendChild(p);
    sec.appendChild(html("p", `A pcap file of what ${what === "the overlay" ? "crosses this board's VXLAN tunnels" : "this pod sends and receives"}, for Wireshark; make some traffic while it runs (a wget from a client pod). From a terminal: ${command}.`, { class: "hint" }));
    if (state.capture && state.capture.key === key) {
      sec.appendChild(html("p", state.capture.text, { class: state.capture.error ? "error" : "", "data-capture-result": key, role: "status" }));
    }
    return sec;
  }

  function drawDetails(force) {
    const found = find(state.selected);
    const related = found && found.item ? JSON.stringify([found.item, state.openTables, state.openTables && state.tables[state.openTables], state.view.actions, state.capture, state.captureSeconds]) : String(state.selected);
    if (!force && related === state.detailsShown) return;
    state.detailsShown = related;
    const active = details.contains(document.activeElement) ? document.activeElement : null;
    const hadFocus = active && (active.getAttribute("data-tables") ? `[data-tables="${CSS.escape(active.getAttribute("data-tables"))}"]`
      : active.getAttribute("data-capture") ? `[data-capture="${CSS.escape(active.getAttribute("data-capture"))}"]` : active.id ? "#" + CSS.escape(active.id) : null);
    details.textContent = "";
    details.appendChild(html("h2", "Details"));
    if (!found) {
      details.appendChild(html("p", "Nothing selected. Click a board, pod, service or ingress, or Tab to it and press Enter."));
      return;
    }
    const it = found.item;
    if (!it) {
      details.appendChild(html("p", `${found.kind === "svc" ? "service" : found.kind === "netpol" ? "network policy" : found.kind} ${found.id} is gone (deleted).`, { class: "state-notready" }));
      return;
    }
    const v = state.view;
    switch (found.kind) {
      case "node": {
        details.appendChild(html("h3", "Board " + it.name));
        details.appendChild(dl([
          ["Status", stateSpan(it.ready ? "ready" : "notready", it.status)],
          ["Address", it.address],
          ["Kind", it.virtual ? "virtual board" : "board"],
          ["Pod CIDR", it.podCIDR],
          ["Memory for pods", it.memory],
          ["Memory class", it.memoryClass],
          ["Pods", `${v.pods.filter(p => p.node === it.name).length} of ${it.pods}`],
          ["Firmware", it.firmware],
        ]));
        details.appendChild(tablesSection([it.name]));
        details.appendChild(captureSection(it.name, "overlay", "default", "the overlay"));
        break;
      }
      case "pod": {
        const s = podState(it);
        details.appendChild(html("h3", "Pod " + it.namespace + "/" + it.name));
        const routed = v.services.filter(x => x.endpoints.some(e => e.pod === it.key)).map(x => {
          const e = x.endpoints.find(e => e.pod === it.key);
          return `${x.name} (${e.ready ? "ready endpoint" : "not-ready endpoint"})`;
        });
        details.appendChild(dl([
          ["Status", stateSpan(s, `${it.status} (${podStateText(it)})`)],
          ["Phase", it.phase],
          ["Ready", it.readyContainers],
          ["IP", it.ip || "none yet"],
          ["Board", it.node || "not scheduled"],
          ["Restarts", it.restarts],
          ["Owner", it.owner],
          ["Labels", Object.entries(it.labels).map(([k, x]) => k + "=" + x).join(", ") || "none"],
          ["Services", routed.join(", ") || "none"],
          ["Policies", it.policies.join(", ") || "none (not isolated)"],
        ]));
        details.appendChild(html("h4", "Containers"));
        details.appendChild(table(["name", "image", "state", "ready", "restarts"],
          it.containers.map(c => [c.name, c.image, c.state, stateSpan(c.ready ? "ready" : "notready", c.ready ? "ready" : "not ready"), c.restarts])));
        if (it.node) details.appendChild(tablesSection([it.node]));
        if (it.node && it.ip) details.appendChild(captureSection(it.node, it.name, it.namespace, it.name + "'s traffic"));
        break;
      }
      case "svc": {
        details.appendChild(html("h3", "Service " + it.namespace + "/" + it.name));
        details.appendChild(dl([
          ["Type", it.type + (it.headless ? " (headless: DNS answers the pods' addresses, no virtual IP)" : "")],
          ["Cluster IP", it.headless ? "None" : it.clusterIP],
          ["External name", it.externalName],
          ["Selector", it.selector || "none"],
          ["Ports", it.ports.map(p => `${p.name ? p.name + " " : ""}${p.port}→${p.targetPort === null ? p.port : p.targetPort}/${p.protocol}${p.nodePort ? " (node port " + p.nodePort + ")" : ""}`).join(", ")],
          ["Load balancer", it.loadBalancer.join(", ")],
        ]));
        details.appendChild(html("h4", `Endpoints (${it.endpoints.filter(e => e.ready).length} of ${it.endpoints.length} ready)`));
        details.appendChild(it.endpoints.length === 0 ? html("p", "none: no pod matches, or none has an IP yet")
          : table(["address", "pod", "board", "ready"], it.endpoints.map(e => [e.ip + " " + e.ports, e.pod || "-", e.node || "-",
            stateSpan(e.ready ? "ready" : "notready", e.ready ? "ready" : "not ready")])));
        details.lastChild.setAttribute("data-endpoints", it.key);
        details.appendChild(tablesSection(v.nodes.map(n => n.name)));
        break;
      }
      case "ing": {
        details.appendChild(html("h3", "Ingress " + it.namespace + "/" + it.name));
        details.appendChild(dl([["Class", it.class], ["Addresses", it.addresses || "none yet"], ["Default backend", it.defaultBackend]]));
        details.appendChild(table(["host", "path", "type", "backend"], it.rules.map(r => [r.host, r.path, r.pathType, `${r.service}:${r.port}`])));
        break;
      }
      case "netpol": {
        details.appendChild(html("h3", "NetworkPolicy " + it.namespace + "/" + it.name));
        details.appendChild(dl([
          ["Pod selector", it.podSelector],
          ["Types", it.policyTypes.join(", ")],
          ["Ingress rules", it.ingressRules],
          ["Egress rules", it.egressRules],
          ["Pods selected", it.pods.join(", ") || "none"],
        ]));
        break;
      }
    }
    if (hadFocus) {
      const again = details.querySelector(hadFocus);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function select(key) {
    state.selected = key;
    state.openTables = null;
    document.querySelectorAll(".item.selected").forEach(e => e.classList.remove("selected"));
    document.querySelectorAll("#policy-list button").forEach(b => b.setAttribute("aria-pressed", b.getAttribute("data-key") === key ? "true" : "false"));
    const g = key && document.querySelector(`.item[data-key="${CSS.escape(key)}"]`);
    if (g) g.classList.add("selected");
    document.querySelectorAll(".edge").forEach(e => e.classList.toggle("highlight", !!key && (e.getAttribute("data-from") === key || e.getAttribute("data-to") === key)));
    drawDetails(true);
    // The details are under the trace panel: bring them up in the side column (it scrolls on its own beside the map).
    const side = document.getElementById("side");
    if (key && side.scrollHeight > side.clientHeight) side.scrollTop = details.offsetTop;
  }

  async function loadTables(key) {
    state.openTables = key;
    drawDetails(true);
    const [node, view] = key.split("/");
    try {
      const r = await fetch(`ui/v1/nodes/${encodeURIComponent(node)}/${view}`, { cache: "no-store" });
      const body = await r.text();
      state.tables[key] = r.ok ? { text: body, at: new Date().toLocaleTimeString() } : { error: body.trim() || r.status, at: new Date().toLocaleTimeString() };
    } catch (e) {
      state.tables[key] = { error: String(e), at: new Date().toLocaleTimeString() };
    }
    if (state.openTables === key) drawDetails(true);
  }

  // Counts a pcap file's records (little- or big-endian, as Pcap.cs reads them); -1 when it is not one.
  function pcapRecords(bytes) {
    const v = new DataView(bytes);
    if (bytes.byteLength < 24) return -1;
    const magic = v.getUint32(0, true);
    const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    if (!little && v.getUint32(0, false) !== 0xa1b2c3d4 && v.getUint32(0, false) !== 0xa1b23c4d) return -1;
    let n = 0;
    for (let at = 24; at + 16 <= bytes.byteLength; n++) at += 16 + v.getUint32(at + 8, little);
    return n;
  }

  async function capture(b) {
    const node = b.getAttribute("data-node"), port = b.getAttribute("data-port"), ns = b.getAttribute("data-namespace");
    const key = b.getAttribute("data-capture"), seconds = state.captureSeconds;
    state.capture = { key: key, text: `Capturing ${seconds} s of ${port === "overlay" ? node + "'s overlay" : port}…`, busy: true };
    drawDetails(true);
    try {
      const r = await fetch(`ui/v1/nodes/${encodeURIComponent(node)}/capture?port=${encodeURIComponent(port)}&namespace=${encodeURIComponent(ns)}&seconds=${seconds}`, { cache: "no-store" });
      if (!r.ok) {
        state.capture = { key: key, text: "error: " + ((await r.text()).trim() || r.status), error: true };
      } else {
        const bytes = await r.arrayBuffer();
        const named = /filename="?([^";]+)"?/.exec(r.headers.get("Content-Disposition") || "");
        const file = named ? named[1] : `${node}-${port}.pcap`;
        const packets = pcapRecords(bytes);
        const a = html("a", null, { href: URL.createObjectURL(new Blob([bytes], { type: "application/vnd.tcpdump.pcap" })), download: file });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 60000);
        state.capture = { key: key, file: file, packets: packets, bytes: bytes.byteLength,
          text: `Saved ${file}: ${packets} packet${packets === 1 ? "" : "s"}, ${bytes.byteLength} bytes${packets === 0 ? " (nothing passed in those seconds: make some traffic while it captures)" : ""}.` };
      }
    } catch (e) {
      state.capture = { key: key, text: "error: " + e, error: true };
    }
    lab.capture = state.capture;
    drawDetails(true);
  }

  function activate(target) {
    const action = target.closest("[data-action]");
    if (action && action.getAttribute("data-action") === "tables") {
      loadTables(action.getAttribute("data-tables"));
      return true;
    }
    if (action && action.getAttribute("data-action") === "capture") {
      if (!action.disabled) capture(action);
      return true;
    }
    const keyed = target.closest("[data-key]");
    if (keyed && (keyed.classList.contains("item") || keyed.tagName === "BUTTON")) {
      select(keyed.getAttribute("data-key"));
      return true;
    }
    return false;
  }

  document.addEventListener("click", e => { activate(e.target); });
  document.addEventListener("change", e => {
    if (e.target.id !== "capture-seconds") return;
    const n = Math.round(Number(e.target.value));
    state.captureSeconds = n >= 1 && n <= 60 ? n : 5;
    drawDetails(true);
  });
  document.addEventListener("keydown", e => {
    if (e.key === "Escape") {
      select(null);
      return;
    }
    // Buttons take Enter and Space themselves (a click follows); the drawn groups are given them here.
    if ((e.key === "Enter" || e.key === " ") && e.target.classList && e.target.classList.contains("item")) {
      e.preventDefault();
      activate(e.target);
    }
  });

  function status(live, words) {
    const p = document.getElementById("status");
    p.className = live ? "live" : "down";
    p.querySelector(".mark").textContent = live ? "●" : "✕";
    document.getElementById("status-text").textContent = words;
  }

  function show(view) {
    state.view = view;
    traceChoices(view);
    document.getElementById("cluster").textContent = view.cluster ? "· " + view.cluster : "";
    draw(view);
    drawDetails(false);
    lab.revision = view.revision;
    lab.drawnAt = Date.now();
    document.body.setAttribute("data-revision", String(view.revision));
    if (view.connected) {
      status(true, `Live · ${view.nodes.length} boards, ${view.pods.length} pods, ${view.services.length} services · updated ${new Date().toLocaleTimeString()}`);
    } else {
      status(false, `Not following the cluster: ${view.problem || "connecting"} (showing what was last seen; it catches up by itself)`);
    }
  }

  // Flows: the objects a flow went through, in order (a client pod, the Service it called, the
  // endpoint pod picked; or the two ends), a dot moving along them and a line in the list, in the
  // words `edgectl flows` prints. A dropped one ends in a cross and says DROPPED (not colour alone).
  const flowList = document.getElementById("flow-list");

  function keyAt(ip) {
    const v = state.view;
    if (!v || !ip) return null;
    const pod = v.pods.find(p => p.ip === ip);
    if (pod) return "pod:" + pod.key;
    const s = v.services.find(x => x.clusterIP === ip);
    return s ? "svc:" + s.key : null;
  }

  function centre(key) {
    const g = svg.querySelector(`.item[data-key="${CSS.escape(key)}"]`);
    if (!g) return null;
    const b = g.getBBox();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }

  // The VXLAN link between two boards as drawn, from a to b: its path's "C" from a's end to b's, and its key.
  function arcBetween(a, b) {
    for (const [key, arc] of Object.entries(state.arcs)) {
      if (arc.from === a && arc.to === b) return { key: key, start: { x: arc.x1, y: arc.y0 }, end: { x: arc.x2, y: arc.y0 }, c: `C ${arc.x1} ${arc.y0 + arc.d}, ${arc.x2} ${arc.y0 + arc.d}, ${arc.x2} ${arc.y0}` };
      if (arc.from === b && arc.to === a) return { key: key, start: { x: arc.x2, y: arc.y0 }, end: { x: arc.x1, y: arc.y0 }, c: `C ${arc.x2} ${arc.y0 + arc.d}, ${arc.x1} ${arc.y0 + arc.d}, ${arc.x1} ${arc.y0}` };
    }
    return null;
  }

  function nodeOfPod(key) {
    const p = key && key.startsWith("pod:") && state.view.pods.find(x => "pod:" + x.key === key);
    return p ? p.node : null;
  }

  function showFlow(f) {
    const dropped = f.verdict === "DROPPED";
    const ends = [f.source && f.source.ip];
    if (f.type === "service") ends.push(f.destination && f.destination.ip, f.translated_destination && f.translated_destination.ip);
    else ends.push(f.destination && f.destination.ip);
    const keys = ends.map(keyAt).filter(k => k);
    const path = keys.join(" > ");
    lab.flows.push({ path: path, via: "", verdict: f.verdict, type: f.type, line: f.line });

    const li = document.createElement("li");
    li.className = dropped ? "dropped" : "forwarded";
    li.setAttribute("data-flow-path", path);
    li.textContent = f.line;
    if (flowList.firstElementChild && flowList.firstElementChild.classList.contains("none")) flowList.firstElementChild.remove();
    flowList.prepend(li);
    while (flowList.children.length > 12) flowList.lastElementChild.remove();

    const points = keys.map(centre).filter(p => p);
    if (points.length < 2) return;
    // To a pod on another board, the way is the overlay: down to the client's board's VXLAN end,
    // along the arc to the endpoint's board, up to the pod.
    const from = nodeOfPod(keys[0]), to = nodeOfPod(keys[keys.length - 1]);
    const arc = points.length === keys.length && from && to && from !== to ? arcBetween(from, to) : null;
    const d = arc
      ? "M " + points.slice(0, -1).map(p => `${p.x} ${p.y}`).join(" L ") + ` L ${arc.start.x} ${arc.start.y} ${arc.c} L ${points[points.length - 1].x} ${points[points.length - 1].y}`
      : "M " + points.map(p => `${p.x} ${p.y}`).join(" L ");
    const via = arc ? "overlay:" + arc.key : "";
    lab.flows[lab.flows.length - 1].via = via;
    const layer = svg.querySelector("#flow-layer") || el("g", { id: "flow-layer" }, svg);
    const g = el("g", { class: "flow " + (dropped ? "dropped" : "forwarded"), "data-flow-path": path, "data-flow-via": via }, layer);
    el("path", { class: "flow-path", d: d }, g);
    const dot = el("circle", { class: "flow-dot", r: 9 }, g);
    el("animateMotion", { dur: arc ? "2s" : "1.2s", path: d, fill: "freeze" }, dot);
    if (dropped) {
      const end = points[points.length - 1];
      text(g, end.x, end.y - 16, "✕ DROPPED", "flow-label");
    }
    setTimeout(() => g.remove(), 4000);
  }

  // Traces: the form asks this page's server (POST ui/v1/traces), which has the API run the trace;
  // its answer (a TraceView: every hop in edgectl trace's words, with the parts of the map it
  // touched) plays back one hop at a time: the parts outlined, the packet a numbered disc on them.
  const traceForm = document.getElementById("trace-form");
  const fromSelect = document.getElementById("trace-from");
  const toInput = document.getElementById("trace-to");
  const targets = document.getElementById("trace-targets");
  const portInput = document.getElementById("trace-port");
  const protocolSelect = document.getElementById("trace-protocol");
  const followBox = document.getElementById("trace-follow");
  const runButton = document.getElementById("trace-run");
  const traceStatus = document.getElementById("trace-status");
  const hopList = document.getElementById("trace-hops");
  const prevButton = document.getElementById("trace-prev");
  const nextButton = document.getElementById("trace-next");
  const playButton = document.getElementById("trace-play");
  let choicesShown = "";
  let fromChosen = null; // the pod the user chose as FROM; until then, the one named client (or the first)
  let tracing = false;

  function say(words, error) {
    traceStatus.textContent = words;
    traceStatus.className = error ? "error" : "";
  }

  // FROM: the pods with an address; TO's suggestions: Services, pods and boards by the names a trace takes (others by address).
  function traceChoices(view) {
    const pods = view.pods.filter(p => p.ip && p.node);
    const chosen = pods.some(p => p.key === fromChosen) ? fromChosen : (pods.find(p => p.name === "client") || pods[0] || {}).key || "";
    const ns = chosen.slice(0, chosen.indexOf("/")) || "default";
    const signature = JSON.stringify([view.actions, chosen, pods.map(p => p.key + " " + p.ip + " " + p.node),
      view.services.map(s => s.key + " " + s.clusterIP), view.nodes.map(n => n.name + " " + n.address)]);
    if (signature === choicesShown) return;
    choicesShown = signature;
    fromSelect.textContent = "";
    if (pods.length === 0) fromSelect.appendChild(html("option", "(no pod with an address yet)", { value: "" }));
    for (const p of pods) fromSelect.appendChild(html("option", `${p.namespace === "default" ? "" : p.namespace + "/"}${p.name} (${p.ip} on ${p.node})`, { value: p.key }));
    if (pods.some(p => p.key === chosen)) fromSelect.value = chosen;
    targets.textContent = "";
    const option = (value, label) => targets.appendChild(html("option", label, { value: value }));
    for (const s of view.services.filter(x => !x.headless && x.type !== "ExternalName" && x.clusterIP)) {
      if (s.namespace === ns) option("svc/" + s.name, `Service at ${s.clusterIP}`); else option(s.clusterIP, `Service ${s.namespace}/${s.name}`);
    }
    for (const p of pods.filter(x => x.key !== chosen)) {
      if (p.namespace === ns) option("pod/" + p.name, `pod ${p.ip} on ${p.node}`); else option(p.ip, `pod ${p.namespace}/${p.name} on ${p.node}`);
    }
    for (const n of view.nodes) option("node/" + n.name, `board ${n.address}`);
    for (const c of traceForm.elements) c.disabled = !view.actions || (c === runButton && tracing);
    if (!view.actions) say("Traces are run only from the machine the lab view runs on (a trace makes a pod send a packet): open the page there, or run edgectl trace.", false);
  }

  fromSelect.addEventListener("change", () => {
    fromChosen = fromSelect.value;
    traceChoices(state.view);
  });

  traceForm.addEventListener("submit", async e => {
    e.preventDefault();
    if (tracing || !state.view || !state.view.actions) return;
    const from = fromSelect.value, to = toInput.value.trim(), port = portInput.value.trim();
    if (!from || !to) {
      say(`error: choose ${from ? "where it goes (To: svc/NAME, pod/NAME, node/NAME or an address)" : "the pod it leaves (From)"}`, true);
      (from ? toInput : fromSelect).focus();
      return;
    }
    const body = {
      from: "pod/" + from.slice(from.indexOf("/") + 1), namespace: from.slice(0, from.indexOf("/")), to: to,
      port: port ? (port.includes("/") ? port : port + (protocolSelect.value === "UDP" ? "/UDP" : "")) : null, follow: followBox.checked,
    };
    tracing = true;
    runButton.disabled = true;
    stopPlay();
    say(`Tracing from ${from} to ${to} ${body.port ? "port " + body.port : "(ping)"}…${body.follow ? ` waiting up to 60 s for ${from} to send` : ""}`, false);
    try {
      const r = await fetch("ui/v1/traces", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
      if (r.ok) showTrace(await r.json());
      else say("error: " + ((await r.text()).trim() || r.status), true);
    } catch (err) {
      say("error: the lab view's server did not answer (" + err + "); is edgectl ui still running?", true);
    }
    tracing = false;
    runButton.disabled = !state.view.actions;
  });

  function showTrace(tv) {
    state.trace = tv;
    state.hop = -1;
    lab.trace = { view: tv, hops: tv.hops.length, current: -1 };
    say(`${tv.protocol} from ${tv.from} to ${tv.to} (IPv4 id ${tv.mark}, its reply ${tv.mark + 1}): ${tv.hops.length} hops`, false);
    document.getElementById("trace-result").hidden = false;
    document.getElementById("trace-hint").hidden = true; // the list takes its room; the buttons say the same
    const verdict = document.getElementById("trace-verdict");
    verdict.className = tv.outcome;
    verdict.textContent = (tv.outcome === "delivered" ? "✓ " : tv.outcome === "dropped" ? "✕ " : "? ") + tv.verdict;
    hopList.textContent = "";
    tv.hops.forEach((h, i) => {
      const li = html("li", null, { "data-index": String(i), "data-hop": String(h.number), "data-node": h.node, "data-step": h.step,
        "data-direction": h.direction, "data-marks": h.marks.join(" ") });
      if (h.dropped) li.classList.add("dropped");
      if (i > 0 && tv.hops[i - 1].direction !== h.direction) li.classList.add("first-reply");
      li.appendChild(html("div", `${h.number} · ${h.direction === "unplaced" ? "also seen" : h.direction} · ${h.node} · ${h.point}${h.dropped ? " · ✕ DROPPED" : ""}`, { class: "hop-title" }));
      const decisions = html("ul", null, { class: "decisions" });
      for (const d of h.decisions) decisions.appendChild(html("li", d, { class: "decision" }));
      li.appendChild(decisions);
      if (h.headers.length > 0) li.appendChild(html("div", h.headers.join("\n"), { class: "headers" }));
      hopList.appendChild(li);
    });
    const notes = document.getElementById("trace-notes");
    notes.textContent = "";
    for (const n of tv.notes) notes.appendChild(html("li", "note: " + n));
    go(0);
    document.getElementById("side").scrollTop = 0;
    nextButton.focus({ preventScroll: true });
  }

  function go(i) {
    const tv = state.trace;
    if (!tv) return;
    if (tv.hops.length === 0) {
      // Nothing recorded (a followed pod that sent nothing): the verdict and the notes say why.
      document.getElementById("trace-position").textContent = "No hops recorded";
      document.getElementById("trace-now").textContent = tv.verdict;
      prevButton.setAttribute("aria-disabled", "true");
      nextButton.setAttribute("aria-disabled", "true");
      showHop(false);
      return;
    }
    state.hop = Math.max(0, Math.min(tv.hops.length - 1, i));
    lab.trace.current = state.hop;
    const h = tv.hops[state.hop];
    for (const li of hopList.children) {
      const on = Number(li.getAttribute("data-index")) === state.hop;
      li.classList.toggle("current", on);
      if (on) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    }
    const li = hopList.children[state.hop];
    hopList.scrollTop = Math.max(0, li.offsetTop - hopList.clientHeight / 3); // the list is positioned: offsetTop is within it
    document.getElementById("trace-position").textContent = `Hop ${h.number} of ${tv.hops.length}`;
    document.getElementById("trace-now").textContent =
      `${h.direction === "reply" ? "Reply: " : h.direction === "unplaced" ? "Also seen: " : ""}hop ${h.number} on ${h.node}, ${h.point}: ${h.decisions.join("; ")}`;
    prevButton.setAttribute("aria-disabled", state.hop === 0 ? "true" : "false");
    nextButton.setAttribute("aria-disabled", state.hop === tv.hops.length - 1 ? "true" : "false");
    showHop(true);
  }

  // A mark (pod:, svc:, node:, bridge:, proxy:, vxlan:, overlay:A~B) to what is drawn for it.
  function markElement(mark) {
    if (mark.startsWith("overlay:")) {
      const ends = mark.slice("overlay:".length).split("~");
      const arc = arcBetween(ends[0], ends[1]);
      return arc ? svg.querySelector(`#overlay path[data-key="${CSS.escape("overlay:" + arc.key)}"]`) : null;
    }
    return svg.querySelector(`.item[data-key="${CSS.escape(mark)}"]`) || svg.querySelector(`[data-part="${CSS.escape(mark)}"]`);
  }

  // Where the packet's disc sits on a pod, Service or part: on its top right corner, off the words in it.
  function corner(key) {
    const e = markElement(key);
    const box = e && (e.querySelector(".frame, .part-frame") || e).getBBox();
    return box ? { x: box.x + box.width, y: box.y } : null;
  }

  // How far along the VXLAN arc from its sender (0) to its receiver (1).
  function alongArc(arc) {
    const a = arcBetween(arc.from, arc.to);
    const path = a && svg.querySelector(`#overlay path[data-key="${CSS.escape("overlay:" + a.key)}"]`);
    if (!path) return null;
    const along = state.arcs[a.key].from === arc.from ? arc.along : 1 - arc.along;
    return path.getPointAtLength(path.getTotalLength() * along);
  }

  // The hop shown, on the map (again after each redraw): its parts outlined, the packet's disc where it is.
  function showHop(animate) {
    svg.querySelectorAll(".trace-at, .trace-dropped").forEach(e => e.classList.remove("trace-at", "trace-dropped"));
    let layer = svg.querySelector("#trace-layer");
    const tv = state.trace;
    if (!tv || state.hop < 0) {
      if (layer) layer.remove();
      return;
    }
    const h = tv.hops[state.hop];
    for (const mark of h.marks) {
      const e = markElement(mark);
      if (e) {
        e.classList.add("trace-at");
        if (h.dropped) e.classList.add("trace-dropped");
      }
    }
    if (!layer) layer = el("g", { id: "trace-layer" }, svg);
    svg.appendChild(layer); // over everything else
    let marker = layer.querySelector("#trace-marker");
    if (!marker) {
      marker = el("g", { id: "trace-marker" }, layer);
      el("circle", { r: 19 }, marker);
      text(marker, 0, 7, "", "number").setAttribute("text-anchor", "middle");
      animate = false;
    }
    const p = h.arc ? alongArc(h.arc) : corner(h.at);
    marker.setAttribute("data-hop", String(h.number));
    marker.setAttribute("data-at", h.at);
    marker.classList.toggle("dropped", h.dropped);
    marker.querySelector("text.number").textContent = String(h.number);
    const old = marker.querySelector(".drop-label");
    if (old) old.remove();
    if (h.dropped) text(marker, 0, -28, "✕ DROPPED", "drop-label").setAttribute("text-anchor", "middle");
    marker.style.display = p ? "" : "none";
    if (!p) return;
    if (!animate) marker.style.transition = "none";
    marker.style.transform = `translate(${p.x}px, ${p.y}px)`;
    if (!animate) {
      marker.getBoundingClientRect(); // the jump is taken before transitions come back
      marker.style.transition = "";
    }
  }

  function step(by) {
    if (state.trace) go(state.hop + by);
  }

  function stopPlay() {
    if (state.playing) clearInterval(state.playing);
    state.playing = null;
    playButton.setAttribute("aria-pressed", "false");
    playButton.textContent = "▶ Play";
  }

  prevButton.addEventListener("click", () => step(-1));
  nextButton.addEventListener("click", () => step(1));
  playButton.addEventListener("click", () => {
    if (state.playing) {
      stopPlay();
      return;
    }
    if (!state.trace) return;
    if (state.hop >= state.trace.hops.length - 1) go(0);
    playButton.setAttribute("aria-pressed", "true");
    playButton.textContent = "❚❚ Pause";
    state.playing = setInterval(() => {
      if (!state.trace || state.hop >= state.trace.hops.length - 1) stopPlay();
      else go(state.hop + 1);
    }, 1500);
  });
  hopList.addEventListener("click", e => {
    const li = e.target.closest("#trace-hops > li");
    if (li) go(Number(li.getAttribute("data-index")));
  });
  // ← and → step through a trace from anywhere but a field being typed in; Home and End in the trace panel.
  document.addEventListener("keydown", e => {
    if (!state.trace || e.altKey || e.ctrlKey || e.metaKey || !e.target.closest || e.target.closest("input, select, textarea")) return;
    const inPanel = e.target.closest("#trace");
    if (e.key === "ArrowRight") step(1);
    else if (e.key === "ArrowLeft") step(-1);
    else if (e.key === "Home" && inPanel) go(0);
    else if (e.key === "End" && inPanel) go(state.trace.hops.length - 1);
    else return;
    e.preventDefault();
  });

  const events = new EventSource("ui/v1/events");
  events.addEventListener("lab", e => show(JSON.parse(e.data)));
  events.addEventListener("flow", e => showFlow(JSON.parse(e.data)));
  events.addEventListener("error", () => status(false, "Lost the lab view's server (edgectl ui); reconnecting… (showing what was last seen)"));
})();
