#!/usr/bin/env python3
"""The live dashboard (/rooms/{room}) in headless Chromium, driven over the
DevTools protocol while a replayed comment stream and viewers' questions
run: the page must update itself from the server (its update counter, the
intent bars, the sentiment curve and the question queue change between two
looks), render Chinese text in an installed CJK font, load nothing from
outside the server, and log no script or console error. Two screenshots are
decoded (png_decode.py): not blank, and the intent colours of the legend are
painted in the chart.

  dashboard_render_test.py LIVEFORMER_SERVE_BINARY REPO_ROOT [OUT_DIR]
Exit status: 0 passed, 1 failed, 77 skipped (no chromium).
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "apps"))
from serve_client import Server, WebSocket  # noqa: E402
import png_decode  # noqa: E402

BINARY, ROOT = sys.argv[1], sys.argv[2]
OUT = sys.argv[3] if len(sys.argv) > 3 else None
MODEL = os.path.join(ROOT, "models", "liveformer-demo-zh.gguf")
PRODUCT = json.load(open(os.path.join(ROOT, "tests", "data", "apps", "product.json"), encoding="utf-8"))
COMMENTS = [json.loads(l) for l in open(os.path.join(ROOT, "tests", "data", "apps", "comments.jsonl"), encoding="utf-8")
            if l.startswith("{") and isinstance(json.loads(l).get("text"), str)]
COLORS = {"price": (0x25, 0x63, 0xeb), "spec": (0x08, 0x91, 0xb2), "purchase": (0x16, 0xa3, 0x4a), "complaint": (0xdc, 0x26, 0x26)}

failures = []


def check(ok, name, detail=""):
    print(("PASS: " if ok else "FAIL: ") + name + ("" if ok else "  " + str(detail)[:500]), flush=True)
    if not ok:
        failures.append(name)


class DevTools:
    """Commands over one page's DevTools WebSocket; events are kept."""

    def __init__(self, port, ws_path):
        self.ws = WebSocket(port, ws_path, timeout=60)
        if self.ws.status != 101:
            raise RuntimeError("DevTools handshake: " + self.ws.response_head)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            m = self.ws.recv()
            if m is None:
                raise RuntimeError("DevTools closed")
            m = json.loads(m)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")


PROBE = """JSON.stringify({
  updates: Number(document.body.dataset.updates || 0),
  received: document.getElementById('received').textContent,
  product: document.getElementById('product').textContent,
  bars: Array.from(document.querySelectorAll('#intents rect')).map(r => [r.getAttribute('data-intent'), +r.getAttribute('height')]),
  curve: (document.getElementById('curve') || {getAttribute: () => ''}).getAttribute('points'),
  questions: Array.from(document.querySelectorAll('#questions li')).map(li => li.textContent),
  hot: document.querySelectorAll('#hot li').length,
  recent: document.querySelectorAll('#recent li').length,
  status: document.getElementById('status').textContent,
  cjkFont: document.fonts.check('16px "WenQuanYi Micro Hei"', '直播间'),
  headerWidth: (() => { const c = document.createElement('canvas').getContext('2d');
                        c.font = getComputedStyle(document.querySelector('h1')).font; return c.measureText('直播间').width; })()
})"""


def pixels(path):
    w, h, rows = png_decode.read_png(path)
    return w, h, rows


