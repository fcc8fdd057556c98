"""Render an HTML file in headless Chromium: full-page PNGs (laptop and phone widths), console
errors, DOM checks, and optionally the print view (PNG) and a PDF.

    python scripts/screenshot.py data/marts/report.html --out data/marts/screenshots
    python scripts/screenshot.py report.html --widths 1280,390 --print-png --pdf

Talks to Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``): no
network port, no Python dependency beyond the standard library. Console messages of level error,
uncaught exceptions and browser log errors (a blocked resource, a CSP violation) are collected.

Exit status: 0 fine; 1 console errors or the page is wider than the screen (horizontal scroll)
at some width; 2 Chromium not found or it failed. Chromium comes from Debian's ``chromium``
package (``apt-get install -y chromium``); set ``CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
    "--hide-scrollbars", "--remote-debugging-pipe",
]

#: JavaScript evaluated in the page after load; the report's own checks by default.
DEFAULT_CHECKS: dict[str, str] = {
    "title": "document.title",
    "lang": "document.documentElement.lang",
    "sections": "Array.from(document.querySelectorAll('main > section')).map(s => s.id)",
    "charts": "document.querySelectorAll('svg.chart-svg').length",
    "scatter_points": "document.querySelectorAll('#scatter-chart .point').length",
    "visible_scatter": "Array.from(document.querySelectorAll('svg.scatter'))"
                       ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)",
    "funnel_bars": "document.querySelectorAll('svg.funnel rect.bar').length",
    "scripts": "document.scripts.length",
    "overflow_x": "document.documentElement.scrollWidth > window.innerWidth + 1",
}


class BrowserError(RuntimeError):
    """Chromium could not be started or stopped answering."""


@dataclass
class PageResult:
    """What one rendering of the page produced."""

    width: int
    media: str
    png: Path | None
    height: int = 0
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"width": self.width, "media": self.media,
                "png": str(self.png) if self.png else None, "height": self.height,
                "console_errors": self.console_errors,
                "console_warnings": self.console_warnings, "checks": self.checks}


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else chromium / chromium-browser / google-chrome."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"]) or None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """A headless Chromium driven over the DevTools pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary: str | None = None, timeout: float = 30.0) -> None:
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserError("chromium not found: install it (apt-get install -y chromium) "
                               "or set CHROMIUM to the browser's path")
        self.timeout = timeout
        self._id = 0
        self._buf = b""
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="vf-chromium-")
        self._log = tempfile.TemporaryFile()
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # runs in the child: its fd 3 reads commands, fd 4 answers
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            preexec_fn=wire_fds, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        try:
            self.call("Browser.getVersion")
        except BrowserError:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(OSError):
                    self._send("Browser.close")
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()  # our own child, by its handle
                    self.proc.wait(timeout=5)
        finally:
            for fd in (self._to_child, self._from_child):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._log.close()
            shutil.rmtree(self._profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        return self._id

    def _recv(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise BrowserError(f"chromium did not answer within {self.timeout:g}s"
                                   f"{self._log_tail()}")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited (status {self.proc.poll()})"
                                   f"{self._log_tail()}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def _log_tail(self) -> str:
        try:
            self._log.seek(0)
            lines = [ln for ln in self._log.read().decode(errors="replace").splitlines()
                     if "dbus" not in ln]
        except (OSError, ValueError):
            return ""
        return (": " + " | ".join(lines[-5:])) if lines else ""

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its answer (events meanwhile go to ``self.events``)."""
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._recv(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._recv(deadline))

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session)
        if "exceptionDetails" in result:
            return {"error": result["exceptionDetails"].get("text")}
        return result.get("result", {}).get("value")

    # ------------------------------------------------------------------ pages
    def render(self, url: str, width: int, png: Path | None, *, media: str = "screen",
               checks: dict[str, str] | None = None, pdf: Path | None = None,
               max_height: int = 24000, tile: int = 0) -> PageResult:
        """Load ``url`` at ``width`` CSS pixels and capture the whole page as ``png`` (and, with
        ``tile``, also as ``<png stem>-<n>.png`` slices at most ``tile`` pixels tall, easier to
        look at than one very tall image)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        result = PageResult(width=width, media=media, png=png)
        try:
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable", None, session)
            mobile = width < 600
            metrics = {"width": width, "height": 900 if not mobile else 844,
                       "deviceScaleFactor": 1, "mobile": mobile}
            self.call("Emulation.setDeviceMetricsOverride", metrics, session)
            if media != "screen":
                self.call("Emulation.setEmulatedMedia", {"media": media}, session)
            self.call("Page.navigate", {"url": url}, session)
            self.wait_event("Page.loadEventFired", session)
            self.evaluate(session, "document.fonts.ready.then(() => true)")
            result.checks = {name: self.evaluate(session, js)
                             for name, js in (checks or {}).items()}
            height = int(self.evaluate(session, "Math.ceil(Math.max("
                                       "document.documentElement.scrollHeight, "
                                       "document.body ? document.body.scrollHeight : 0))") or 0)
            result.height = height
            if png is not None:
                metrics["height"] = max(1, min(height, max_height))
                self.call("Emulation.setDeviceMetricsOverride", metrics, session)
                shot = self.call("Page.captureScreenshot", {"format": "png"}, session)
                png.parent.mkdir(parents=True, exist_ok=True)
                png.write_bytes(base64.b64decode(shot["data"]))
                for n, top in enumerate(range(0, metrics["height"], tile) if tile else ()):
                    clip = {"x": 0, "y": top, "width": width, "scale": 1,
                            "height": min(tile, metrics["height"] - top)}
                    part = self.call("Page.captureScreenshot", {"format": "png", "clip": clip},
                                     session)
                    png.with_name(f"{png.stem}-{n + 1}.png").write_bytes(
                        base64.b64decode(part["data"]))
            if pdf is not None:
                printed = self.call("Page.printToPDF", {"printBackground": True,
                                                        "preferCSSPageSize": True}, session)
                pdf.parent.mkdir(parents=True, exist_ok=True)
                pdf.write_bytes(base64.b64decode(printed["data"]))
            self.call("Runtime.evaluate", {"expression": "0"}, session)  # flush pending logs
        finally:
            self._collect_console(session, result)
            self.call("Target.closeTarget", {"targetId": target})
        return result

    def _collect_console(self, session: str, result: PageResult) -> None:
        keep = []
        for ev in self.events:
            if ev.get("sessionId") != session:
                keep.append(ev)
                continue
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", "")))
                                for a in params.get("args", []))
                if params.get("type") in ("error", "assert"):
                    result.console_errors.append(f"console.{params['type']}: {text}")
                elif params.get("type") == "warning":
                    result.console_warnings.append(f"console.warn: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                desc = details.get("exception", {}).get("description") or details.get("text")
                result.console_errors.append(f"uncaught: {desc}")
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                text = f"{entry.get('source')}: {entry.get('text')} {entry.get('url') or ''}"
                if entry.get("level") == "error":
                    result.console_errors.append(text.strip())
                elif entry.get("level") == "warning":
                    result.console_warnings.append(text.strip())
        self.events = keep


def capture(html: Path, out_dir: Path, widths: tuple[int, ...] = (1280, 390), *,
            print_png: bool = False, pdf: bool = False, tile: int = 0,
            checks: dict[str, str] | None = None, timeout: float = 30.0) -> list[PageResult]:
    """Render ``html`` at each width (PNG ``<stem>-<width>.png``), and optionally its print
    view (``<stem>-print.png``, A4-ish 794 px wide) and a PDF (``<stem>.pdf``)."""
    html = html.resolve()
    if not html.is_file():
        raise FileNotFoundError(f"{html} does not exist")
    url = html.as_uri()
    checks = DEFAULT_CHECKS if checks is None else checks
    results = []
    with Chromium(timeout=timeout) as browser:
        for width in widths:
            results.append(browser.render(url, width, out_dir / f"{html.stem}-{width}.png",
                                          checks=checks, tile=tile))
        if print_png or pdf:
            results.append(browser.render(
                url, 794, out_dir / f"{html.stem}-print.png" if print_png else None,
                media="print", checks=checks, pdf=out_dir / f"{html.stem}.pdf" if pdf else None,
                tile=tile))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the HTML file (e.g. data/marts/report.html)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the PNGs (default: <html folder>/screenshots)")
    parser.add_argument("--widths", default="1280,390",
                        help="comma-separated CSS widths (default 1280,390: laptop and phone)")
    parser.add_argument("--print-png", action="store_true", help="also the print view as PNG")
    parser.add_argument("--pdf", action="store_true", help="also print the page to PDF")
    parser.add_argument("--tile", type=int, default=0, metavar="PX",
                        help="also save the page in slices at most PX tall (for reviewing)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per browser step")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    out = args.out or args.html.resolve().parent / "screenshots"
    try:
        widths = tuple(int(w) for w in args.widths.split(",") if w.strip())
        results = capture(args.html, out, widths, print_png=args.print_png, pdf=args.pdf,
                          tile=args.tile, timeout=args.timeout)
    except (BrowserError, FileNotFoundError, ValueError) as exc:
        print(f"screenshot: {exc}", file=sys.stderr)
        return 2
    failed = False
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    for r in results:
        overflow = r.checks.get("overflow_x") is True and r.media == "screen"
        failed |= bool(r.console_errors) or overflow
        if not args.json:
            where = r.png or "(no png)"
            print(f"{r.media} {r.width}px: {where} ({r.height}px tall), "
                  f"{len(r.console_errors)} console error(s)"
                  + (", WIDER THAN THE SCREEN" if overflow else ""))
            for line in r.console_errors:
                print(f"  error: {line}")
    if args.pdf and not args.json:
        print(f"pdf: {out / (args.html.stem + '.pdf')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
