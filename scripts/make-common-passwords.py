#!/usr/bin/env python3
"""Builds Resources/Security/common-passwords.txt from the list Django ships
(django/contrib/auth/common-passwords.txt.gz, 20,000 passwords from breach corpora, BSD licence).

    python3 scripts/make-common-passwords.py

Downloads the Django wheel from PyPI with pip (no install), reads the list out of it, lower-cases and
NFKC-normalises each entry, drops duplicates, and writes one password per line, sorted.
"""
import glob
import gzip
import pathlib
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

VERSION = "5.2.19"
OUT = pathlib.Path(__file__).resolve().parent.parent / "Resources" / "Security" / "common-passwords.txt"

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, f"django=={VERSION}"],
        check=True,
    )
    wheel = zipfile.ZipFile(glob.glob(f"{tmp}/*.whl")[0])
    raw = gzip.decompress(wheel.read("django/contrib/auth/common-passwords.txt.gz")).decode("utf-8")

entries = sorted({unicodedata.normalize("NFKC", line.strip()).lower() for line in raw.splitlines() if line.strip()})
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(
    f"# {len(entries)} common and breached passwords, from Django {VERSION} (BSD licence); "
    "made by scripts/make-common-passwords.py\n" + "\n".join(entries) + "\n",
    encoding="utf-8",
)
print(f"wrote {len(entries)} entries to {OUT}")
