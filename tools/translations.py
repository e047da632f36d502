"""Keep the translations in step with the source.

    python tools/translations.py           update the .ts from console/**/*.py, build the .qm
    python tools/translations.py --check   change nothing; exit 1 if a message is untranslated,
                                           a translation drops a {placeholder}, or a .qm is stale

The .ts files are written without source locations, so they change only when
messages do (many people edit the UI at once), and without obsolete entries.
Existing translations are kept; lupdate carries a translation over to a
slightly reworded source as "unfinished", and the .qm leaves unfinished
messages out, so a guess is never shown to the operator before someone checks it.
Running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "console"
TRANSLATIONS = ROOT / "resources" / "translations"
CATALOGUE = "live_console"
LANGUAGES = ("zh_CN",)
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")


def tool(name: str) -> str:
    """PySide6's tool from the running interpreter's environment, else from PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))


def lupdate(ts: Path, language: str) -> None:
    subprocess.run(
        [tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete",
         "-source-language", "en", "-target-language", language, *sources(), "-ts", str(ts)],
        cwd=ROOT, check=True,
    )  # fmt: skip


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)], check=True
    )


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every current message in a .ts file."""
    found: list[tuple[str, str, ET.Element]] = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("vanished", "obsolete"):
                continue
            found.append((name, message.findtext("source", ""), translation))
    return found


def problems(ts: Path) -> list[str]:
    """Untranslated messages, and translations whose placeholders differ from the source's."""
    found: list[str] = []
    for context, source, translation in messages(ts):
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if translation.get("type") == "unfinished" or not all(f.strip() for f in forms):
            found.append(f"unfinished  {context}: {source!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            if sorted(PLACEHOLDER.findall(form)) != wanted:
                found.append(f"placeholders differ  {context}: {source!r} -> {form!r}")
    return found


def paths(language: str) -> tuple[Path, Path]:
    return (
        TRANSLATIONS / f"{CATALOGUE}_{language}.ts",
        TRANSLATIONS / f"{CATALOGUE}_{language}.qm",
    )


def check() -> int:
    """Report what an update would leave unfinished, on copies; the repository is not touched."""
    report: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in LANGUAGES:
            ts, qm = paths(language)
            copy = Path(tmp) / ts.name
            if ts.exists():
                shutil.copyfile(ts, copy)
                built = Path(tmp) / qm.name
                lrelease(ts, built)
                if not qm.exists() or qm.read_bytes() != built.read_bytes():
                    report.append(f"stale  {qm.relative_to(ROOT)}: run tools/translations.py")
            lupdate(copy, language)
            report += [f"{language}  {line}" for line in problems(copy)]
    print("\n".join(report) or "translations complete")
    return 1 if report else 0


def update() -> int:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts, qm = paths(language)
        lupdate(ts, language)
        lrelease(ts, qm)
        total, left = len(messages(ts)), len(problems(ts))
        print(f"{ts.relative_to(ROOT)}: {total} messages, {left} to translate or fix")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="report untranslated messages; change nothing"
    )
    args = parser.parse_args(argv)
    return check() if args.check else update()


if __name__ == "__main__":
    sys.exit(main())
