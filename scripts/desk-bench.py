#!/usr/bin/env python3
"""Times the review desk (`trawl serve`) on a generated report of many files, in a real headless
Chromium: from starting serve and logging in at once to the first page of files (the report is
read meanwhile); from logging in, once serve has read the report, to the first page; and the time
to show a filtered page (level, type and folder; then with "without a decision") and the next page.
Set TRAWL_BINARY to time a release build.
Writes nothing but a temporary folder; prints the figures for docs/review.md.

    scripts/desk-bench.py [--files 200000]
"""
import argparse
import json
import pathlib
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Browser"))
from desk import Server, browser, log_in  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

TYPES = ["uk.nino", "email", "uk.phone", "dob", "uk.postcode", "uk.bank.account", "person.name"]
LEVELS = ["Public", "Internal", "Restricted", "Confidential"]


def generate(path, files, seed=7):
    rnd = random.Random(seed)
    with open(path, "w") as out:
        out.write(json.dumps({"type": "begin", "data": {
            "schema": "trawl.report/1", "tool": "trawl desk-bench", "started": "2026-12-07T01:00:00.000Z",
            "roots": [{"text": "/srv/share"}], "options": {}, "patterns": {"id": "p", "name": "bench"},
            "policy": {"id": "q", "name": "bench"}, "key_id": "bench"}}) + "\n")
        for i in range(files):
            dept = f"dept{i % 40:02d}"
            folder = f"/srv/share/{dept}/team{(i // 40) % 25:02d}/year{(i // 1000) % 8}"
            n = rnd.choice([0, 0, 0, 1, 1, 2, 3, 5])
            findings = []
            for j in range(n):
                t = rnd.choice(TYPES)
                findings.append({"type": t, "pattern": t, "level": "Restricted", "confidence": "high",
                                 "location": {"offset": j * 40, "line": j + 1}, "masked": "AB******C",
                                 "fingerprint": f"hmac-sha256:bench:{rnd.getrandbits(128):032x}", "evidence": []})
            level = "Public" if n == 0 else rnd.choice(LEVELS[1:])
            out.write(json.dumps({"type": "file", "data": {
                "path": {"text": f"{folder}/file{i:06d}.txt"}, "size": 1000 + i, "format": "text", "outcome": "scanned",
                "level": level, "reasons": [], "findings": findings, "content_id": f"hmac-sha256:bench:{i:064x}"}}) + "\n")


def timed_filter(driver, **values):
    before = driver.find_element(By.ID, "rows").get_attribute("data-loads")
    for field, value in values.items():
        element = driver.find_element(By.ID, field)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)
    start = time.monotonic()
    driver.find_element(By.ID, "apply").click()
    while driver.find_element(By.ID, "rows").get_attribute("data-loads") == before:
        time.sleep(0.005)
    return time.monotonic() - start, driver.find_element(By.ID, "count").text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200_000)
    args = ap.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="trawl-desk-bench-"))
    server = driver = None
    try:
        (work / "reports").mkdir()
        report = work / "reports" / "big.json"
        generate(report, args.files)
        print(f"report: {args.files} files, {report.stat().st_size / 1e6:.0f} MB")
        driver = browser()
        start = time.monotonic()
        server = Server(work / "reports", work / "decisions.db")
        log_in(driver, server)
        print(f"serve started and logged in at once, to the first page: {time.monotonic() - start:.2f} s")
        server.stop()
        server = Server(work / "reports", work / "decisions.db")
        print(server.wait_ready())
        start = time.monotonic()
        log_in(driver, server)
        first = time.monotonic() - start
        print(f"log in to first page (run already read): {first:.2f} s; {driver.find_element(By.ID, 'count').text}")
        page_bytes = driver.execute_script("return document.documentElement.outerHTML.length")
        print(f"page size after the first page: {page_bytes / 1e3:.0f} kB")
        for label, values in [
            ("level Restricted", {"f-level": "Restricted"}),
            ("level + type uk.nino + folder", {"f-type": "uk.nino", "f-folder": "/srv/share/dept07"}),
            ("+ without a decision", {"f-decided": "no"}),
        ]:
            seconds, count = timed_filter(driver, **values)
            print(f"filter {label}: {seconds:.3f} s; {count}")
        start = time.monotonic()
        before = driver.find_element(By.ID, "rows").get_attribute("data-loads")
        driver.find_element(By.ID, "next").click()
        while driver.find_element(By.ID, "rows").get_attribute("data-loads") == before:
            time.sleep(0.005)
        print(f"next page: {time.monotonic() - start:.3f} s")
    finally:
        if driver:
            driver.quit()
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
