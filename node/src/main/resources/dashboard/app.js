// The Trickle dashboard: polls GET /api/overview every 2 s and draws it. No build step, no
// dependencies; everything it shows comes from the node's API.
"use strict";

const REFRESH_MS = 2000;
const TIMELINE_SECONDS = 120;
const SVG = "http://www.w3.org/2000/svg";

let token = localStorage.getItem("trickle-token") || "";
let updates = 0;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([key, value]) => {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  });
  children.flat().forEach(child => node.append(child instanceof Node ? child : String(child ?? "")));
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
  children.forEach(child => node.append(child instanceof Node ? child : String(child)));
  return node;
}

function seconds(value) {
  if (value === null || value === undefined) return "–";
  const s = Number(value);
  if (s < 60) return s.toFixed(1) + " s";
  if (s < 3600) return (s / 60).toFixed(1) + " min";
  return (s / 3600).toFixed(1) + " h";
}

function ago(timestamp) {
  return timestamp ? seconds((Date.now() - Date.parse(timestamp)) / 1000) + " ago" : "never";
}

function number(value, digits) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits ?? 0 });
}

function table(headers, rows, attributes) {
  return el("table", attributes,
    el("thead", {}, el("tr", {}, headers.map(h => el("th", { class: h.num ? "num" : null }, h.label ?? h)))),
    el("tbody", {}, rows));
}

function cell(value, attributes) {
  return el("td", attributes, value);
}

function streamTables(tables) {
  const rows = tables.map(t => el("tr", { "data-stream-table": t.name },
    cell(t.name),
    cell(el("span", { class: "pill " + (t.status === "ERROR" ? "ERRORSTATE" : t.status) }, t.status)),
    cell(t.effective_refresh_mode || t.refresh_mode, { title: t.mode_reason || "" }),
    cell(t.schedule),
    cell(seconds(t.staleness_seconds), { class: "num" + (t.stale ? " stale" : "") }),
    cell(t.last_refresh ? `${t.last_refresh.action} ${number(t.last_refresh.duration_ms, 1)} ms, ${ago(t.last_refresh.start_time)}` : "–"),
    cell(number(t.rows), { class: "num" }),
    cell(number(t.consecutive_errors), { class: "num" }),
    cell(t.node ? t.node.replace(/^pekko:\/\/[^@]+@/, "") : "–"),
    cell(t.last_error || "", { class: "err" })));
  return table(["Stream table", "Status", "Mode", "Schedule", { label: "Staleness", num: true }, "Last refresh",
    { label: "Rows", num: true }, { label: "Errors", num: true }, "Node", "Last error"], rows, { id: "stream-tables" });
}

// The DAG: one column per level, sources at the left; a stream table shows its mode and owner.
function dag(graph, tables) {
  const owners = Object.fromEntries(tables.map(t => [t.name, t.node ? t.node.replace(/^pekko:\/\/[^@]+@/, "") : ""]));
  const levels = {};
  graph.nodes.forEach(n => (levels[n.level] = levels[n.level] || []).push(n));
  const columnWidth = 250, rowHeight = 66, boxWidth = 205, boxHeight = 54;
  const depth = Math.max(0, ...graph.nodes.map(n => n.level)) + 1;
  const height = Math.max(1, ...Object.values(levels).map(l => l.length)) * rowHeight + 30;
  const position = {};
  Object.entries(levels).forEach(([level, nodes]) => nodes.forEach((n, i) => {
    position[n.name] = { x: 10 + level * columnWidth, y: 25 + i * rowHeight };
  }));
  const root = svg("svg", { id: "dag", width: depth * columnWidth + 20, height: height, role: "img",
    "aria-label": "dependency graph" });
  for (let level = 0; level < depth; level++) {
    root.append(svg("text", { x: 10 + level * columnWidth, y: 14, fill: "#57606a" }, level === 0 ? "sources" : "L" + level));
  }
  graph.edges.forEach(e => {
    const from = position[e.from], to = position[e.to];
    if (!from || !to) return;
    const x1 = from.x + boxWidth, y1 = from.y + boxHeight / 2, x2 = to.x, y2 = to.y + boxHeight / 2;
    const mid = (x1 + x2) / 2;
    root.append(svg("path", { class: "dag-edge", d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
      "data-from": e.from, "data-to": e.to, "marker-end": "url(#arrow)" }));
  });
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6,
    markerHeight: 6, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" })));
  root.prepend(defs);
  graph.nodes.forEach(n => {
    const p = position[n.name];
    const label = n.name.replace(/^public\./, "");
    const mode = n.kind === "source" ? "source table" : `${n.refresh_mode || ""} · ${n.schedule || ""}`;
    const owner = n.kind === "source" ? "" : owners[n.name] ? "on " + owners[n.name] : "no owner yet";
    root.append(svg("g", { class: `dag-node ${n.kind} status-${n.status || "none"}`, "data-name": n.name,
      "data-level": n.level, transform: `translate(${p.x},${p.y})` },
      svg("rect", { width: boxWidth, height: boxHeight }),
      svg("text", { x: 8, y: 16, "font-weight": 600 }, label.length > 28 ? label.slice(0, 27) + "…" : label),
      svg("text", { x: 8, y: 31, fill: "#57606a" }, mode),
      svg("text", { x: 8, y: 46, fill: "#57606a" }, owner)));
  });
  return root;
}

