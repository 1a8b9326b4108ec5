"""The step-through page in a real headless browser: Chromium and its driver from Debian's
packages, driven by Selenium (.ci/run installs them where missing; never skipped).

Nothing is downloaded: the driver is named by its path, so Selenium Manager stays idle.
Set NEUROGRAPH_SCREENSHOTS to a folder to keep the screenshots (the README's comes from here).
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import neurograph as ng
from neurograph.numbers import format_number
from neurograph.teaching.lectures import forward_network
from support import dags_with_example

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), \
        "the browser tests need Chromium: apt-get install chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1200,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_page(browser, path):
    browser.get(path.as_uri())
    browser.get_log("performance")  # forget what loading the file itself logged
    return browser


def press(browser, action, times=1):
    from selenium.webdriver.common.by import By
    button = browser.find_element(By.CSS_SELECTOR, f"[data-action='{action}']")
    for _ in range(times):
        button.click()


def highlighted(browser):
    return browser.execute_script(
        "return [...document.querySelectorAll('.neuron.current')]"
        ".map(e => Number(e.dataset.id.split('-')[1])).sort((a, b) => a - b)")


def shown(browser, kind):
    """{j: the number displayed} of the a_j (kind "value") or Δ_j ("delta") labels."""
    texts = browser.execute_script(
        f"return Object.fromEntries([...document.querySelectorAll(\"[data-id^='{kind}-']\")]"
        f".map(e => [e.dataset.id.split('-')[1], e.textContent]))")
    return {int(j): text.split(" = ")[1] for j, text in texts.items() if text}


def requests_made(browser):
    """Network requests the page made after loading: the DevTools log and the page's own."""
    logged = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    sent = [m["params"]["request"]["url"] for m in logged
            if m["method"] == "Network.requestWillBeSent"]
    return sent + browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")


def test_each_press_of_next_shows_the_next_step_on_the_picture(tmp_path, browser):
    net = forward_network()
    explanation = net.explain([3, 4], [1], lr=0.5)
    path = explanation.save(tmp_path / "steps.html")
    open_page(browser, path)
    assert browser.title == "Forward and backpropagation, step by step"
    assert highlighted(browser) == [] and shown(browser, "value") == {}
    # the engine's values, as printed to the explanation's 4 decimal places
    net.forward([3, 4])
    net.backward([1])
    a = {j: format_number(net.neuron(j).a, 4) for j in (1, 2, 3, 4, 5)}
    delta = {j: format_number(net.neuron(j).delta, 4) for j in (3, 4, 5)}
    names = [step.name for step in explanation.steps]
    for k, name in enumerate(names, start=1):
        press(browser, "next")
        step = explanation.steps[k - 1]
        if name.startswith(("a_", "in_", "Δ_")) and name != "a_0":
            assert highlighted(browser) == [int(name.split("_")[1])], name
        if name == "ℓ":
            assert highlighted(browser) == [5]
        values, deltas = shown(browser, "value"), shown(browser, "delta")
        done = names[:k]
        assert values == {j: a[j] for j in a if f"a_{j}" in done} | (
            {int(name[3:]): format_number(step.value, 4)} if name.startswith("in_") else {})
        assert deltas == {j: delta[j] for j in delta if f"Δ_{j}" in done}
        formula = browser.execute_script("return document.querySelector('.formula').textContent")
        # the page sets the subscripts as <sub>: in_3 reads "in3" as text
        assert formula == re.sub(r"_(\d+(?:,\d+)?)", r"\1", step.text(explanation.precision))
    # the update: the new weights on the edges
    assert browser.execute_script(
        "return document.querySelector(\"[data-id='weight-4-5']\").textContent") == \
        format_number(explanation.values["w_4,5"], 4)
    if os.environ.get("NEUROGRAPH_SCREENSHOTS"):
        press(browser, "start")
        press(browser, "next", names.index("Δ_3") + 1)
        browser.save_screenshot(str(Path(os.environ["NEUROGRAPH_SCREENSHOTS"])
                                    / "step_through.png"))
    assert browser.save_screenshot(str(tmp_path / "end.png"))
    assert (tmp_path / "end.png").stat().st_size > 10_000
    assert requests_made(browser) == []


