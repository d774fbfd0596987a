#!/usr/bin/env python3
"""Rewrites the <Compile> list of every .nfproj under firmware/ to the .cs files in its folder.

Classic nanoFramework projects list their sources one by one; run this after adding or
removing a file in a dataplane folder (the Firmware tests fail until the lists agree):

    python3 firmware/sync-nfproj.py
"""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent
for project in sorted(root.rglob("*.nfproj")):
    folder = project.parent
    sources = sorted(
        str(p.relative_to(folder)).replace("/", "\\")
        for p in folder.rglob("*.cs")
        if not {"bin", "obj"} & set(p.relative_to(folder).parts)
    )
    items = "\n".join(f'    <Compile Include="{s}" />' for s in sources)
    text = project.read_text()
    new, count = re.subn(r"  <ItemGroup>\n(    <Compile Include=\"[^\"]+\" />\n)+  </ItemGroup>",
                         lambda _: f"  <ItemGroup>\n{items}\n  </ItemGroup>", text)
    if count != 1:
        raise SystemExit(f"{project}: expected one ItemGroup of Compile items, found {count}")
    if new != text:
        project.write_text(new)
        print(f"updated {project.relative_to(root.parent)} ({len(sources)} files)")
