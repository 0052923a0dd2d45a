// The DPO's review page: one self-contained HTML file (no network, no external assets) with the
// report's totals, small charts, and every file, sortable and filterable, each with its findings.
// The data is embedded as JSON and rendered by a short script, 100 files a page, so that the page
// a browser builds stays small whatever the report's size; values are as masked in the report.
import Foundation
import TrawlModel

package enum ReviewPage {
    private struct PageData: Encodable {
        struct FileRow: Encodable {
            var p: String      // display name
            var d: String      // folder
            var l: String      // level
            var o: String      // outcome
            var i: [String]    // issue kinds and messages
            var r: [String]    // reasons
            var f: [Row]       // findings
            var m: [String]    // markings
            var w: Bool        // new since the previous run ("what's new")
            var e: [String]    // broad readers (exposed_to)
            var u: String      // overdue: the retention rule and the day its period ended, or ""
            var a: String      // the account that owns the file (permissions), or ""
        }
        struct Row: Encodable {
            var t: String
            var l: String
            var c: String
            var m: String
            var at: String
            var e: String
            var x: String
            var dec: String
        }
        var title: String
        var started: String
        var finished: String
        var roots: [String]
        var tool: String
        var policy: String
        var keyId: String
        var files: [FileRow]
        var entriesByLevel: [String: Int]
        var findingsByType: [String: Int]
        var findingsByLevel: [String: Int]
        var entries: Int
        var unreadable: Int
        var exempt: Int
        var previous: String?
    }

    /// The page for `report`. With `previous` (the report of the run before, and its name), each
    /// file whose path below the root and whose content were both absent from it is marked new.
    package static func html(_ report: LoadedReport, title: String, previous: (report: LoadedReport, name: String)? = nil) -> String {
        let known = previous.map { p in Set(p.report.files.map(RootRelative(roots: p.report.begin.roots).key)) } ?? []
        let knownContent = Set(previous?.report.files.compactMap(\.contentId) ?? [])
        let key = RootRelative(roots: report.begin.roots)
        let files = zip(report.files, report.owners).map { f, owner -> PageData.FileRow in
            let name = f.displayName
            let folder = f.path.display.split(separator: "/").dropLast().joined(separator: "/")
            return PageData.FileRow(
                p: name, d: (f.path.display.hasPrefix("/") ? "/" : "") + folder, l: f.level.rawValue, o: f.outcome.rawValue,
                i: (f.issues ?? []).map { "\($0.kind.rawValue): \($0.message)" },
                r: f.reasons.map { "\($0.rule) (\($0.level.rawValue)): \($0.detail)" }
                    + (f.findingsOmitted ?? []).map { "not listed (\($0.level?.rawValue ?? "counts towards nothing")): \($0.count) × \($0.type), past the limit of findings listed per file" },
                f: f.findings.map { g in
                    let l = g.location
                    var at = [l.part, l.cell.map { "cell \($0)" }, l.line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ")
                    if let c = l.column { at += (at.isEmpty ? "" : ", ") + "column “\(c)”" }
                    if at.isEmpty { at = "offset \(l.offset)" }
                    return PageData.Row(t: g.type, l: g.level?.rawValue ?? "—", c: g.confidence.rawValue, m: g.masked, at: at,
                                        e: g.evidence.joined(separator: "; "), x: g.exempt?.rawValue ?? "",
                                        dec: g.decision.map { "\($0.decision.rawValue) (\($0.by), \($0.at))" } ?? "")
                },
                m: f.markings ?? [],
                w: previous != nil && !known.contains(key.key(f)) && !(f.contentId.map(knownContent.contains) ?? false),
                e: f.exposedTo ?? [],
                u: f.retention.flatMap { r in r.due.flatMap { due in
                    report.begin.asOf.map { due < $0 } == true ? "\(r.rule): \(r.keep), due \(due)" : nil } } ?? "",
                a: owner ?? "")
        }
        var entriesByLevel = report.summary?.entriesByLevel ?? [:]
        if report.summary == nil { for f in report.files { entriesByLevel[f.level.rawValue, default: 0] += 1 } }
        let data = PageData(
            title: title, started: report.begin.started, finished: report.summary?.finished ?? "(incomplete report)",
            roots: report.begin.roots.map(\.display), tool: report.begin.tool, policy: report.begin.policy.name,
            keyId: report.begin.keyId, files: files, entriesByLevel: entriesByLevel,
            findingsByType: report.summary?.findingsByType ?? [:], findingsByLevel: report.summary?.findingsByLevel ?? [:],
            entries: report.summary?.entries.total ?? report.files.count, unreadable: report.summary?.entries.failed ?? 0,
            exempt: report.summary?.exemptFindings ?? 0, previous: previous?.name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self)
            .replacingOccurrences(of: "</", with: "<\\/")
        return template
            .replacingOccurrences(of: "%TITLE%", with: escape(title))
            .replacingOccurrences(of: "%DATA%", with: json)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let template = #"""
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>%TITLE%</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#b8c2d0;font-size:12px}
main{padding:16px 24px}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:130px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:26px}.Confidential{color:#b3261e}.Restricted{color:#c25e00}.Internal{color:#35507a}.Public{color:#2e7d32}.Not-classified{color:#6a1b9a}.badge.exposed{background:#fdecea;color:#b3261e}
.charts{display:flex;gap:16px;flex-wrap:wrap;margin:16px 0}.chart{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002}
.chart h2,.files h2{font-size:14px;margin:0 0 8px}.filters{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
select,input{font:inherit;padding:4px 6px;border:1px solid #c9ced6;border-radius:4px;background:#fff}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef1;vertical-align:top}
th{cursor:pointer;user-select:none;background:#eef0f3;position:sticky;top:0}tr.file:hover{background:#f3f6fb;cursor:pointer}
tr.detail td{background:#fafbfc}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}.muted{color:#6b7685}
.badge{display:inline-block;padding:1px 6px;border-radius:10px;font-size:12px;font-weight:600;background:#eef0f3;white-space:nowrap}.badge.new{background:#dbe8ff;color:#0a4fb5}
</style></head><body>
<header><h1>%TITLE%</h1><p id="meta"></p></header>
<main>
<section class="cards" id="cards"></section>
<section class="charts"><div class="chart"><h2>Files by level</h2><svg id="chart-levels" width="360" height="120"></svg></div>
<div class="chart"><h2>Findings by type</h2><svg id="chart-types" width="520" height="120"></svg></div></section>
<section class="files"><h2>Files <span class="muted" id="shown"></span></h2>
<div class="filters"><select id="f-level"><option value="">All levels</option></select>
<select id="f-type"><option value="">All types</option></select><select id="f-folder"><option value="">All folders</option></select>
<select id="f-owner"><option value="">All owners</option></select>
<input id="f-text" type="search" placeholder="Filter by text"><label id="new-filter" hidden><input id="f-new" type="checkbox"> New since the previous run</label>
<label><input id="f-exposed" type="checkbox"> Exposed (broad readers)</label>
<label><input id="f-overdue" type="checkbox"> Overdue (retention)</label></div>
<table><thead><tr><th data-k="p">File</th><th data-k="l">Level</th><th data-k="n">Findings</th><th data-k="t">Types</th><th data-k="o">Outcome</th></tr></thead>
<tbody id="rows"></tbody></table>
<div class="filters"><button id="page-prev">Previous</button><span id="page-info" class="muted"></span><button id="page-next">Next</button></div></section>
</main>
<script id="data" type="application/json">%DATA%</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
// Not classified (not read, nothing found: nothing is known of it) comes first: it is what the
// DPO cannot judge from the report.
const LEVELS = ["Not classified","Confidential","Restricted","Internal","Public"], RANK = {Public:0,Internal:1,Restricted:2,Confidential:3,"Not classified":4};
const cls = l => l.replace(" ", "-");
const el = (t, a = {}, ...kids) => { const e = document.createElement(t); for (const [k, v] of Object.entries(a)) { if (k === "class") e.className = v; else e.setAttribute(k, v); } for (const k of kids) e.append(k); return e; };
document.getElementById("meta").textContent = `${D.tool} · started ${D.started} · finished ${D.finished} · roots ${D.roots.join(", ")} · policy ${D.policy} · key ${D.keyId}`;
const cards = document.getElementById("cards");
for (const l of LEVELS) { const c = el("div", {class: "card"}, el("b", {class: cls(l), id: "total-" + cls(l)}, String(D.entriesByLevel[l] || 0)), l); cards.append(c); }
const nFindings = Object.values(D.findingsByType).reduce((a, b) => a + b, 0);
cards.append(el("div", {class: "card"}, el("b", {id: "findings-total"}, String(nFindings)), "findings"));
cards.append(el("div", {class: "card"}, el("b", {id: "entries-total"}, String(D.entries)), "files and members"));
cards.append(el("div", {class: "card"}, el("b", {id: "unreadable-total"}, String(D.unreadable)), "could not be read"));
function bars(svg, pairs, color) {
  const max = Math.max(1, ...pairs.map(p => p[1])), w = +svg.getAttribute("width"), bw = Math.max(8, Math.floor((w - 10) / Math.max(1, pairs.length)) - 6);
  svg.setAttribute("height", "140");
  pairs.forEach(([name, n], i) => {
    const h = Math.round(90 * n / max), x = 5 + i * (bw + 6);
    const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    r.setAttribute("x", x); r.setAttribute("y", 100 - h); r.setAttribute("width", bw); r.setAttribute("height", h); r.setAttribute("fill", color(name));
    const t = document.createElementNS("http://www.w3.org/2000/svg", "title"); t.textContent = `${name}: ${n}`; r.append(t); svg.append(r);
    const lab = document.createElementNS("http://www.w3.org/2000/svg", "text");
    lab.setAttribute("x", x); lab.setAttribute("y", 114); lab.setAttribute("font-size", "9"); lab.setAttribute("transform", `rotate(20 ${x} 114)`); lab.textContent = name; svg.append(lab);
  });
}
const LC = {"Not classified": "#6a1b9a", Confidential: "#b3261e", Restricted: "#c25e00", Internal: "#35507a", Public: "#2e7d32"};
bars(document.getElementById("chart-levels"), LEVELS.map(l => [l, D.entriesByLevel[l] || 0]), n => LC[n]);
function hbars(svg, pairs) {
  const max = Math.max(1, ...pairs.map(p => p[1])), rowH = 16;
  svg.setAttribute("height", String(Math.max(20, pairs.length * rowH + 4)));
  const ns = "http://www.w3.org/2000/svg";
  pairs.forEach(([name, n], i) => {
    const y = 2 + i * rowH, w = Math.max(1, Math.round(300 * n / max));
    const lab = document.createElementNS(ns, "text"); lab.setAttribute("x", 0); lab.setAttribute("y", y + 11); lab.setAttribute("font-size", "11"); lab.textContent = name; svg.append(lab);
    const r = document.createElementNS(ns, "rect"); r.setAttribute("x", 170); r.setAttribute("y", y + 2); r.setAttribute("width", w); r.setAttribute("height", rowH - 5); r.setAttribute("fill", "#4a6fa5"); svg.append(r);
    const c = document.createElementNS(ns, "text"); c.setAttribute("x", 176 + w); c.setAttribute("y", y + 11); c.setAttribute("font-size", "11"); c.textContent = String(n); svg.append(c);
  });
}
hbars(document.getElementById("chart-types"), Object.entries(D.findingsByType).sort((a, b) => b[1] - a[1]));
const files = D.files.map(f => ({...f, n: f.f.filter(g => g.l !== "—").length, t: [...new Set(f.f.map(g => g.t))].sort().join(" ")}));
const fill = (id, values) => { const s = document.getElementById(id); for (const v of values) s.append(el("option", {value: v}, v)); };
fill("f-level", LEVELS); fill("f-type", [...new Set(files.flatMap(f => f.f.map(g => g.t)))].sort()); fill("f-folder", [...new Set(files.map(f => f.d))].sort());
fill("f-owner", [...new Set(files.map(f => f.a).filter(Boolean))].sort());
let sortKey = "l", sortDir = -1, page = 0;
const PAGE = 100;
function render() {
  const lv = document.getElementById("f-level").value, ty = document.getElementById("f-type").value, fo = document.getElementById("f-folder").value, ow = document.getElementById("f-owner").value;
  const tx = document.getElementById("f-text").value.toLowerCase(), nw = document.getElementById("f-new").checked;
  const ex = document.getElementById("f-exposed").checked, od = document.getElementById("f-overdue").checked;
  const shown = files.filter(f => (!nw || f.w) && (!ex || f.e.length) && (!od || f.u) && (!lv || f.l === lv) && (!ty || f.f.some(g => g.t === ty)) && (!fo || f.d === fo) && (!ow || f.a === ow)
    && (!tx || (f.p + " " + f.t + " " + f.r.join(" ") + " " + f.i.join(" ")).toLowerCase().includes(tx)));
  shown.sort((a, b) => { const x = sortKey === "l" ? RANK[a.l] : a[sortKey], y = sortKey === "l" ? RANK[b.l] : b[sortKey]; return (x < y ? -1 : x > y ? 1 : 0) * sortDir || a.p.localeCompare(b.p); });
  const body = document.getElementById("rows"); body.replaceChildren();
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  page = Math.min(page, pages - 1);
  for (const f of shown.slice(page * PAGE, (page + 1) * PAGE)) {
    const tr = el("tr", {class: "file"}, el("td", {class: "mono"}, f.p, ...(f.w ? [" ", el("span", {class: "badge new"}, "new")] : []), ...(f.e.length ? [" ", el("span", {class: "badge exposed", title: "readable by " + f.e.join(", ")}, "exposed")] : []), ...(f.u ? [" ", el("span", {class: "badge exposed", title: f.u}, "overdue")] : [])), el("td", {}, el("span", {class: "badge " + cls(f.l)}, f.l)), el("td", {}, String(f.n)), el("td", {}, f.t), el("td", {}, f.o));
    tr.addEventListener("click", () => { const n = tr.nextSibling; if (n && n.classList.contains("detail")) { n.remove(); return; } tr.after(detail(f)); });
    body.append(tr);
  }
  document.getElementById("shown").textContent = `(${shown.length} of ${files.length} shown)`;
  document.getElementById("page-info").textContent = ` page ${page + 1} of ${pages} (${PAGE} files a page) `;
  document.getElementById("page-prev").disabled = page === 0;
  document.getElementById("page-next").disabled = page + 1 >= pages;
}
document.getElementById("page-prev").addEventListener("click", () => { page -= 1; render(); });
document.getElementById("page-next").addEventListener("click", () => { page += 1; render(); });
function detail(f) {
  const box = el("div");
  box.append(el("div", {}, el("b", {}, "Level set by: "), f.r.length ? f.r[0] : "—"));
  if (f.r.length > 1) box.append(el("div", {class: "muted"}, "Also: " + f.r.slice(1).join("; ")));
  if (f.a) box.append(el("div", {}, el("b", {}, "Owner: "), f.a));
  if (f.m.length) box.append(el("div", {}, "Markings: " + f.m.join(", ")));
  if (f.e.length) box.append(el("div", {}, el("b", {}, "Exposed: "), "readable by " + f.e.join(", ")));
  if (f.u) box.append(el("div", {}, el("b", {}, "Overdue: "), f.u));
  if (f.i.length) box.append(el("div", {}, "Issues: " + f.i.join("; ")));
  if (f.f.length) {
    const t = el("table", {}, el("tr", {}, ...["Type", "Value (masked)", "Where", "Level", "Confidence", "Why", "Note"].map(h => el("th", {}, h))));
    for (const g of f.f) t.append(el("tr", {}, el("td", {}, g.t), el("td", {class: "mono"}, g.m), el("td", {}, g.at), el("td", {}, g.l), el("td", {}, g.c), el("td", {}, g.e), el("td", {}, [g.x, g.dec].filter(Boolean).join("; "))));
    box.append(t);
  }
  return el("tr", {class: "detail"}, el("td", {colspan: "5"}, box));
}
for (const th of document.querySelectorAll("th[data-k]")) th.addEventListener("click", () => { page = 0; const k = th.dataset.k; sortDir = sortKey === k ? -sortDir : (k === "p" ? 1 : -1); sortKey = k; render(); });
if (D.previous) { document.getElementById("new-filter").hidden = false; document.getElementById("meta").textContent += ` · new since ${D.previous}: ${files.filter(f => f.w).length}`; }
// "change" too: a choice made by a script or a driver, not a person, may fire only that.
for (const id of ["f-level", "f-type", "f-folder", "f-owner", "f-text", "f-new", "f-exposed", "f-overdue"])
  for (const ev of ["input", "change"]) document.getElementById(id).addEventListener(ev, () => { page = 0; render(); });
render();
</script></body></html>
"""#
}
