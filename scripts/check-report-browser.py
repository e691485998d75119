#!/usr/bin/env python3
"""report.html in a real browser: headless Chromium loads pages written by
`metasae analyze` from disk, with the network disabled, and this checks
that their scripts ran without an error, that a card opened by its URL
fragment shows its images (or says the file has none), and writes a
screenshot.

    scripts/check-report-browser.py [METASAE] [SCREENSHOT]

METASAE defaults to .build/debug/metasae, SCREENSHOT to report-browser.png
in a scratch folder (printed). Exits 0 with a message when Chromium is not
installed (Debian: apt-get install chromium).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def load(browser, page, fragment, profile, screenshot=None):
    """The DOM after the page's scripts ran (or the screenshot), with every network route closed."""
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
               # Nothing may leave the machine: no proxy answers, no name resolves.
               "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--virtual-time-budget=10000", "--window-size=1400,1000"]
    command += ["--screenshot=" + screenshot] if screenshot else ["--dump-dom"]
    url = "file://" + os.path.abspath(page) + fragment
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"FAIL chromium exited {result.returncode} on {url}:\n{result.stderr[-2000:]}")
    return result.stdout


def check(browser, metasae, fixture, fragment, card, scratch, expect_images):
    name = os.path.splitext(os.path.basename(fixture))[0]
    out = os.path.join(scratch, name)
    subprocess.run([metasae, "analyze", fixture, "--out", out, "--null-seeds", "0", "--quiet"], check=True)
    page = os.path.join(out, "report.html")
    dom = load(browser, page, fragment, os.path.join(scratch, "profile"))
    body = re.search(r"<body[^>]*>", dom)
    failures = []
    if not body or 'data-page-ready="ok"' not in body.group(0):
        failures.append("the page's script did not finish")
    errors = re.search(r'data-errors="([^"]*)"', dom)
    if errors:
        failures.append("script errors or blocked requests: " + errors.group(1))
    article = re.search(r'<article id="' + card + r'"[^>]*>', dom)
    if not article:
        failures.append(f"the fragment {fragment} opened no card {card}")
    else:
        shown = re.search(r'data-images-shown="(\d+)"', article.group(0))
        count = int(shown.group(1)) if shown else -1
        if expect_images and count < 1:
            failures.append(f"card {card} shows {count} images")
        if not expect_images and (count != 0 or "stores no images" not in dom):
            failures.append(f"card {card} should say the file stores no images")
    label = f"{os.path.basename(fixture)}{fragment}"
    if failures:
        print(f"FAIL {label}: " + "; ".join(failures))
        return False, page
    print(f"ok   {label}: script ran without errors, card {card} " + ("shows its images" if expect_images else "says there are no images"))
    return True, page


def main(argv):
    metasae = argv[1] if len(argv) > 1 else os.path.join(ROOT, ".build/debug/metasae")
    browser = chromium()
    if browser is None:
        print("SKIP report.html browser check: Chromium is not installed (Debian: apt-get install chromium)")
        return 0
    scratch = tempfile.mkdtemp(prefix="metasae-browser-")
    screenshot = argv[2] if len(argv) > 2 else os.path.join(scratch, "report-browser.png")
    fixtures = os.path.join(ROOT, "Tests/Fixtures")
    passed, page = check(browser, metasae, os.path.join(fixtures, "browser/browser.h5"), "#d1/l3", "card-d1-l3", scratch, True)
    ok, _ = check(browser, metasae, os.path.join(fixtures, "diagnostics/diagnostics.h5"), "#d2/l1", "card-d2-l1", scratch, False)
    passed = passed and ok
    load(browser, page, "#d1/l3", os.path.join(scratch, "profile"), screenshot=screenshot)
    if not os.path.getsize(screenshot):
        print("FAIL no screenshot written")
        passed = False
    else:
        print(f"wrote {screenshot}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
