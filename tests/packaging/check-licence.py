#!/usr/bin/env python3
"""Fails when the licence the package declares differs from the project's LICENSE file.

Usage: check-licence.py LICENSE debian/copyright
The copyright file's "License: MIT" paragraph (its lines indented by one space, "." for an empty
line) must hold the same words as LICENSE from "Permission" on, and every "Files:" stanza must
name MIT.
"""
import re
import sys


def words(text):
    return text.split()


def main(licence_path, copyright_path):
    with open(licence_path, encoding="utf-8") as f:
        licence = f.read()
    with open(copyright_path, encoding="utf-8") as f:
        copyright_text = f.read()
    if not licence.startswith("MIT License"):
        sys.exit(f"{licence_path}: not the MIT licence")
    stanza = re.search(r"^License: MIT\n((?: .*\n?)+)", copyright_text, re.MULTILINE)
    if not stanza:
        sys.exit(f"{copyright_path}: no stand-alone \"License: MIT\" paragraph")
    body = "\n".join(
        "" if line.strip() == "." else line[1:] for line in stanza.group(1).splitlines()
    )
    declared = words(licence[licence.index("Permission"):])
    if words(body) != declared:
        sys.exit(f"{copyright_path}: the MIT text differs from {licence_path}")
    for files_licence in re.findall(r"^Files:.*\n(?:\S.*\n)*?License: (\S+)", copyright_text,
                                    re.MULTILINE):
        if files_licence != "MIT":
            sys.exit(f"{copyright_path}: a Files stanza declares {files_licence}, not MIT")
    holder = re.search(r"^Copyright: (.+)$", copyright_text, re.MULTILINE)
    if not holder or holder.group(1) not in licence:
        sys.exit(f"{copyright_path}: the copyright holder differs from {licence_path}")
    print("LICENSE and debian/copyright agree: MIT")


if __name__ == "__main__":
    main(*sys.argv[1:])
