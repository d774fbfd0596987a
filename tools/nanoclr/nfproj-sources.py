#!/usr/bin/env python3
"""Prints the C# files a nanoFramework project (.nfproj) compiles, one per line, in the
project's order: its <Compile Include> items, with those of the shared projects it imports
(.projitems) where the import stands. Windows paths are resolved against the files on disk
(case-insensitively: upstream projects name RTC.cs as Rtc.cs). Used by build.sh to compile
nanoFramework libraries with csc, which has no nanoFramework project system on Linux."""
import os
import sys
import xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit("}", 1)[-1]


def resolve(base, include):
    path = include.replace("$(MSBuildThisFileDirectory)", "").replace("\\", "/")
    here = base
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            here = os.path.dirname(here)
            continue
        exact = os.path.join(here, part)
        if os.path.exists(exact):
            here = exact
            continue
        matches = [n for n in os.listdir(here) if n.lower() == part.lower()] if os.path.isdir(here) else []
        if len(matches) != 1:
            sys.exit(f"nfproj-sources: {include} (from {base}) names no file")
        here = os.path.join(here, matches[0])
    return here


def sources(project):
    base = os.path.dirname(os.path.abspath(project))
    for element in ET.parse(project).getroot().iter():
        name = local(element.tag)
        if name == "Compile" and element.get("Include"):
            yield resolve(base, element.get("Include"))
        elif name == "Import" and element.get("Project", "").lower().endswith(".projitems"):
            yield from sources(resolve(base, element.get("Project")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: nfproj-sources.py PROJECT.nfproj")
    for source in sources(sys.argv[1]):
        print(source)
