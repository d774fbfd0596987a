#!/usr/bin/env python3
"""Rewrites the <Compile> list of every .nfproj under firmware/ and tests/ to the .cs files it builds.

Classic nanoFramework projects list their sources one by one; run this after adding or
removing a file in a dataplane or firmware folder (the Firmware tests fail until the lists agree):

    python3 firmware/sync-nfproj.py

A project builds the .cs files of its own folder. One that names <EdgeSharedSources> (a folder)
also builds that folder's files, as links, but for the subfolders <EdgeSharedExcept> names
(separated by ';'): Edge.Firmware.Stm32 takes Edge.Firmware's sources but for its Esp32 folder.
"""
import pathlib
import re


def sources(folder, skip=()):
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*.cs")
        if not ({"bin", "obj"} | set(skip)) & set(p.relative_to(folder).parts)
    )


def win(path):
    return str(path).replace("/", "\\")


def property_of(text, name):
    m = re.search(rf"<{name}>([^<]*)</{name}>", text)
    return m.group(1) if m else None


root = pathlib.Path(__file__).resolve().parent.parent
for project in sorted(list((root / "firmware").rglob("*.nfproj")) + list((root / "tests").rglob("*.nfproj"))):
    if {"bin", "obj"} & set(project.relative_to(root).parts):
        continue
    folder = project.parent
    text = project.read_text()
    items = [f'    <Compile Include="{win(s)}" />' for s in sources(folder)]
    shared = property_of(text, "EdgeSharedSources")
    if shared:
        shared_folder = (folder / shared.replace("\\", "/")).resolve()
        skip = [s for s in (property_of(text, "EdgeSharedExcept") or "").split(";") if s]
        items += [f'    <Compile Include="{win(shared)}\\{win(s)}" Link="{win(s)}" />' for s in sources(shared_folder, skip)]
    block = "\n".join(items)
    new, count = re.subn(r"  <ItemGroup>\n(    <Compile Include=\"[^\"]+\"( Link=\"[^\"]+\")? />\n)+  </ItemGroup>",
                         lambda _: f"  <ItemGroup>\n{block}\n  </ItemGroup>", text)
    if count != 1:
        raise SystemExit(f"{project}: expected one ItemGroup of Compile items, found {count}")
    if new != text:
        project.write_text(new)
        print(f"updated {project.relative_to(root)} ({len(items)} files)")
