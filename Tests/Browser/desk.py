"""Helpers for driving `trawl serve` in a real headless Chromium: start the built binary on
loopback, read the address and access token it prints, and open a browser through Debian's
chromium-driver (SE_OFFLINE=true: Selenium never tries to download a driver)."""
import os
import pathlib
import shutil
import signal
import subprocess
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRAWL = pathlib.Path(os.environ.get("TRAWL_BINARY", ROOT / ".build" / "debug" / "trawl"))
os.environ.setdefault("SE_OFFLINE", "true")


def trawl(*args, check=True, cwd=None):
    r = subprocess.run([str(TRAWL), *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd)
    if check and r.returncode > 1:
        raise AssertionError(f"trawl {' '.join(map(str, args))}: {r.returncode}\n{r.stderr}")
    return r


class Server:
    """`trawl serve` on 127.0.0.1 with a free port; stopped with SIGTERM."""

    def __init__(self, reports, decisions, user="dpo"):
        self.proc = subprocess.Popen(
            [str(TRAWL), "serve", "--reports", str(reports), "--decisions", str(decisions), "--port", "0", "--user", user],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.token = None
        deadline = time.monotonic() + 60
        while (self.url is None or self.token is None) and time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("serve stopped: " + self.proc.stderr.read())
            if line.startswith("trawl serve: http"):
                self.url = line.split(": ", 1)[1].strip()
            elif "access token" in line:
                self.token = line.split("access token ", 1)[1].split()[0]
        assert self.url and self.token, "serve printed no address and token"
        assert self.url.startswith("http://127.0.0.1:"), self.url

    def wait_ready(self, seconds=600):
        """Waits until serve says it has read the latest run; returns that line."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("serve stopped: " + self.proc.stderr.read())
            if line.startswith("trawl serve: read "):
                return line.strip()
        raise AssertionError("serve did not read its latest run in time")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(a)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def wait(driver, condition, seconds=60):
    # The page redraws what it shows (a message, a table) as answers arrive: an element looked up
    # just before it is redrawn goes stale, and the condition is asked again, as for one not there yet.
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException]).until(condition)


def log_in(driver, server):
    driver.get(server.url)
    wait(driver, EC.visibility_of_element_located((By.ID, "token")))
    driver.find_element(By.ID, "token").send_keys(server.token)
    driver.find_element(By.ID, "login-button").click()
    wait(driver, lambda d: d.find_element(By.ID, "count").text.strip() != "")


def rows(driver):
    return [tr.find_elements(By.TAG_NAME, "td") for tr in driver.find_elements(By.CSS_SELECTOR, "#rows tr")]
