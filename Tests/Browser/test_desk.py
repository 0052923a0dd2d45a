"""The review desk in a real headless Chromium, driving `trawl serve` on loopback: log in with the
printed token, filter, decide that a folder's findings are false positives, see the decision kept
after serve restarts, and kept by the next scan after a file in the folder moved.

The share is Samples/ copied into two folders; what the test expects (which folder, which file)
comes from that layout, not from Trawl's output. Screenshots of the parts of the page shown in
docs/review.md go to $TRAWL_SCREENSHOTS when set (TRAWL_SCREENSHOTS=docs/images renews them)."""
import json
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from desk import ROOT, Server, browser, log_in, rows, trawl, wait


def screenshot(driver, name, part=None):
    """The element with id `part` (the whole window when None) as NAME.png: a part of the page
    keeps the picture small and about one thing."""
    folder = os.environ.get("TRAWL_SCREENSHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        path = os.path.join(folder, name + ".png")
        if part:
            driver.find_element(By.ID, part).screenshot(path)
        else:
            driver.save_screenshot(path)
        # Fewer colours, a third of the bytes, the same picture to the eye (pngquant, when installed).
        if shutil.which("pngquant"):
            subprocess.run(["pngquant", "--force", "--quality", "60-90", "--strip", "--output", path, path], check=False)


def apply_filters(driver, **values):
    before = driver.find_element(By.ID, "rows").get_attribute("data-loads")
    for field in ("f-level", "f-decided", "f-owner"):
        Select(driver.find_element(By.ID, field)).select_by_value(values.get(field, ""))
    folder = driver.find_element(By.ID, "f-folder")
    folder.clear()
    folder.send_keys(values.get("f-folder", ""))
    driver.find_element(By.ID, "apply").click()
    wait(driver, lambda d: d.find_element(By.ID, "rows").get_attribute("data-loads") != before)
    return [[c.text for c in r] for r in rows(driver)]


def test_desk_decides_on_a_folder_and_the_decision_sticks():
    work = pathlib.Path(tempfile.mkdtemp(prefix="trawl-desk-"))
    server = driver = None
    try:
        share, reports, store, key = work / "share", work / "reports", work / "decisions.db", work / "key"
        shutil.copytree(ROOT / "Samples" / "text", share / "hr")
        shutil.copytree(ROOT / "Samples" / "tables", share / "tables")
        reports.mkdir()
        # Scanned as "share" from the folder above it: the report and the page name it by its
        # absolute path (the working directory's, as getcwd gives it).
        trawl("scan", "share", "-o", reports / "1-monday.json", "--key-file", key, "--quiet", cwd=work)
        hr_folder = os.path.realpath(share / "hr")
        (reports / "0-broken.json").write_text("this is not a report\n")

        server = Server(reports, store)
        driver = browser()
        # Without the token the API answers 401 and the page asks for it.
        driver.get(server.url)
        wait(driver, lambda d: d.find_element(By.ID, "login").is_displayed())
        log_in(driver, server)
        assert driver.find_element(By.ID, "who").text == "dpo"
        screenshot(driver, "desk-files", "files")

        # The owner filter: the account that owns the copied files (this test's), recorded in the
        # report for each file with findings; files without findings have no owner recorded.
        me = pwd.getpwuid(os.getuid()).pw_name
        everything = apply_filters(driver)
        mine = apply_filters(driver, **{"f-owner": me})
        assert mine and all(r[5] == me and r[2] != "0" for r in mine), mine
        assert len(mine) == len([r for r in everything if r[2] != "0"]), "every file with findings is owned by the test's account"
        screenshot(driver, "desk-owner", "files")

        restricted = apply_filters(driver, **{"f-level": "Restricted"})
        assert restricted and all(r[0] == "Restricted" for r in restricted)
        hr = apply_filters(driver, **{"f-folder": hr_folder, "f-decided": "no"})
        assert hr and all(hr_folder in r[1] for r in hr)
        hr_with_findings = [r for r in hr if r[2] != "0"]
        assert hr_with_findings

        # Open a file in hr/, decide on the folder: false positive.
        target = next(tr for tr in driver.find_elements(By.CSS_SELECTOR, "#rows tr") if tr.find_elements(By.TAG_NAME, "td")[2].text != "0")
        target.click()
        wait(driver, lambda d: d.find_element(By.ID, "d-submit").is_displayed())
        masked = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#findings td.value")]
        assert masked and all("*" in v for v in masked), masked
        Select(driver.find_element(By.ID, "d-scope")).select_by_value("folder")
        assert driver.find_element(By.ID, "d-folder").get_attribute("value") == hr_folder
        Select(driver.find_element(By.ID, "d-kind")).select_by_value("false_positive")
        driver.find_element(By.ID, "d-reason").send_keys("test data from the MIS supplier")
        driver.find_element(By.ID, "d-submit").click()
        wait(driver, lambda d: "Recorded" in d.find_element(By.ID, "d-message").text)
        screenshot(driver, "desk-decision", "panel")
        undecided = apply_filters(driver, **{"f-folder": hr_folder, "f-decided": "no"})
        assert [r for r in undecided if r[2] != "0"] == [], "every finding under hr/ is decided"
        decided = apply_filters(driver, **{"f-folder": hr_folder, "f-decided": "yes"})
        assert len(decided) == len(hr_with_findings)

        # Restarted with a new token: the decision is still there, and recorded as the token's user.
        server.stop()
        server = Server(reports, store)
        log_in(driver, server)
        assert len(apply_filters(driver, **{"f-folder": hr_folder, "f-decided": "yes"})) == len(hr_with_findings)
        driver.find_element(By.ID, "tab-decisions").click()
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#decision-rows tr")) == 1)
        cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#decision-rows td")]
        assert cells[1] == "false_positive" and cells[4] == "dpo" and "stale" not in cells[2]
        screenshot(driver, "desk-decisions", "decisions")
        driver.find_element(By.ID, "tab-runs").click()
        wait(driver, lambda d: "not a Trawl report" in d.find_element(By.ID, "run-rows").text)

        # A file in the folder moves (renamed, in a subfolder); the next scan keeps the decision.
        (share / "hr" / "2025").mkdir()
        (share / "hr" / "hr-record.txt").rename(share / "hr" / "2025" / "hr-record-old.txt")
        trawl("scan", "share", "-o", reports / "2-tuesday.json", "--key-file", key, "--decisions", store, "--quiet", cwd=work)
        report = [json.loads(l) for l in (reports / "2-tuesday.json").read_text().splitlines() if l]
        moved = next(r["data"] for r in report if r["type"] == "file" and r["data"]["path"].get("text", "").endswith("2025/hr-record-old.txt"))
        assert moved["findings"] and all(f["decision"]["decision"] == "false_positive" for f in moved["findings"])
        driver.find_element(By.ID, "tab-files").click()
        driver.refresh()
        wait(driver, lambda d: "2-tuesday.json" in d.find_element(By.ID, "f-run").get_attribute("value"))
        new = apply_filters(driver, **{"f-folder": hr_folder, "f-decided": "yes"})
        assert any(r[1].endswith("2025/hr-record-old.txt") for r in new)
        screenshot(driver, "desk-after-move", "files")

        # The Runs tab compares Monday with Tuesday: the move, and the decision taken between.
        driver.find_element(By.ID, "tab-runs").click()
        wait(driver, lambda d: d.find_element(By.ID, "cmp-new").get_attribute("value") == "2-tuesday.json")
        driver.find_element(By.ID, "compare").click()
        wait(driver, lambda d: d.find_elements(By.ID, "cmp-totals"))
        text = driver.find_element(By.ID, "comparison").text
        assert f"{hr_folder}/hr-record.txt → {hr_folder}/2025/hr-record-old.txt" in text, text
        assert "Decisions between the two runs (1)" in text and "dpo decided" in text, text
        screenshot(driver, "desk-compare", "runs")

        # The same comparison as the page `trawl diff --format html` writes, through its link.
        driver.get(driver.find_element(By.ID, "cmp-html").get_attribute("href"))
        wait(driver, lambda d: d.find_elements(By.ID, "moved"))
        moved = driver.find_element(By.ID, "moved").text
        assert f"{hr_folder}/hr-record.txt" in moved and f"{hr_folder}/2025/hr-record-old.txt" in moved, moved
        assert "dpo" in driver.find_element(By.ID, "decisions-between").text
        screenshot(driver, "desk-diff-page")
    finally:
        if driver:
            driver.quit()
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
