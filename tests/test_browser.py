"""The demo page in a real browser: headless Chromium opens it, submits a seed article, finds the officials
highlighted and listed. Needs Debian's chromium and chromium-driver (installed by .ci/run)."""

import shutil
import threading
import time

import httpx
import pytest
import uvicorn

from bench.server import free_port
from model.bundled import BUNDLED_MODEL_DIR
from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings
from tests.conftest import ROOT

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="Debian chromium and chromium-driver are not installed"
)


@pytest.fixture(scope="module")
def server_url():
    extractor = Extractor.load(BUNDLED_MODEL_DIR, device="cpu")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ServeSettings(), extractor=extractor), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(url + "/readyz").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_demo_page_highlights_the_officials_of_a_seed(server_url, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    seed = ROOT.parent / "shared" / "seeds" / "000_fae49a7e27421ae9.txt"
    text = seed.read_text(encoding="utf-8") if seed.exists() else None
    if text is None:
        pytest.skip("the seed articles are not beside the checkout")
    browser.get(server_url + "/")
    area = browser.find_element(By.ID, "input")
    browser.execute_script("arguments[0].value = arguments[1];", area, text)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "mark[data-label='PERSON']")))
    persons = {
        m.text.split("\n")[0].replace("PERSON", "").strip()
        for m in browser.find_elements(By.CSS_SELECTOR, "mark[data-label='PERSON']")
    }
    assert {"冯忠华", "孙志洋"} <= persons
    officials_table = browser.find_element(By.CSS_SELECTOR, "table.facts[data-kind^='官员']").text
    assert "冯忠华" in officials_table and "市委书记" in officials_table