// The refresh timeline: one row per stream table, one mark per refresh over the last two minutes.
function timeline(history, tables) {
  const names = tables.map(t => t.name);
  const now = Date.now(), width = 900, label = 190, rowHeight = 18;
  const root = svg("svg", { class: "timeline", id: "timeline", width: width + label + 10,
    height: names.length * rowHeight + 24 });
  names.forEach((name, i) => {
    root.append(svg("text", { x: 0, y: i * rowHeight + 13 }, name.replace(/^public\./, "")));
    root.append(svg("line", { x1: label, x2: label + width, y1: i * rowHeight + 9, y2: i * rowHeight + 9,
      stroke: "#eaeef2" }));
  });
  history.forEach(r => {
    const row = names.indexOf(r.stream_table);
    const age = (now - Date.parse(r.start_time)) / 1000;
    if (row < 0 || age > TIMELINE_SECONDS) return;
    const x = label + width * (1 - age / TIMELINE_SECONDS);
    const w = Math.max(3, width * (Number(r.duration_ms || 0) / 1000) / TIMELINE_SECONDS);
    root.append(svg("rect", { class: r.status === "FAILED" ? "FAILED" : r.action, x: x, y: row * rowHeight + 3,
      width: w, height: 12 }, svg("title", {}, `${r.stream_table}: ${r.action} ${r.status}, ${r.duration_ms} ms, ` +
      `+${r.rows_inserted} -${r.rows_deleted}`)));
  });
  for (let s = 0; s <= TIMELINE_SECONDS; s += 30) {
    root.append(svg("text", { x: label + width * (1 - s / TIMELINE_SECONDS) - 12, y: names.length * rowHeight + 18,
      fill: "#57606a" }, s === 0 ? "now" : `-${s}s`));
  }
  return root;
}

function efficiency(rows) {
  return table(["Stream table", "Mode", { label: "Refreshes", num: true }, { label: "DIFF ms", num: true },
    { label: "FULL ms", num: true }, { label: "Speedup", num: true }, { label: "Change ratio", num: true }, "Advisor"],
    rows.map(e => el("tr", {},
      cell(e.stream_table), cell(e.refresh_mode), cell(number(e.total_refreshes), { class: "num" }),
      cell(number(e.avg_diff_ms, 2), { class: "num" }), cell(number(e.avg_full_ms, 2), { class: "num" }),
      cell(e.diff_speedup === null ? "–" : number(e.diff_speedup, 1) + "×", { class: "num" }),
      cell(number(e.avg_change_ratio, 4), { class: "num" }),
      cell(e.recommended_mode ? `${e.recommended_mode} (${e.confidence})` : "–", { title: e.reason || "" }))),
    { id: "efficiency" });
}

