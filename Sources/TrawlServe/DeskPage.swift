// The desk's one page: markup, style and script in one string, loading nothing from elsewhere.
// It asks the API for one page of files at a time (the server filters and pages), so the page
// stays small whatever the size of the report. Values are shown masked; element ids are what the
// browser test drives.
enum DeskPage {
    static func html(title: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
        header{background:#20303f;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
        header h1{font-size:17px;margin:0}
        header nav button{background:none;border:0;color:#cfe;cursor:pointer;font-size:14px}
        main{padding:12px 16px}
        .bar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:8px}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
        tr.file{cursor:pointer} tr.file:hover{background:#eef4ff}
        .Confidential{color:#fff;background:#8b1a1a;padding:1px 5px;border-radius:3px}
        .Restricted{color:#fff;background:#c05a00;padding:1px 5px;border-radius:3px}
        .Internal{background:#e8d36a;padding:1px 5px;border-radius:3px}
        .Public{background:#cde8c8;padding:1px 5px;border-radius:3px}
        #panel{background:#fff;border:1px solid #ccc;padding:10px;margin-top:10px}
        .msg{padding:6px 10px;margin:6px 0;border-radius:4px} .err{background:#fde2e2;color:#7a0000} .ok{background:#e2f5e2;color:#0b5a0b}
        .new{color:#0a58ca;font-weight:600} .stale{color:#a00;font-weight:600}
        fieldset{border:1px solid #ccc;margin-top:10px} label{margin-right:10px}
        </style></head><body>
        <header><h1>\(escape(title))</h1><nav id="nav" hidden>
        <button id="tab-files">Files</button><button id="tab-runs">Runs</button><button id="tab-decisions">Decisions</button></nav>
        <span id="who" style="margin-left:auto"></span></header>
        <main>
        <section id="login" hidden>
        <p>Paste the access token that <code>trawl serve</code> printed when it started.</p>
        <input id="token" type="password" size="70" autocomplete="off"> <button id="login-button">Log in</button>
        <div id="login-message"></div>
        </section>
        <section id="files" hidden>
        <div class="bar">
        <label>Run <select id="f-run"></select></label>
        <select id="f-level"><option value="">All levels</option><option value="Confidential">Confidential</option><option value="Restricted">Restricted</option><option value="Internal">Internal</option><option value="Public">Public</option></select>
        <select id="f-type"><option value="">All types</option></select>
        <input id="f-folder" list="folders" placeholder="Folder"><datalist id="folders"></datalist>
        <select id="f-owner"><option value="">Any owner</option></select>
        <select id="f-assignee"><option value="">Any remediation owner</option></select>
        <select id="f-decided"><option value="">With or without a decision</option><option value="no">Without a decision</option><option value="yes">With a decision</option></select>
        <label><input id="f-new" type="checkbox"> New since the previous run</label>
        <input id="f-text" placeholder="Path contains">
        <button id="apply">Filter</button>
        </div>
        <div id="files-message"></div>
        <div id="count"></div>
        <table><thead><tr><th>Level</th><th>File</th><th>Findings</th><th>Types</th><th>Decided</th><th>Owner</th></tr></thead><tbody id="rows"></tbody></table>
        <div class="bar" style="margin-top:6px"><button id="prev">Previous</button><span id="pageinfo"></span><button id="next">Next</button></div>
        <div id="panel" hidden></div>
        </section>
        <section id="runs" hidden><table><thead><tr><th>Run</th><th>Started</th><th>Roots</th><th>Size</th><th></th></tr></thead><tbody id="run-rows"></tbody></table>
        <div class="bar" style="margin-top:12px">Compare <select id="cmp-old"></select> with <select id="cmp-new"></select> <button id="compare">Compare</button>
        <a id="cmp-html" target="_blank" rel="noopener">as a page</a> <a id="cmp-csv">as CSV</a></div>
        <div id="comparison"></div></section>
        <section id="decisions" hidden><div id="decisions-message"></div>
        <table><thead><tr><th>#</th><th>Decision</th><th>On</th><th>Reason</th><th>By</th><th>At</th><th></th></tr></thead><tbody id="decision-rows"></tbody></table></section>
        </main>
        <script>
        "use strict";
        const $ = id => document.getElementById(id);
        const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\\"":"&quot;","'":"&#39;"})[c]);
        let page = 0, current = null, runs = [], loads = 0;
        async function api(path, body) {
          const r = await fetch(path, body === undefined ? {credentials: "same-origin"} :
            {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
          let data = null; try { data = await r.json(); } catch (e) {}
          if (r.status === 401 && !path.startsWith("/login")) { show("login"); throw new Error("log in first"); }
          if (!r.ok) throw new Error((data && data.error) || ("the server answered " + r.status));
          return data;
        }
        function show(id) {
          for (const s of ["login", "files", "runs", "decisions"]) $(s).hidden = s !== id;
          $("nav").hidden = id === "login";
        }
        function message(el, text, ok) { $(el).innerHTML = text ? `<div class="msg ${ok ? "ok" : "err"}">${esc(text)}</div>` : ""; }
        $("login-button").onclick = async () => {
          try { await api("/login", {token: $("token").value.trim()}); await start(); }
          catch (e) { message("login-message", e.message); }
        };
        $("token").addEventListener("keydown", e => { if (e.key === "Enter") $("login-button").click(); });
        function fill(id, values, first) {
          const el = $(id), keep = el.value;
          el.innerHTML = `<option value="">${esc(first)}</option>` + values.map(v => `<option value="${esc(v)}">${esc(v)}</option>`).join("");
          el.value = values.includes(keep) ? keep : "";
        }
        function query() {
          const p = new URLSearchParams({run: $("f-run").value, page, size: 50});
          for (const [k, id] of [["level", "f-level"], ["type", "f-type"], ["folder", "f-folder"], ["owner", "f-owner"], ["assignee", "f-assignee"], ["decided", "f-decided"], ["q", "f-text"]])
            if ($(id).value) p.set(k, $(id).value);
          if ($("f-new").checked) p.set("new", "1");
          return p;
        }
        async function load() {
          message("files-message", "");
          let data;
          try { data = await api("/api/files?" + query()); } catch (e) { message("files-message", e.message); $("rows").innerHTML = ""; return; }
          fill("f-type", data.types, "All types"); fill("f-owner", data.owners, "Any owner"); fill("f-assignee", data.assignees, "Any remediation owner");
          $("folders").innerHTML = data.folders.map(f => `<option value="${esc(f)}">`).join("");
          $("count").textContent = `${data.matched} of ${data.total} files` + (data.previous ? ` (previous run: ${data.previous})` : " (no previous run)");
          $("rows").innerHTML = data.rows.map((r, i) => `<tr class="file" data-i="${i}"><td><span class="${r.level}">${r.level}</span></td>
            <td>${esc(r.path)}${r.new ? ' <span class="new">new</span>' : ""}</td><td>${r.findings}</td><td>${esc(r.types.join(", "))}</td>
            <td class="decided">${r.decided ? r.decided + " decided" : ""}</td><td class="owner">${esc(r.owner ?? "")}</td></tr>`).join("");
          const pages = Math.max(1, Math.ceil(data.matched / data.page_size));
          $("pageinfo").textContent = ` page ${data.page + 1} of ${pages} `;
          $("prev").disabled = data.page === 0; $("next").disabled = data.page + 1 >= pages;
          for (const tr of $("rows").querySelectorAll("tr")) tr.onclick = () => openFile(data.rows[+tr.dataset.i].path);
          $("rows").dataset.loads = String(++loads);
        }
        $("apply").onclick = () => { page = 0; load(); };
        $("prev").onclick = () => { page = Math.max(0, page - 1); load(); };
        $("next").onclick = () => { page += 1; load(); };
        async function openFile(path, reveal) {
          const entries = await api("/api/file?" + new URLSearchParams({run: $("f-run").value, path, reveal: reveal ? "1" : "0"}));
          current = {path, entries};
          const e = entries[0], folder = path.includes("/") ? path.slice(0, path.split("!/")[0].lastIndexOf("/")) || "/" : "/";
          const findings = entries.flatMap(x => x.findings.map(f => ({...f, entry: x})));
          $("panel").hidden = false;
          $("panel").innerHTML = `<h3 id="file-title">${esc(path)} <span class="${e.level}">${e.level}</span></h3>
            <p>${esc((e.reasons || []).map(r => r.rule + ": " + (r.detail || "")).join("; "))}</p>
            <table><thead><tr><th></th><th>Type</th><th>Value (masked)</th><th>Where</th><th>Level</th><th>Confidence</th><th>Decision</th></tr></thead>
            <tbody id="findings">${findings.map((f, i) => `<tr><td><input type="radio" name="finding" value="${i}"></td><td>${esc(f.type)}</td>
            <td class="value">${esc(f.value ?? f.masked)}</td><td>${esc(f.location.line ? "line " + f.location.line : "offset " + f.location.offset)}</td>
            <td>${esc(f.level ?? "not counted")}</td><td>${esc(f.confidence)}</td>
            <td class="finding-decision">${f.decision ? esc(f.decision.decision + " by " + f.decision.by + (f.decision.note ? ": " + f.decision.note : "")) : ""}</td></tr>`).join("")}</tbody></table>
            <fieldset><legend>Decide</legend>
            <label>On <select id="d-scope"><option value="finding">the chosen finding</option><option value="file">this file</option>
            <option value="folder">the folder</option><option value="type">the chosen finding's type in the folder</option></select></label>
            <label>Folder <input id="d-folder" value="${esc(folder)}" size="40"></label><br>
            <label>Decision <select id="d-kind"><option value="false_positive">False positive</option><option value="own_data">Organisation's own data</option>
            <option value="accepted_risk">Accepted risk</option><option value="to_remediate">To remediate</option><option value="remediated">Remediated</option></select></label>
            <label>Review by <input id="d-review" type="date"></label><label>Owner <input id="d-owner"></label><br>
            <label>Reason <input id="d-reason" size="70"></label> <button id="d-submit">Record the decision</button>
            <div id="d-message"></div></fieldset>`;
          $("d-submit").onclick = () => decide(findings);
        }
        async function decide(findings) {
          const scope = $("d-scope").value, chosen = document.querySelector("input[name=finding]:checked");
          const f = chosen ? findings[+chosen.value] : null;
          const body = {run: $("f-run").value, scope, kind: $("d-kind").value, reason: $("d-reason").value,
                        owner: $("d-owner").value, review_by: $("d-review").value, path: current.path};
          if (scope === "finding" || scope === "type") { if (!f) return message("d-message", "choose a finding first"); }
          if (scope === "finding") { body.fingerprint = f.fingerprint; body.path = f.entry.path.text ?? current.path;
            if (f.entry.members) body.path = [f.entry.path, ...f.entry.members].map(p => p.text ?? "").join("!/"); }
          if (scope === "folder" || scope === "type") body.path = $("d-folder").value;
          if (scope === "type") body.type = f.type;
          try { const d = await api("/api/decisions", body); message("d-message", `Recorded: decision ${d.id}, ${d.kind} by ${d.by}`, true);
                await load(); await openFile(current.path); message("d-message", `Recorded: decision ${d.id}, ${d.kind} by ${d.by}`, true); }
          catch (e) { message("d-message", e.message); }
        }
        async function loadRuns() {
          runs = await api("/api/runs");
          const good = runs.filter(r => !r.problem), keep = $("f-run").value;
          $("f-run").innerHTML = good.map(r => `<option value="${esc(r.name)}">${esc(r.name)} (${esc(r.started)})</option>`).reverse().join("");
          if (good.some(r => r.name === keep)) $("f-run").value = keep;
          const options = good.map(r => `<option value="${esc(r.name)}">${esc(r.name)}</option>`).join("");
          $("cmp-old").innerHTML = options; $("cmp-new").innerHTML = options;
          if (good.length > 1) { $("cmp-old").value = good[good.length - 2].name; $("cmp-new").value = good[good.length - 1].name; }
          comparisonLinks();
          $("run-rows").innerHTML = runs.slice().reverse().map(r => `<tr><td>${esc(r.name)}</td><td>${esc(r.started ?? "")}</td>
            <td>${esc((r.roots || []).join(", "))}</td><td>${r.bytes}</td><td>${r.problem ? '<span class="stale">' + esc(r.problem) + "</span>" : ""}</td></tr>`).join("");
        }
        function comparisonLinks() {
          const p = new URLSearchParams({old: $("cmp-old").value, new: $("cmp-new").value});
          $("cmp-html").href = "/api/diff?format=html&" + p; $("cmp-csv").href = "/api/diff?format=csv&" + p;
        }
        $("cmp-old").onchange = comparisonLinks; $("cmp-new").onchange = comparisonLinks;
        $("compare").onclick = async () => {
          comparisonLinks();
          let c;
          try { c = await api("/api/diff?" + new URLSearchParams({old: $("cmp-old").value, new: $("cmp-new").value, limit: 200})); }
          catch (e) { $("comparison").innerHTML = `<div class="msg err">${esc(e.message)}</div>`; return; }
          const d = c, t = d.totals, list = (title, items, total) => items.length ?
            `<h4>${esc(title)} (${total})</h4><ul>${items.map(x => `<li>${esc(x)}</li>`).join("")}</ul>`
            + (total > items.length ? `<p class="more">The first ${items.length} of ${total}: the HTML, CSV and JSON diffs list more.</p>` : "") : "";
          $("comparison").innerHTML = `<p id="cmp-totals">findings: ${t.findings_added} added, ${t.findings_resolved} resolved;
            files: ${t.files_new} new, ${t.files_gone} gone, ${t.files_moved} moved, ${t.files_copied} copied; levels: ${t.levels_rose} rose, ${t.levels_fell} fell</p>`
            + list("Levels changed", d.level_changes.map(x => `${x.path}: ${x.from} → ${x.to}` + (x.moved_from ? ` (moved from ${x.moved_from})` : "")),
                   t.levels_rose + t.levels_fell)
            + list("Moved", d.moved.map(x => `${x.from} → ${x.to}`), t.files_moved)
            + list("New files", d.files_new.map(x => `${x.path} (${x.level})`), t.files_new)
            + list("Files gone", d.files_gone.map(x => `${x.path} (${x.level})`), t.files_gone)
            + list("Decisions between the two runs", d.decisions_between.map(e => `${e.at} ${e.by} ${e.action} #${e.decision_id}: ${e.detail}`),
                   d.decisions_between.length);
        };
        async function loadDecisions() {
          const rows = await api("/api/decisions");
          $("decision-rows").innerHTML = rows.map(({decision: d, stale}) => `<tr><td>${d.id}</td><td>${esc(d.kind)}${d.owner ? " (owner " + esc(d.owner) + ")" : ""}${d.review_by ? " (review " + esc(d.review_by) + ")" : ""}</td>
            <td>${esc(d.scope)}: ${esc(d.type ? d.type + " under " : "")}${esc(d.path)}${stale ? ' <span class="stale">stale: matches nothing in the latest run</span>' : ""}</td>
            <td>${esc(d.reason)}</td><td>${esc(d.by)}</td><td>${esc(d.at)}</td><td><button data-id="${d.id}" class="close">Close</button></td></tr>`).join("");
          for (const b of document.querySelectorAll("button.close")) b.onclick = async () => {
            const reason = prompt("Why close this decision?"); if (!reason) return;
            try { await api(`/api/decisions/${b.dataset.id}/close`, {reason}); loadDecisions(); } catch (e) { message("decisions-message", e.message); }
          };
        }
        $("tab-files").onclick = () => { show("files"); load(); };
        $("tab-runs").onclick = () => { show("runs"); loadRuns(); };
        $("tab-decisions").onclick = () => { show("decisions"); loadDecisions(); };
        $("f-run").onchange = () => { page = 0; load(); };
        async function start() {
          const me = await api("/api/whoami");
          $("who").textContent = me.user;
          show("files");
          await loadRuns();
          await load();
        }
        start().catch(() => show("login"));
        </script></body></html>
        """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