def main():
    exe = next((p for p in (os.environ.get("LIVEFORMER_CHROMIUM"), "chromium", "chromium-browser") if p and shutil.which(p)), None)
    if not exe:
        print("skipped: no chromium (apt-get install chromium, tools/setup.sh)")
        return 77
    out = OUT or tempfile.mkdtemp(prefix="lf-dashboard-")
    os.makedirs(out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lf-chromium-")
    with Server(BINARY, "-m", MODEL, "--no-access-log") as s:
        s.request("PUT", "/v1/rooms/live/product", PRODUCT)
        browser = subprocess.Popen([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                    "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,1000",
                                    "--no-first-run", "--no-default-browser-check", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = os.path.join(profile, "DevToolsActivePort")
            deadline = time.time() + 60
            while not os.path.exists(port_file) and time.time() < deadline:
                time.sleep(0.1)
            lines = open(port_file).read().split()
            dt_port = int(lines[0])
            targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % dt_port, timeout=30))
            page = next(t for t in targets if t["type"] == "page")
            path = page["webSocketDebuggerUrl"].split(str(dt_port), 1)[1]
            dt = DevTools(dt_port, path)
            for domain in ("Runtime", "Log", "Page", "Network"):
                dt.call(domain + ".enable")
            dt.call("Page.navigate", url="http://127.0.0.1:%d/rooms/live" % s.port)

            # The replayed stream: comments with advancing times (a new window
            # every few seconds of wall time) and questions from viewers.
            stop = threading.Event()

            def replay():
                ws = WebSocket(s.port, "/v1/rooms/live/comments")
                k = 0
                while not stop.is_set():
                    batch = []
                    for c in COMMENTS[k % len(COMMENTS):k % len(COMMENTS) + 4]:
                        batch.append(dict(c, t=20.0 * k + c.get("t", 0) % 20, user="%s-%d" % (c.get("user", "anon"), k)))
                    ws.send(json.dumps(batch, ensure_ascii=False))
                    k += 1
                    time.sleep(0.1)
                ws.close()

            feeder = threading.Thread(target=replay)
            feeder.start()
            s.request("POST", "/v1/rooms/live/ask", {"question": "这件多少钱？"})
            time.sleep(4)
            first = json.loads(dt.evaluate(PROBE))
            shot1 = os.path.join(out, "dashboard-1.png")
            open(shot1, "wb").write(base64.b64decode(dt.call("Page.captureScreenshot", format="png")["data"]))
            s.request("POST", "/v1/rooms/live/ask", {"question": "有红色吗"})
            time.sleep(4)
            second = json.loads(dt.evaluate(PROBE))
            shot2 = os.path.join(out, "dashboard-2.png")
            open(shot2, "wb").write(base64.b64decode(dt.call("Page.captureScreenshot", format="png")["data"]))
            stop.set()
            feeder.join()
            dt.call("Runtime.evaluate", expression="1")  # flush pending events
            events = dt.events
        finally:
            browser.kill()
            browser.wait()

    print("first look: %s" % json.dumps(dict(first, bars=len(first["bars"])), ensure_ascii=False))
    print("second look: %s" % json.dumps(dict(second, bars=len(second["bars"])), ensure_ascii=False))
    check(first["status"] == "实时" and second["status"] == "实时", "the page is connected to the server", (first["status"], second["status"]))
    check(second["updates"] > first["updates"] >= 1, "the page updated itself between the looks", (first["updates"], second["updates"]))
    check(int(second["received"]) > int(first["received"]) > 0, "the comment counter grew", (first["received"], second["received"]))
    check(first["product"] == PRODUCT["name"], "the product name (Chinese) is shown", first["product"])
    check(len(second["bars"]) > len(first["bars"]) > 0, "intent bars were added as windows passed", (len(first["bars"]), len(second["bars"])))
    check(all(h > 0 for _, h in second["bars"]), "every bar has a height")
    check(first["curve"] and second["curve"] and second["curve"] != first["curve"], "the sentiment curve moved", (first["curve"], second["curve"]))
    check(len(first["questions"]) == 1 and len(second["questions"]) == 2, "the question queue shows each answered question",
          (first["questions"], second["questions"]))
    check(any("129.9" in q for q in second["questions"]), "the price answer is shown", second["questions"])
    check(second["hot"] > 0 and second["recent"] > 0, "hot words and recent comments are listed", (second["hot"], second["recent"]))
    check(first["cjkFont"], "a CJK font is installed and used for Chinese text")
    check(first["headerWidth"] > 30, "Chinese glyphs have width (not empty boxes)", first["headerWidth"])
    errors = [e for e in events if e.get("method") == "Runtime.exceptionThrown" or
              (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")) or
              (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    check(not errors, "no script or console errors", errors[:3])
    origin = "http://127.0.0.1:%d/" % s.port
    loaded = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    check(loaded and all(u.startswith(origin) for u in loaded), "nothing is loaded from outside the server",
          [u for u in loaded if not u.startswith(origin)][:3])
    for shot in (shot1, shot2):
        w, h, rows = pixels(shot)
        flat = [p for row in rows[::4] for p in row[::4]]
        distinct = len(set(flat))
        check(w >= 1000 and distinct > 20, "%s is not blank" % os.path.basename(shot), distinct)
    w, h, rows = pixels(shot2)
    seen = set()
    for row in rows:
        for p in row:
            for name, c in COLORS.items():
                if max(abs(p[i] - c[i]) for i in range(3)) <= 6:
                    seen.add(name)
    want = {name for name, _ in second["bars"] if name in COLORS}
    check(want and want <= seen, "the chart paints the legend colours of the intents it shows", (sorted(want), sorted(seen)))
    if not OUT:
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("dashboard checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
