#!/usr/bin/env python3
"""Opens comment-analysis's report.html in headless Chromium (Debian's
`chromium`, installed by tools/setup.sh) and checks that the page renders
its charts offline and without errors:

- the page names no external resource, and when loaded under a
  Content-Security-Policy that forbids every fetch, nothing is blocked and
  no resource is loaded;
- no script error and no console message;
- the browser lays out both charts (render_probe.js reports the boxes): one
  bar per non-zero (bucket, intent) cell of report.json, bar heights
  proportional to the counts, columns in time order, each bucket's count
  written above it; three points per bucket with comments, their heights
  linear in the sentiment shares, their tooltips giving the counts ("3 of
  5"), hollow where the bucket has under 5 comments, and trend lines only
  across runs of fuller buckets;
- the screenshot (decoded by png_decode.py) is not blank, every bar is
  painted in its legend colour, intents with no comments have no pixels in
  the chart, and every sentiment point and line shows its colour;
- on feeds it writes itself: a 90-second stream gets 10 buckets of 10 s and
  a 2-hour one 25 of 5 min, each page saying "each bar: ..."; a long comment
  is cut at a whole character with its full text in the title; emoji in a
  screenshot of the whole page are coloured, not grey outlines.

Expected values come from report.json and the page's own legend, not from
the renderer's constants. Negative controls (a copy of the page with a
script error, an external image, the bars and counts removed and thin
buckets drawn full; the page rendered with fontconfig hiding every colour
emoji font) must fail the same checks, so the probe is known to catch
those faults.

usage: report_render_test.py COMMENT_ANALYSIS REPO_DIR [OUT_DIR]
  OUT_DIR keeps report.html, report.json and screenshot.png for a look
  (default: a temporary directory, removed at the end).
Exit status: 0 passed, 1 failed, 77 skipped (no chromium).
"""

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_decode  # noqa: E402

SKIP = 77
WIDTH, HEIGHT = 1024, 1600
INTENTS = ["price", "spec", "shipping", "purchase", "praise", "complaint", "other"]
SENTIMENTS = ["positive", "neutral", "negative"]
# The page's rule (report_html.cpp): a bucket with fewer comments gets a
# hollow point and no trend line, since one comment would read as 100%.
MIN_TREND_COMMENTS = 5

failures = []
# Set while running the checks on a deliberately broken page: failures are
# collected in `caught` instead of failing the test.
negative_control = False
caught = []


def check(ok, name, detail=""):
    if negative_control:
        print(("  passes here too: " if ok else "  caught: ") + name)
        if not ok:
            caught.append(name)
    elif ok:
        print("PASS: " + name)
    else:
        print("FAIL: " + name + (": " + detail if detail else ""))
        failures.append(name)
    return ok


def expect_caught(name, run_checks, wanted):
    """Runs checks on a broken page; each string in wanted must appear in a failed check's name."""
    global negative_control
    print("-- negative control, " + name + ":")
    negative_control = True
    del caught[:]
    try:
        run_checks()
    finally:
        negative_control = False
    missed = [w for w in wanted if not any(w in c for c in caught)]
    check(not missed, "negative control, %s: the checks catch it" % name, "not caught: %s" % missed)


