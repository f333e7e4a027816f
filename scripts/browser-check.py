#!/usr/bin/env python3
"""Drives a real browser (headless Chromium) through Akinai at a phone's width:
sign in with the demo credentials, count an item on the stock-take page, confirm, and check that nothing
overflows the screen sideways. Saves screenshots next to the given prefix.

    browser-check.py BASE_URL TENANT EMAIL PASSWORD SCREENSHOT_PREFIX
"""
import os
import sys
import time

os.environ.setdefault("SE_OFFLINE", "true")
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, tenant, email, password, prefix = sys.argv[1:6]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def overflow():
    return driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")


try:
    driver.get(base + "/login")
    driver.find_element(By.NAME, "tenant").send_keys(tenant)
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()
    time.sleep(0.3)
    check("ダッシュボード" in driver.page_source, "signed in to the dashboard")

    driver.get(base + "/inventory/stock-take")
    check(overflow() <= 0, "stock-take form fits a phone's width")
    field = driver.find_element(By.NAME, "barcode")
    check(field.size["width"] >= 250, "the barcode field is wide enough to tap")
    field.send_keys("MG-003")
    driver.find_element(By.NAME, "counted").send_keys("7")
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()
    time.sleep(0.3)
    driver.save_screenshot(prefix + "-stock-take-preview.png")
    current = int(driver.find_element(By.ID, "current").text)
    difference = int(driver.find_element(By.ID, "difference").text)
    check(difference == 7 - current, "the difference is counted minus on hand")
    check(overflow() <= 0, "the confirmation fits a phone's width")
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()
    time.sleep(0.3)
    driver.save_screenshot(prefix + "-stock-take-done.png")
    check("MG-003" in driver.find_element(By.CSS_SELECTOR, ".notice").text, "the count was confirmed")

    driver.get(base + "/inventory?q=MG-003")
    check(">7<" in driver.page_source.replace(" ", ""), "the stock list shows the counted quantity")
finally:
    driver.quit()

if failures:
    print("browser check failed: " + "; ".join(failures))
    sys.exit(1)
print("browser check: sign-in and stock-take work at 390 px in headless Chromium")