def test_back_undoes_each_step(tmp_path, browser):
    explanation = forward_network().explain([3, 4], [1], lr=0.5)
    open_page(browser, explanation.save(tmp_path / "steps.html"))
    states = []
    for _ in range(len(explanation.steps)):
        states.append((highlighted(browser), shown(browser, "value"), shown(browser, "delta")))
        press(browser, "next")
    for state in reversed(states):
        press(browser, "back")
        assert (highlighted(browser), shown(browser, "value"), shown(browser, "delta")) == state
    from selenium.webdriver.common.keys import Keys
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert browser.execute_script("return document.querySelector('.neurograph-steps')"
                                  ".dataset.step") == "3"
    body.send_keys(Keys.ARROW_LEFT)
    assert shown(browser, "value") == {1: "3"}


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(example=dags_with_example())
def test_on_random_dags_the_page_shows_the_engines_values(tmp_path_factory, browser, example):
    net, x, y = example
    explanation = net.explain(x, y, lr=0.5)
    path = explanation.save(tmp_path_factory.mktemp("page") / "dag.html")
    open_page(browser, path)
    press(browser, "end")
    net.forward(x)
    net.backward(y)
    assert shown(browser, "value") == {j: format_number(net.neuron(j).a, 4)
                                       for j in net.graph if j != 0}
    assert shown(browser, "delta") == {j: format_number(net.neuron(j).delta, 4)
                                       for j in net.hidden + net.outputs}
    press(browser, "start")
    press(browser, "next", len(explanation.steps) // 2)
    scene_step = explanation.steps[len(explanation.steps) // 2 - 1]
    if scene_step.name.startswith(("a_", "in_", "Δ_")) and scene_step.name != "a_0":
        assert highlighted(browser) == [int(scene_step.name.split("_")[1])]
    assert requests_made(browser) == []


def test_hostile_titles_and_symbols_are_shown_not_run(tmp_path, browser):
    from selenium.common.exceptions import NoAlertPresentException
    evil = '</script><script>alert("symbol")</script><img src=x onerror=alert(1)>'
    act = ng.Activation("doubled", g=lambda z: 2 * z, dg=lambda z: 2.0 + 0 * z, symbol=evil)
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}, activation=act)
    title = '<b onclick="x">Title</b> & "quotes" </title><script>alert(2)</script>'
    explanation = net.explain([1.5], [1], lr=0.1)
    html = explanation.to_html(title=title)
    assert "<script>alert" not in html and "<img" not in html and "<b " not in html
    path = tmp_path / "evil.html"
    path.write_text(html)
    open_page(browser, path)
    assert browser.title == title
    names = [step.name for step in explanation.steps]
    press(browser, "next", names.index("a_2") + 1)  # a_2 = g(in_2) = <the symbol>(…)
    formula = browser.execute_script("return document.querySelector('.formula').textContent")
    assert evil in formula
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert requests_made(browser) == []


def test_the_command_line_writes_the_page(tmp_path, browser):
    from neurograph.cli import main
    net_path = forward_network().save(tmp_path / "net.json")
    page = tmp_path / "steps.html"
    assert main(["explain", str(net_path), "--x", "3", "4", "--y", "1", "--lr", "0.5",
                 "--format", "html", "-o", str(page)]) == 0
    open_page(browser, page)
    press(browser, "next", 9)
    assert highlighted(browser) == [5] and shown(browser, "value")[5] == "0.8232"


def test_jupyter_shows_the_same_block(browser, tmp_path):
    explanation = forward_network().explain([3, 4])
    block = explanation._repr_html_()
    assert block.startswith('<div class="neurograph-steps"') and "<html" not in block
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body><p>a cell</p>{block}</body></html>")
    open_page(browser, path)
    press(browser, "end")
    assert shown(browser, "value")[5] == "0.8232"


def test_the_request_check_sees_a_page_that_fetches(tmp_path, browser):
    """The control for the checks above: a page with an image from elsewhere is caught."""
    path = tmp_path / "fetching.html"
    path.write_text('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
                    "</body></html>")
    open_page(browser, path)
    browser.execute_script("const i = new Image(); i.src = 'http://127.0.0.1:9/y.png'; "
                           "document.body.append(i);")
    assert any(url.startswith("http://127.0.0.1:9/") for url in requests_made(browser))


def test_the_self_check_page_marks_a_right_value_and_names_a_mistake(tmp_path, browser):
    """The exercise's self-check page (issue 26): ✓, the mistake a value matches, or not one
    of the usual mistakes; a decimal comma is read; nothing is fetched."""
    from selenium.webdriver.common.by import By
    ex = ng.exercise(kind="backprop", seed=7, title="Quiz 3", course="CS 457")
    path = ex.save(tmp_path / "self_check.html")
    open_page(browser, Path(path))
    items = {item.get_attribute("data-name"): item
             for item in browser.find_elements(By.CSS_SELECTOR, "li[data-name]")}
    assert list(items) == ex.questions
    facts = browser.find_element(By.CLASS_NAME, "facts").text  # formulas as text, not LaTeX
    assert "g(inj) = 1/(1 + e−inj)" in facts and "ℓ = Σk (yk − ak)2" in facts
    assert "\\" not in facts

    def typed(name, text):
        item = items[name]
        field = item.find_element(By.TAG_NAME, "input")
        field.clear()
        field.send_keys(text)
        item.find_element(By.TAG_NAME, "button").click()
        return item.find_element(By.CLASS_NAME, "verdict").text

    a = ex.answers  # in_4 = 0.5·1 + 2·(−0.5) + 1·(−0.5) = −1; without w_0,4: −1.5
    assert typed("in_4", format_number(a["in_4"], 2)) == "✓"
    assert typed("in_4", str(a["in_4"] - ex.network.w[0, 4])) == \
        "✗ probably: " + ng.MISCONCEPTIONS["missing_bias"]
    assert typed("a_3", str(a["a_3"]).replace(".", ",")) == "✓"
    assert typed("Δ_5", "2 * 3").startswith("write a number")
    assert typed("Δ_5", "12.5").startswith("✗ not one of the usual mistakes")
    assert typed("Δ_5", str(2 * a["Δ_5"])) == "✗ probably: " + ng.MISCONCEPTIONS["factor_2"]
    assert requests_made(browser) == []
    if os.environ.get("NEUROGRAPH_SCREENSHOTS"):
        browser.save_screenshot(str(Path(os.environ["NEUROGRAPH_SCREENSHOTS"]) /
                                    "self_check.png"))
