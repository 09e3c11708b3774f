// zfleet status page: polls /api/status every second and renders it. No build step, no library.
// Opened as /#token=SECRET, the page sends "Authorization: Bearer SECRET" with its data calls
// (needed when the management port is bound beyond 127.0.0.1).
"use strict";

(function () {
  const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
  if (hashToken) {
    sessionStorage.setItem("zfleet-token", hashToken);
    history.replaceState(null, "", location.pathname);
  }
  const token = sessionStorage.getItem("zfleet-token");

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    return e;
  }

  function bytes(n) {
    if (n == null || n < 0) return "?";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function duration(seconds) {
    if (seconds == null) return "?";
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + "s";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m";
    if (seconds < 86400) return Math.floor(seconds / 3600) + "h" + (Math.floor(seconds / 60) % 60 ? Math.floor(seconds / 60) % 60 + "m" : "");
    return Math.floor(seconds / 86400) + "d" + (Math.floor(seconds / 3600) % 24 ? Math.floor(seconds / 3600) % 24 + "h" : "");
  }

  function ago(iso, now) {
    if (!iso) return "never";
    return duration((now - Date.parse(iso)) / 1000) + " ago";
  }

  function fillRows(id, rows) {
    const body = document.querySelector("#" + id + " tbody");
    body.replaceChildren(...rows);
  }

  function render(data) {
    const m = data.monitor;
    const s = data.status;
    const now = Date.parse(m.at);
    document.getElementById("node").textContent = m.node;
    const ready = document.getElementById("ready");
    ready.textContent = m.ready ? "ready" : "not ready: " + m.notReady.join(", ");
    ready.className = "badge " + (m.ready ? "ok" : "notready");
    document.getElementById("updated").textContent = "updated " + new Date(now).toLocaleTimeString();

    fillRows("jobs", ((s && s.jobs) || []).map(j => el("tr", {},
      el("td", {}, j.job), el("td", {}, j.phase), el("td", {}, j.cycle),
      el("td", {}, j.filesystems.length),
      el("td", {}, j.nextSnapshot ? new Date(j.nextSnapshot).toLocaleTimeString() : ""),
      el("td", {}, j.lastError || ""))).concat(((s && s.passiveJobs) || []).map(p =>
      el("tr", {}, el("td", {}, p), el("td", { colspan: 5, class: "muted" }, "passive (serves its peers)")))));

    const problems = document.getElementById("problems");
    const problemList = (s && s.problems) || [];
    problems.replaceChildren(...problemList.map(p => el("li", {}, p)));
    problems.hidden = problemList.length === 0;

    const transfers = document.getElementById("transfers");
    // Transfers other nodes asked of this one: a sink's receive, a source's send.
    const peers = (m.peerTransfers || []).map(p => el("div", { class: "transfer peer", "data-dataset": p.dataset, "data-bytes": p.bytes },
      el("div", {}, p.direction + (p.direction === "incoming" ? " from " : " to ") + p.peer + ": " +
        p.job + " " + p.dataset + ": " + p.phase),
      el("div", { class: "muted" }, bytes(p.bytes) + " at " + bytes(p.bytesPerSecond) + "/s")));
    if (m.transfers.length === 0 && peers.length === 0) {
      transfers.replaceChildren(el("p", { class: "muted" }, "none running"));
    } else {
      transfers.replaceChildren(...m.transfers.map(t => {
        // A size not known yet (expectedBytes -1: not estimated yet, or it could not be) is shown
        // as unknown: a striped bar without a percentage, never a full one.
        const known = t.expectedBytes > 0;
        const fill = el("div", { class: "fill" + (known ? "" : " indeterminate") });
        if (known) {
          fill.style.width = Math.min(100, 100 * t.bytes / t.expectedBytes).toFixed(1) + "%";
        }
        return el("div", { class: "transfer", "data-filesystem": t.filesystem, "data-bytes": t.bytes,
            "data-size": known ? "known" : "unknown" },
          el("div", {}, t.job + " " + t.filesystem + " \u2192 " + t.destination + ": " + t.phase),
          el("div", { class: "bar", title: known ? "" : "size unknown" }, fill),
          el("div", { class: "muted" },
            bytes(t.bytes) + (known ? " of " + (t.estimated ? "~" : "") + bytes(t.expectedBytes) +
              (t.estimated ? " (estimated)" : "") : ", size unknown") +
            " at " + bytes(t.bytesPerSecond) + "/s" +
            (t.etaSeconds != null ? ", ETA " + duration(t.etaSeconds) : "")));
      }), ...peers);
    }

    fillRows("replicas", m.replicas.map(r => el("tr", {},
      el("td", {}, r.job), el("td", {}, r.filesystem), el("td", {}, r.destination),
      el("td", {}, r.snapshot ? "@" + r.snapshot : "none yet"),
      el("td", { class: r.freshness, title: "warn " + duration(r.warnSeconds) + ", critical " + duration(r.criticalSeconds) },
        r.ageSeconds != null ? duration(r.ageSeconds) : "?"),
      el("td", {}, ago(r.lastSuccess, now)),
      el("td", {}, r.lastOutcome ? r.lastOutcome + (r.lastReason ? ": " + r.lastReason : "") : ""))));

    fillRows("failures", m.recentFailures.map(f => el("tr", {},
      el("td", {}, ago(f.at, now)), el("td", {}, f.job), el("td", {}, f.filesystem),
      el("td", {}, f.kind + (f.destination ? " to " + f.destination : "")),
      el("td", { class: "critical" }, f.outcome), el("td", {}, f.reason))));

    fillRows("certificates", m.certificates.map(c => el("tr", {},
      el("td", {}, c.name), el("td", {}, c.path), el("td", {}, new Date(c.notAfter).toISOString().slice(0, 10)),
      el("td", { class: c.level }, c.daysLeft))));
  }

  async function refresh() {
    const error = document.getElementById("error");
    try {
      const response = await fetch("/api/status", {
        headers: token ? { "Authorization": "Bearer " + token } : {},
        cache: "no-store",
      });
      if (!response.ok) throw new Error(response.status + ": " + (await response.text()));
      render(await response.json());
      error.hidden = true;
    } catch (e) {
      error.textContent = "cannot read the node's status: " + e.message;
      error.hidden = false;
    }
  }

  refresh();
  setInterval(refresh, 1000);
})();