function sinks(rows) {
  if (!rows.length) return el("p", { class: "muted" }, "No stream table has a sink.");
  return table(["Stream table", "Sink", "Path", { label: "Pending", num: true }, { label: "Lag", num: true },
    { label: "Files", num: true }, "Last file", "Last error"],
    rows.map(k => el("tr", {},
      cell(k.stream_table), cell(`${k.sink} (${k.mode})`), cell(k.path),
      cell(`${number(k.pending_refreshes)} / ${number(k.pending_rows)} rows`, { class: "num" }),
      cell(seconds(k.lag_seconds), { class: "num" }), cell(number(k.files), { class: "num" }),
      cell(k.last_file ? `${k.last_file.split("/").pop()} (${number(k.last_file_rows)} rows, ${ago(k.last_file_at)})` : "–"),
      cell(k.last_error || "", { class: "err" }))), { id: "sinks" });
}

function health(report) {
  return table(["Check", "Severity", "Detail"], (report.checks || []).map(c => el("tr", {},
    cell(c.check_name), cell(el("span", { class: "badge " + c.severity }, c.severity)),
    cell(c.detail, { class: c.severity === "OK" ? null : "err" }))), { id: "health-checks" });
}

function panels(list) {
  return list.map(p => el("div", { class: "panel", "data-panel": p.title }, el("h3", {}, p.title),
    p.error ? el("p", { class: "error" }, p.error)
      : table(p.columns, p.rows.map(r => el("tr", {}, r.map(v => cell(v === null ? "–" : v,
        { class: typeof v === "number" ? "num" : null })))))));
}

function render(overview) {
  const members = overview.members || [];
  document.getElementById("members").textContent = `${members.length} cluster member(s): ` +
    members.map(m => m.node.replace(/^pekko:\/\/[^@]+@/, "") + (m.leader ? " (leader)" : "") + " " + m.status).join(", ");
  const worst = overview.databases.map(d => d.health.summary.status)
    .reduce((a, b) => (a === "ERROR" || b === "ERROR") ? "ERROR" : (a === "WARN" || b === "WARN") ? "WARN" : "OK", "OK");
  const badge = document.getElementById("health");
  badge.className = "badge " + worst;
  badge.textContent = "health " + worst;
  const container = document.getElementById("databases");
  const sections = overview.databases.map(d => el("section", { "data-database": d.database },
    overview.databases.length > 1 ? el("h2", {}, "Database " + d.database) : "",
    d.panels.length ? [el("h2", {}, "Scenario"), el("div", { class: "grid", id: "panels" }, panels(d.panels))] : "",
    el("h2", {}, `Stream tables (${d.stream_tables.length})`), streamTables(d.stream_tables),
    el("h2", {}, "Dependency graph"), el("div", { style: "overflow-x: auto" }, dag(d.dag, d.stream_tables)),
    el("h2", {}, "Refresh timeline (last 2 min)"),
    el("div", { class: "legend muted" }, el("span", { style: "background: var(--diff)" }), "DIFFERENTIAL",
      el("span", { style: "background: var(--full)" }), "FULL", el("span", { style: "background: var(--err)" }), "failed"),
    timeline(d.history, d.stream_tables),
    el("h2", {}, "Efficiency"), efficiency(d.efficiency),
    el("h2", {}, "Sinks"), sinks(d.sinks),
    el("h2", {}, "Health"), health(d.health)));
  container.replaceChildren(...sections);
  updates++;
  document.body.dataset.updates = updates;
  document.body.dataset.live = "true";
  document.getElementById("updated").textContent = "updated " + new Date(overview.generated_at).toLocaleTimeString();
}

async function poll() {
  const error = document.getElementById("error");
  try {
    const response = await fetch("/api/overview", { headers: token ? { Authorization: "Bearer " + token } : {} });
    const body = await response.json();
    if (response.status === 401) {
      document.getElementById("token-form").hidden = false;
      throw new Error(body.error);
    }
    if (!response.ok) throw new Error(body.error || response.statusText);
    render(body);
    error.hidden = true;
  } catch (e) {
    error.textContent = "Cannot read the node's API: " + e.message;
    error.hidden = false;
    document.body.dataset.live = "false";
  } finally {
    setTimeout(poll, REFRESH_MS);
  }
}

document.getElementById("token-form").addEventListener("submit", event => {
  event.preventDefault();
  token = document.getElementById("token").value;
  localStorage.setItem("trickle-token", token);
  document.getElementById("token-form").hidden = true;
});

poll();