def find_chromium():
    for candidate in (os.environ.get("LIVEFORMER_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def chromium(exe, profile, url, *mode, height=HEIGHT, env=None):
    """Runs headless Chromium with networking disabled; returns (rc, stdout, stderr)."""
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--window-size=%d,%d" % (WIDTH, height),
           "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"] + list(mode) + [url]
    r = subprocess.run(cmd, capture_output=True, timeout=120, env=env)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def console_lines(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


class _RootAttributes(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs = None

    def handle_starttag(self, tag, attrs):
        if tag == "html" and self.attrs is None:
            self.attrs = dict(attrs)


def probe(exe, profile, page_path):
    """Loads page_path with render_probe.js and returns its report (or None, why)."""
    rc, out, err = chromium(exe, profile, "file://" + page_path, "--dump-dom")
    if rc != 0:
        return None, "chromium --dump-dom exited %d: %s" % (rc, err.strip().splitlines()[-1:])
    parser = _RootAttributes()
    parser.feed(out)
    data = (parser.attrs or {}).get("data-render-check")
    if data is None:
        return None, "the probe left no result in the DOM (did the load event fire?)"
    return json.loads(data), ""


def with_probe(page, extra_head="", find=()):
    """The page with a CSP that forbids every fetch and the probe script, both first in <head>;
    the probe reports where each string in `find` is drawn."""
    script = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_probe.js"), encoding="utf-8").read()
    csp = ("<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; font-src data:\">")
    head = re.search(r"<head[^>]*>", page, re.I)
    if not head:
        raise ValueError("report.html has no <head>")
    script = "window.renderProbeFind = %s;\n%s" % (json.dumps(list(find)), script)
    return page[:head.end()] + csp + "<script>" + script + "</script>" + extra_head + page[head.end():]


def parse_colour(css):
    m = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", css.strip())
    if not m or (m.group(4) is not None and float(m.group(4)) == 0):
        return None
    return tuple(int(m.group(i)) for i in (1, 2, 3))


def near(a, b, tol):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def dot_colour(shape):
    """A sentiment point's colour: its fill, or its ring's where it is hollow (white inside)."""
    fill = parse_colour(shape["fill"])
    return parse_colour(shape["stroke"]) if fill in (None, (255, 255, 255)) else fill


def legend_colours(chart, labels):
    """Maps each label to its legend swatch colour (the legend text ends with the label)."""
    found = {}
    for item in chart.get("legend", []):
        words = item["text"].split()
        if words and words[-1] in labels:
            found[words[-1]] = parse_colour(item["colour"])
    return found


def structure_checks(report, result, label):
    """Checks the probe's layout against report.json; returns the pieces the pixel checks need."""
    ok = check(not result["errors"], label + ": no script or console errors", "; ".join(result["errors"][:5]))
    ok &= check(not result["blocked"], label + ": nothing blocked by a no-fetch Content-Security-Policy",
                "; ".join(result["blocked"][:5]))
    ok &= check(not result["resources"], label + ": no resource loaded besides the page", ", ".join(result["resources"][:5]))
    charts = result["charts"]
    if not check({"intent-chart", "sentiment-chart"} <= set(charts), label + ": both charts are in the DOM",
                 "svg ids: %s" % sorted(charts)):
        return False, None
    intent, sentiment = charts["intent-chart"], charts["sentiment-chart"]
    for name, c in (("intent", intent), ("sentiment", sentiment)):
        ok &= check(c["w"] >= 400 and c["h"] >= 100 and c["y"] + c["h"] <= HEIGHT and c["x"] + c["w"] <= WIDTH,
                    "%s: the %s chart is laid out at a readable size inside the %dx%d screenshot" % (label, name, WIDTH, HEIGHT),
                    "box %.0f,%.0f %.0fx%.0f" % (c["x"], c["y"], c["w"], c["h"]))
    intent_colour = legend_colours(intent, INTENTS)
    sentiment_colour = legend_colours(sentiment, SENTIMENTS)
    colours_ok = (set(intent_colour) == set(INTENTS) and set(sentiment_colour) == set(SENTIMENTS)
                  and None not in intent_colour.values() and None not in sentiment_colour.values())
    ok &= check(colours_ok, label + ": each chart's legend names every label with a colour",
                "%s %s" % (intent_colour, sentiment_colour))
    if not colours_ok:
        return False, None
    by_colour = {v: k for k, v in intent_colour.items()}
    ok &= check(len(by_colour) == len(INTENTS), label + ": the intent colours are distinct", str(intent_colour))

    buckets = report["buckets"]
    # Bars: painted rects in an intent colour, grouped into columns by x.
    bars = [s for s in intent["shapes"] if s["tag"] == "rect" and s["w"] > 0.5 and s["h"] > 0.5
            and parse_colour(s["fill"]) in by_colour]
    cells = [(b["start_s"], i, b["intents"][i]) for b in buckets for i in INTENTS if b["intents"][i] > 0]
    ok &= check(len(bars) == len(cells), label + ": one bar per non-zero (bucket, intent) cell of report.json",
                "%d bars, %d cells" % (len(bars), len(cells)))
    columns = {}
    for s in bars:
        columns.setdefault(round(s["x"] + s["w"] / 2), []).append(s)
    filled = [b for b in buckets if b["count"] > 0]
    bars_ok = len(columns) == len(filled)
    heights = []
    if bars_ok:
        for (x, col), b in zip(sorted(columns.items()), filled):
            got = {by_colour[parse_colour(s["fill"])]: s for s in col}
            want = {i for i in INTENTS if b["intents"][i] > 0}
            if set(got) != want:
                bars_ok = False
                break
            heights += [(got[i]["h"], b["intents"][i]) for i in want]
    per_count = [h / n for h, n in heights]
    bars_ok = bars_ok and bool(per_count) and max(per_count) - min(per_count) <= 0.01 * max(per_count)
    ok &= check(bars_ok, label + ": bar columns follow the buckets, each bar's height proportional to its count",
                "heights/count %s" % [round(p, 2) for p in per_count[:12]])
    # Every bucket's comment count is written above its column, in both charts.
    for name, chart in (("intent", intent), ("sentiment", sentiment)):
        written = [c["text"] for c in sorted(chart.get("counts", []), key=lambda c: c["x"])]
        ok &= check(written == [str(b["count"]) for b in filled],
                    "%s: the %s chart writes each bucket's comment count above it" % (label, name),
                    "written %s, report.json %s" % (written[:12], [b["count"] for b in filled][:12]))

    # Points: circles in a sentiment colour (filled, or hollow with a
    # coloured ring where the bucket is thin); height linear in the share.
    s_by_colour = {v: k for k, v in sentiment_colour.items()}
    dots = [s for s in sentiment["shapes"] if s["tag"] == "circle" and dot_colour(s) in s_by_colour]
    ok &= check(len(dots) == 3 * len(filled), label + ": three sentiment points per bucket with comments",
                "%d points, %d buckets" % (len(dots), len(filled)))
    dot_columns = {}
    for s in dots:
        dot_columns.setdefault(round(s["x"] + s["w"] / 2), []).append(s)
    pairs, labelled, styled = [], [], []
    if len(dot_columns) == len(filled):
        for (x, col), b in zip(sorted(dot_columns.items()), filled):
            for s in col:
                name = s_by_colour[dot_colour(s)]
                pairs.append((b["sentiments"][name] / b["count"], s["y"] + s["h"] / 2))
                # The share's counts are in the tooltip: "3 of 5 (60%)", not 60% alone.
                labelled.append(("%d of %d (" % (b["sentiments"][name], b["count"])) in s["title"])
                thin = b["count"] < MIN_TREND_COMMENTS
                styled.append(thin == ("few" in s["cls"].split()) and thin == (parse_colour(s["fill"]) != dot_colour(s)))
    linear = False
    if len(pairs) == len(dots) and len({p for p, _ in pairs}) >= 2:
        n = len(pairs)
        mp, my = sum(p for p, _ in pairs) / n, sum(y for _, y in pairs) / n
        slope = sum((p - mp) * (y - my) for p, y in pairs) / sum((p - mp) ** 2 for p, _ in pairs)
        residual = max(abs(my + slope * (p - mp) - y) for p, y in pairs)
        linear = slope < 0 and residual <= 0.5
    ok &= check(linear, label + ": each point's height is linear in its sentiment share (higher share, higher point)",
                "points (share, y): %s" % [(round(p, 3), round(y, 1)) for p, y in pairs[:9]])
    ok &= check(bool(labelled) and all(labelled), label + ": each point's tooltip gives its count and the bucket's (\"3 of 5\")",
                "tooltips %s" % [s["title"] for s in dots[:3]])
    ok &= check(bool(styled) and all(styled), label + ": points of buckets under %d comments are hollow, the others filled"
                % MIN_TREND_COMMENTS, "%d of %d points styled wrongly" % (styled.count(False), len(styled)))
    # Lines: one per sentiment over each run of two or more consecutive
    # buckets with enough comments; thin and empty buckets break them.
    lines = [s for s in sentiment["shapes"] if s["tag"] == "polyline" and parse_colour(s["stroke"]) in s_by_colour
             and s["length"] > 0]
    xs = sorted(dot_columns)
    runs, run = [], []
    for k, b in enumerate(buckets):
        if b["count"] >= MIN_TREND_COMMENTS:
            run.append(k)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = []
    if len(run) >= 2:
        runs.append(run)
    filled_index = [k for k, b in enumerate(buckets) if b["count"] > 0]
    spans = sorted((xs[filled_index.index(r[0])], xs[filled_index.index(r[-1])]) for r in runs) if len(xs) == len(filled) else None
    lines_ok = spans is not None
    for name in SENTIMENTS:
        got = sorted((s["x"], s["x"] + s["w"]) for s in lines if s_by_colour[parse_colour(s["stroke"])] == name)
        lines_ok = lines_ok and len(got) == len(spans) and all(abs(g[0] - w[0]) <= 3 and abs(g[1] - w[1]) <= 3
                                                             for g, w in zip(got, spans))
    ok &= check(lines_ok, label + ": a trend line per sentiment spans each run of consecutive buckets with %d or more comments"
                % MIN_TREND_COMMENTS, "%d lines, runs of buckets %s" % (len(lines), runs))
    return ok, {"bars": bars, "dots": dots, "intent_colour": intent_colour, "sentiment_colour": sentiment_colour,
                "intent": intent, "sentiment": sentiment, "runs": runs}


def pixel_checks(report, shot, layout):
    width, height, rows = png_decode.read_png(shot)
    check((width, height) == (WIDTH, HEIGHT), "the screenshot is %dx%d" % (WIDTH, HEIGHT), "%dx%d" % (width, height))
    if (width, height) != (WIDTH, HEIGHT):
        return
    colours = {}
    for row in rows:
        for p in row:
            colours[p] = colours.get(p, 0) + 1
    background = max(colours, key=colours.get)
    other = width * height - colours[background]
    check(len(colours) >= 20 and other >= 0.03 * width * height, "the screenshot is not blank",
          "%d colours, %.1f%% of pixels differ from the background" % (len(colours), 100 * other / (width * height)))

    def inside(box, shrink=0):
        x0, y0 = int(box["x"] + shrink + 0.999), int(box["y"] + shrink + 0.999)
        x1, y1 = int(box["x"] + box["w"] - shrink), int(box["y"] + box["h"] - shrink)
        return [rows[y][x] for y in range(max(0, y0), min(height, y1)) for x in range(max(0, x0), min(width, x1))]

    # Bars: the inside of each bar (1 px in from its edges) is its colour;
    # bars under 3 px have no inside and are left to the colour count below.
    wrong = []
    solid = [s for s in layout["bars"] if s["w"] >= 3 and s["h"] >= 3]
    for s in solid:
        want = parse_colour(s["fill"])
        px = inside(s, 1)
        bad = sum(1 for p in px if not near(p, want, 4))
        if not px or bad:
            wrong.append("bar at %.0f,%.0f %.0fx%.0f: %d of %d pixels not %s" % (s["x"], s["y"], s["w"], s["h"], bad, len(px), want))
    check(bool(solid) and not wrong, "every bar is painted in its legend colour (%d of %d bars 3 px or more)"
          % (len(solid), len(layout["bars"])), "; ".join(wrong[:3]) or "no bar 3 px or more")

    intent_px = inside(layout["intent"])
    totals = report["totals"]["intents"]
    counts = {i: sum(1 for p in intent_px if near(p, c, 4)) for i, c in layout["intent_colour"].items()}
    absent_ok = all(counts[i] <= 3 for i in INTENTS if totals[i] == 0)
    present_ok = all(counts[i] >= 20 for i in INTENTS if totals[i] > 0)
    check(absent_ok and present_ok,
          "the intent chart shows each intent with comments and no pixel of those without",
          "pixels per intent %s, totals %s" % (counts, totals))

    # Points: a pixel of the point's colour within 2 px of its centre; each
    # sentiment's colour covers a line's worth of pixels.
    missing = []
    dots = layout["dots"]  # in drawing order
    centre = lambda s: (s["x"] + s["w"] / 2, s["y"] + s["h"] / 2)
    # A point under a later one (equal shares) is hidden; the later one is checked.
    visible = [s for k, s in enumerate(dots)
               if not any(abs(centre(s)[0] - centre(t)[0]) < 5 and abs(centre(s)[1] - centre(t)[1]) < 5
                          for t in dots[k + 1:])]
    for s in visible:
        want = dot_colour(s)
        cx, cy = int(s["x"] + s["w"] / 2), int(s["y"] + s["h"] / 2)
        r = 4 if "few" in s["cls"].split() else 2  # a hollow point's colour is on its ring
        window = [rows[y][x] for y in range(cy - r, cy + r + 1) for x in range(cx - r, cx + r + 1)
                  if 0 <= x < width and 0 <= y < height]
        if not any(near(p, want, 12) for p in window):
            missing.append("%s at %d,%d" % (want, cx, cy))
    check(not missing, "every sentiment point not hidden by another shows its colour at its position (%d of %d points)"
          % (len(visible), len(dots)),
          "; ".join(missing[:3]))
    sentiment_px = inside(layout["sentiment"])
    s_counts = {k: sum(1 for p in sentiment_px if near(p, c, 12)) for k, c in layout["sentiment_colour"].items()}
    # Without a run of buckets thick enough for a line, the rings of the points are all there is.
    need = 20 if layout["runs"] else 5
    check(all(n >= need for n in s_counts.values()), "each sentiment's line is drawn in the sentiment chart",
          "pixels per sentiment %s" % s_counts)


# ---- streams of other spans, long comments and emoji --------------------------------

SHORT_TEXTS = ["多少钱", "有XL吗", "什么时候发货", "颜色好正😂😂", "爱了❤️❤️", "已拍", "面料怎么样",
               "主播好美", "质量太差了", "包邮吗", "有没有黑色", "好看", "能便宜点吗"]
# Longer than the page shows: HTML specials first (the title must hold them
# escaped), then emoji sequences several code points long, so that a cut by
# code points or bytes would split one.
LONG_COMMENT = "<i>\"长评\"</i> & '引号' " + "".join("第%d件❤️👨‍👩‍👧" % i for i in range(40))
EMOJI = ["😂", "❤️"]
# Attached code points: a cut before one of these splits a character.
ATTACHED = {"\ufe0f", "\u200d"} | {chr(c) for c in range(0x1F3FB, 0x1F400)} | {chr(c) for c in range(0x300, 0x370)}


def make_report(app, model, tmp, name, comments):
    """Runs comment-analysis on (t, text) pairs, one user each; returns (page path, page, report) or None."""
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    feed = os.path.join(d, "comments.jsonl")
    with open(feed, "w", encoding="utf-8") as f:
        for k, (t, text) in enumerate(comments):
            f.write(json.dumps({"t": t, "user": "u%d" % k, "text": text}, ensure_ascii=False) + "\n")
    r = subprocess.run([app, "--out", d] + model + [feed], capture_output=True, timeout=300)
    if not check(r.returncode == 0, "comment-analysis writes the report of the %s feed" % name,
                 r.stderr.decode("utf-8", "replace").strip()):
        return None
    raw = open(os.path.join(d, "report.html"), "rb").read()
    try:
        page = raw.decode("utf-8")  # strict: a cut inside a UTF-8 sequence fails here
    except UnicodeDecodeError as e:
        check(False, "the %s page is valid UTF-8" % name, str(e))
        return None
    return os.path.join(d, "report.html"), page, json.load(open(os.path.join(d, "report.json"), encoding="utf-8"))


def bucket_checks(name, page, report, result, want_width, want_label, want_buckets):
    check(report["bucket_s"] == want_width and len(report["buckets"]) == want_buckets,
          "%s: %d buckets of %s s (a round width, at most 30 buckets)" % (name, want_buckets, want_width),
          "bucket_s %s, %d buckets" % (report["bucket_s"], len(report["buckets"])))
    width_line = re.search(r"<p[^>]*id='bucket-width'[^>]*>(.*?)</p>", page)
    check(width_line is not None and ("each bar: " + want_label) in width_line.group(1)
          and ("each bar: " + want_label) in page.split("id='sentiment-chart'")[1],
          "%s: the page states \"each bar: %s\" above the charts and on their axes" % (name, want_label),
          width_line.group(1) if width_line else "no #bucket-width line")
    structure_checks(report, result, name)


def emoji_colour(rows, box):
    """The share of pixels in the box that are clearly coloured (not grey, black or white)."""
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["w"] + 0.999), int(box["y"] + box["h"] + 0.999)
    px = [rows[y][x] for y in range(max(0, y0), min(len(rows), y1)) for x in range(max(0, x0), min(len(rows[0]), x1))]
    coloured = sum(1 for p in px if max(p[:3]) - min(p[:3]) >= 100)
    return coloured / len(px) if px else 0.0


def emoji_checks(shot, result, label):
    _, _, rows = png_decode.read_png(shot)
    for e in EMOJI:
        box = result["found"].get(e)
        share = emoji_colour(rows, box) if box else 0.0
        check(box is not None and share >= 0.15,
              "%s: the emoji %s in a comment is drawn in colour (a colour emoji font)" % (label, ascii(e)),
              "%.0f%% of its box coloured (want 15%%; is fonts-noto-color-emoji installed? tools/setup.sh)" % (100 * share)
              if box else "not found in the page")


def without_emoji_font(tmp):
    """An environment whose fontconfig hides every colour emoji font, as on a machine without one."""
    conf = os.path.join(tmp, "fonts-no-emoji.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
                "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>\n"
                "<selectfont><rejectfont><glob>*Emoji*</glob><glob>*emoji*</glob></rejectfont></selectfont>\n"
                "</fontconfig>\n")
    return dict(os.environ, FONTCONFIG_FILE=conf)


def span_checks(app, model, exe, tmp, out):
    profile = os.path.join(tmp, "profile")

    # 90 seconds: 10 s bars, not a full minute and a sliver; long comments
    # shortened with the full text on hover; emoji in colour.
    # Dense for a minute (6 or 7 comments per 10 s), then thin and gappy.
    dense = [(1.5 * k, SHORT_TEXTS[k % len(SHORT_TEXTS)]) for k in range(40)]
    short = dense + [(45, LONG_COMMENT), (65, "还有货吗"), (80, "爱了❤️"), (90, "下次还来")]
    made = make_report(app, model, tmp, "90-second", short)
    if made:
        page_path, page, report = made
        probe_path = os.path.join(tmp, "90-second", "probed.html")
        open(probe_path, "w", encoding="utf-8").write(with_probe(page, find=EMOJI))
        result, why = probe(exe, profile, probe_path)
        if check(result is not None, "the render probe reports the 90-second page", why):
            bucket_checks("90-second stream", page, report, result, 10, "10 s", 10)
            full = [c["clean"] for c in report["comments"] if "长评" in c["clean"]]
            cut = [c for c in result["cuts"] if full and c["title"] == full[0]]
            shown = cut[0]["text"][:-1] if cut and cut[0]["text"].endswith("…") else None
            check(bool(full) and shown is not None and full[0].startswith(shown) and 0 < len(shown) < len(full[0]),
                  "a long comment is shortened on the page, ending in an ellipsis, its full text (HTML specials "
                  "and all) in the title", "cuts %s" % [(c["text"][:30], c["title"][:30]) for c in result["cuts"][:3]])
            if shown:
                check(full[0][len(shown)] not in ATTACHED and shown[-1] != "\u200d",
                      "the cut falls between whole characters (no emoji split from its selector or ZWJ partner)",
                      "cut before %s" % ascii(full[0][len(shown) - 2:len(shown) + 2]))
            check(all(len(c["title"]) > 60 for c in result["cuts"]),
                  "only long comments are shortened", "cut: %s" % [c["title"] for c in result["cuts"]][:3])
            height = min(12000, int(result["page"]["h"]) + 10)
            shot = os.path.join(out, "screenshot-90s.png")
            rc, _, err = chromium(exe, profile, "file://" + page_path, "--screenshot=" + shot, height=height)
            if check(rc == 0 and os.path.exists(shot), "chromium renders the whole 90-second page", err[-300:]):
                emoji_checks(shot, result, "90-second page")
            # Negative control: the same page where fontconfig offers no colour
            # emoji font must fail the emoji check (grey outlines or boxes).
            bare = os.path.join(tmp, "no-emoji-font.png")
            rc, _, err = chromium(exe, os.path.join(tmp, "profile-no-emoji"), "file://" + page_path,
                                  "--screenshot=" + bare, height=height, env=without_emoji_font(tmp))
            if check(rc == 0 and os.path.exists(bare), "chromium renders the page without an emoji font", err[-300:]):
                expect_caught("no colour emoji font", lambda: emoji_checks(bare, result, "no emoji font"), ["emoji"])

    # 2 hours: 5 min bars (25), not 120 one-minute slivers.
    long_stream = [(60 * k, SHORT_TEXTS[k % len(SHORT_TEXTS)]) for k in range(121)]
    made = make_report(app, model, tmp, "2-hour", long_stream)
    if made:
        page_path, page, report = made
        probe_path = os.path.join(tmp, "2-hour", "probed.html")
        open(probe_path, "w", encoding="utf-8").write(with_probe(page))
        result, why = probe(exe, profile, probe_path)
        if check(result is not None, "the render probe reports the 2-hour page", why):
            bucket_checks("2-hour stream", page, report, result, 300, "5 min", 25)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.split("usage: ")[1].split("\n")[0], file=sys.stderr)
        return 2
    app, repo = sys.argv[1], os.path.abspath(sys.argv[2])
    exe = find_chromium()
    if exe is None:
        print("SKIP: chromium is not installed (tools/setup.sh installs Debian's chromium; "
              "LIVEFORMER_CHROMIUM=PATH picks another)")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="liveformer_report_render.")
    out = os.path.abspath(sys.argv[3]) if len(sys.argv) == 4 else os.path.join(tmp, "out")
    os.makedirs(out, exist_ok=True)
    try:
        return run(app, repo, exe, tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(app, repo, exe, tmp, out):
    # The demo model on the demo feed gives a report with real variety; the
    # random tiny model serves where the demo model is absent.
    demo = os.path.join(repo, "models", "liveformer-demo-zh.gguf")
    if os.path.exists(demo):
        model = ["--model", demo]
        feed = os.path.join(repo, "examples", "data", "comments.jsonl")
    else:
        model = ["--model", os.path.join(repo, "tests", "data", "models", "qwen2"), "--ctx", "1024"]
        feed = os.path.join(repo, "tests", "data", "apps", "comments.jsonl")
    r = subprocess.run([app, "--out", out] + model + [feed], capture_output=True, timeout=300)
    if not check(r.returncode == 0, "comment-analysis writes the report (%s)" % os.path.basename(feed),
                 r.stderr.decode("utf-8", "replace").strip()):
        return 1
    page_path = os.path.join(out, "report.html")
    page = open(page_path, encoding="utf-8").read()
    report = json.load(open(os.path.join(out, "report.json"), encoding="utf-8"))

    # Static: no URL the browser could fetch, in any attribute or CSS.
    external = re.findall(r"""(?:\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?!#|data:)[^\s"'>]+)"""
                          r"""|url\(\s*["']?\s*(?!#|data:)|@import|https?://|\bwss?://""", page, re.I)
    check(not external, "report.html names no external resource", ", ".join(external[:5]))

    profile = os.path.join(tmp, "profile")
    shot = os.path.join(out, "screenshot.png")
    rc, _, err = chromium(exe, profile, "file://" + page_path, "--screenshot=" + shot)
    if not check(rc == 0 and os.path.exists(shot), "chromium renders report.html to a screenshot",
                 "exit %d: %s" % (rc, err.strip().splitlines()[-1:])):
        return 1
    console = console_lines(err)
    check(not console, "loading report.html logs nothing to the console", "; ".join(console[:5]))

    probe_path = os.path.join(tmp, "probed.html")
    open(probe_path, "w", encoding="utf-8").write(with_probe(page))
    result, why = probe(exe, profile, probe_path)
    if not check(result is not None, "the render probe reports the page's layout", why):
        return 1
    ok, layout = structure_checks(report, result, "report.html")
    if layout is not None:
        pixel_checks(report, shot, layout)

    # Negative controls: the same checks must catch a script error, an
    # external image and missing bars (in the DOM), and charts laid out but
    # not painted (in the screenshot).
    broken = with_probe(page, "<script>notDefinedAnywhere();</script>")
    broken = broken.replace("</h1>", "</h1><img src='https://example.invalid/logo.png' alt=''>", 1)
    broken = re.sub(r"(<svg id='intent-chart'.*?</svg>)", lambda m: m.group(1).replace("<rect ", "<g "), broken, flags=re.S)
    # ... and the per-minute page's habits: shares without counts, thin buckets drawn like full ones.
    broken = re.sub(r"<text[^>]*class='count'[^>]*>\d+</text>", "", broken)
    broken = re.sub(r"(<title>[^<]*?: \d+) of \d+", r"\1", broken)
    broken = re.sub(r"class='few' fill='#fff' stroke='(#\w+)'", r"fill='\1' stroke='\1'", broken)
    broken_path = os.path.join(tmp, "broken.html")
    open(broken_path, "w", encoding="utf-8").write(broken)
    bad, why = probe(exe, profile, broken_path)
    if check(bad is not None, "the probe reports on a broken copy of the page", why):
        expect_caught("script error, external image, no bars", lambda: structure_checks(report, bad, "broken copy"),
                      ["errors", "blocked", "one bar per", "comment count above", "tooltip gives its count", "are hollow"])
    unpainted_path = os.path.join(tmp, "unpainted.html")
    open(unpainted_path, "w", encoding="utf-8").write(
        page.replace("</style>", ".chart rect,.chart circle,.chart polyline{opacity:0}</style>", 1))
    unpainted_shot = os.path.join(tmp, "unpainted.png")
    rc, _, err = chromium(exe, profile, "file://" + unpainted_path, "--screenshot=" + unpainted_shot)
    if layout is not None and check(rc == 0 and os.path.exists(unpainted_shot), "chromium renders an unpainted copy",
                                    "exit %d" % rc):
        expect_caught("shapes laid out but transparent", lambda: pixel_checks(report, unpainted_shot, layout),
                      ["every bar", "shows each intent", "sentiment point", "sentiment's line"])

    span_checks(app, model, exe, tmp, out)

    print("report render: %d failed" % len(failures) + ("" if failures else ", all passed") + "; screenshot " + shot)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
