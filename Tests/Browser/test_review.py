"""The page `trawl review` writes, in a real headless Chromium: the owner filter lists the
accounts that own files (the `permissions` of the report's entries; an archive member is owned
as its archive) and shows only their files.

The report is written here as text: which file belongs to whom is planted, not read from Trawl."""
import json
import pathlib
import shutil
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from desk import browser, trawl, wait


def entry(path, owner=None, members=None, level="Restricted", findings=1):
    data = {"path": {"text": path}, "size": 10, "outcome": "scanned", "level": level, "reasons": [],
            "findings": [{"type": "email", "pattern": "email", "level": level, "confidence": "high",
                          "location": {"offset": 0, "line": 1}, "masked": "a***@x.uk",
                          "fingerprint": f"hmac-sha256:k1:{path}{i}", "evidence": []} for i in range(findings)]}
    if members:
        data["members"] = [{"text": m} for m in members]
    if owner:
        data["permissions"] = {"owner": owner, "group": "staff", "mode": "0640", "readers": [f"user:{owner}"], "acl": False}
    return {"type": "file", "data": data}


def test_the_owner_filter_shows_only_that_accounts_files():
    work = pathlib.Path(tempfile.mkdtemp(prefix="trawl-review-"))
    driver = None
    try:
        records = [
            {"type": "begin", "data": {"schema": "trawl.report/1", "tool": "trawl", "started": "2026-12-07T01:00:00Z",
                                       "roots": [{"text": "/srv/share"}], "options": {}, "patterns": {"id": "p", "name": "p"},
                                       "policy": {"id": "q", "name": "q"}, "key_id": "k1"}},
            entry("/srv/share/hr/staff.csv", owner="hr.admin"),
            entry("/srv/share/hr/payroll.zip", owner="hr.admin", findings=0),
            entry("/srv/share/hr/payroll.zip", members=["march.csv"]),
            entry("/srv/share/it/plan.txt", owner="it.admin"),
            entry("/srv/share/it/clean.txt", level="Public", findings=0),
        ]
        report = work / "r.json"
        report.write_text("".join(json.dumps(r) + "\n" for r in records))
        page = work / "review.html"
        trawl("review", report, "-o", page)

        driver = browser()
        driver.get(page.as_uri())
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tr.file")) == 5)
        owners = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#f-owner option")]
        assert owners == ["", "hr.admin", "it.admin"], owners

        Select(driver.find_element(By.ID, "f-owner")).select_by_value("hr.admin")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tr.file")) == 3)
        shown = sorted(tr.find_elements(By.TAG_NAME, "td")[0].text for tr in driver.find_elements(By.CSS_SELECTOR, "#rows tr.file"))
        assert shown == ["/srv/share/hr/payroll.zip", "/srv/share/hr/payroll.zip!/march.csv", "/srv/share/hr/staff.csv"], shown

        Select(driver.find_element(By.ID, "f-owner")).select_by_value("it.admin")
        wait(driver, lambda d: [tr.find_elements(By.TAG_NAME, "td")[0].text for tr in d.find_elements(By.CSS_SELECTOR, "#rows tr.file")]
             == ["/srv/share/it/plan.txt"])
        driver.find_element(By.CSS_SELECTOR, "#rows tr.file").click()
        wait(driver, lambda d: "Owner: it.admin" in d.find_element(By.CSS_SELECTOR, "#rows tr.detail").text)
    finally:
        if driver:
            driver.quit()
        shutil.rmtree(work, ignore_errors=True)
