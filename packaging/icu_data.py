"""ICU's data library, rebuilt with only what Qt can ask it for.

    python packaging/icu_data.py LIBICUDATA [OUT]

PySide6's Qt Core links ICU, whose data library (`libicudata.so.73`: one symbol,
`icudt73_dat`, holding a 32 MB ICU "common data" package) is the biggest file of
the bundle. Qt Core calls ICU for four things only (`nm -D --undefined-only
libQt6Core.so.6`): collation (`ucol_*`: QCollator, the file dialog's sorting),
time-zone names (`ucal_getTimeZoneDisplayName`), character sets that Qt has no
codec of its own for (`ucnv_*`: an XML or HTML document in GBK, say) and case
mapping (`u_strToUpper`, whose tables are compiled into the code). Collation reads
the `coll/` tree, time-zone names the `zone/` tree with the locales' own data and
the root-level zone tables, character sets `cnvalias.icu` and the converters. So:

- every tree is kept but those Qt never opens: break iteration (`brkitr/`, Qt
  breaks text itself), currency, language, region and unit names, transliteration
  and spelled-out numbers; every locale is kept in the trees Qt does open, since
  the default locale is the system's, whatever it is;
- of the converters, those of the encodings of the WHATWG Encoding Standard (what
  a web page or an XML file realistically declares; CONVERTERS) are kept, and the
  EBCDIC, IBM PC and Mac code pages, ISO-2022 compound text and CNS 11643 go.

The package keeps its format (a header, a sorted table of contents, the items
16-byte aligned), so ICU reads it as before; `as` and `ld` (binutils) wrap it in a
shared library with the same soname and symbol. 32 MB become about 13 MB.
tests/packaging/test_icu_data.py opens the result with ICU itself.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# The trees of the package Qt never opens (see above).
DROPPED_TREES = frozenset({"brkitr", "curr", "lang", "rbnf", "region", "translit", "unit"})
# The converters ICU 73 opens (each with the base table an extension-only one names) for
# the encodings of the WHATWG Encoding Standard: IBM866, ISO-8859-2 to -15, KOI8-R,
# KOI8-U, macintosh, windows-874, windows-1250 to -1258, x-mac-cyrillic, GBK, GB2312,
# gb18030, Big5, Big5-HKSCS, EUC-JP, ISO-2022-JP, Shift_JIS, windows-31j, EUC-KR and
# windows-949 (UTF-8, UTF-16, UTF-32, US-ASCII and ISO-8859-1 are built into the code).
CONVERTERS = frozenset({
    "euc-jp-2007", "gb18030", "ibm-1089_P100-1995", "ibm-1168_P100-2002", "ibm-1363_P11B-1998",
    "ibm-1373_P100-2002", "ibm-1375_P100-2008", "ibm-1383_P110-1999", "ibm-1386_P100-2001",
    "ibm-5012_P100-1999", "ibm-5346_P100-1998", "ibm-5347_P100-1998", "ibm-5348_P100-1997",
    "ibm-5349_P100-1998", "ibm-5350_P100-1998", "ibm-5354_P100-1998", "ibm-866_P100-1995",
    "ibm-878_P100-1996", "ibm-9005_X110-2007", "ibm-912_P100-1995", "ibm-913_P100-2000",
    "ibm-914_P100-1995", "ibm-915_P100-1995", "ibm-921_P100-1995", "ibm-923_P100-1998",
    "ibm-943_P15A-2003", "ibm-9447_P100-2002", "ibm-9448_X100-2005", "ibm-9449_P100-2002",
    "ibm-970_P110_P110-2006_U2", "iso-8859_10-1998", "iso-8859_14-1998", "macos-0_2-10.2",
    "macos-7_3-10.2", "windows-874-2000", "windows-936-2000", "windows-949-2000",
    "windows-950-2000",
})  # fmt: skip
ALIGN = 16  # ICU reads items in place: each starts 16-byte aligned, as icupkg writes them


class IcuDataError(Exception):
    pass


def wanted(name: str) -> bool:
    """Whether the item `name` ("icudt73l/coll/zh.res") stays in the package."""
    parts = name.split("/")
    if len(parts) > 2:
        return parts[1] not in DROPPED_TREES
    item = parts[-1]
    return not item.endswith(".cnv") or item.removesuffix(".cnv") in CONVERTERS


# -- the shared library ------------------------------------------------------------------------
def _sections(elf: bytes) -> list[tuple[int, int, int, int, int]]:
    """(type, addr, offset, size, link) of each section of a little-endian ELF64 file."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise IcuDataError("not a little-endian 64-bit ELF file")
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    found = []
    for i in range(shnum):
        _name, kind, _flags, addr, offset, size, link = struct.unpack_from(
            "<IIQQQQI", elf, shoff + i * shentsize
        )
        found.append((kind, addr, offset, size, link))
    return found


def read_library(path: Path) -> tuple[str, bytes]:
    """The data symbol's name (icudt73_dat) and the package it holds."""
    elf = path.read_bytes()
    sections = _sections(elf)
    for kind, _addr, offset, size, link in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link][2]
        for at in range(offset, offset + size, 24):
            name_at, _info, _other, shndx, value, sym_size = struct.unpack_from("<IBBHQQ", elf, at)
            end = elf.index(b"\0", strtab + name_at)
            name = elf[strtab + name_at : end].decode()
            if re.fullmatch(r"icudt\d+_dat", name):
                _k, addr, sec_offset, _s, _l = sections[shndx]
                start = sec_offset + value - addr
                return name, elf[start : start + sym_size]
    raise IcuDataError(f"{path} has no icudtNN_dat symbol: not an ICU data library")


def soname(path: Path) -> str:
    dynamic = subprocess.run(
        ["objdump", "-p", str(path)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"SONAME\s+(\S+)", dynamic)
    return found.group(1) if found else path.name


def write_library(symbol: str, package: bytes, name: str, out: Path) -> None:
    """A shared library `name` whose only symbol, `symbol`, is `package` (with `as` and `ld`)."""
    with tempfile.TemporaryDirectory(prefix="icu-data-") as tmp:
        folder = Path(tmp)
        (folder / "data.bin").write_bytes(package)
        (folder / "data.s").write_text(
            '\t.section .rodata,"a"\n'
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.balign {ALIGN}\n"
            f"{symbol}:\n"
            '\t.incbin "data.bin"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["as", "--64", "-o", "data.o", "data.s"], cwd=folder, check=True)
        subprocess.run(
            ["ld", "-shared", "-soname", name, "-z", "noexecstack", "-o", str(out.resolve()),
             "data.o"],
            cwd=folder, check=True,
        )  # fmt: skip


# -- the package -------------------------------------------------------------------------------
def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, bytes) items, in table-of-contents order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise IcuDataError("not an ICU common data package")
    if package[4 + 4] != 0:  # UDataInfo.isBigEndian
        raise IcuDataError("a big-endian ICU package")
    toc = package[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    found = []
    for i, (name_at, data_at) in enumerate(entries):
        name = toc[name_at : toc.index(b"\0", name_at)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        found.append((name, toc[data_at:end]))
    return package[:header_size], found


def pack(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """A package of `kept` items, in the order given (ICU binary-searches the names)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    table_size = 4 + 8 * len(kept)
    first = -(-(table_size + len(names)) // ALIGN) * ALIGN
    name_at, data_at = table_size, first
    table, blobs = [struct.pack("<I", len(kept))], []
    for name, data in kept:
        table.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + b"\0" * (-len(data) % ALIGN)
        blobs.append(padded)
        data_at += len(padded)
    toc = b"".join(table) + names
    return header + toc + b"\0" * (first - len(toc)) + b"".join(blobs)


def slim(package: bytes, keep: Callable[[str], bool] = wanted) -> bytes:
    header, found = items(package)
    if len(header) % ALIGN:
        raise IcuDataError(f"a header of {len(header)} bytes would misalign the items")
    kept = [(name, data) for name, data in found if keep(name)]
    missing = {f"{c}.cnv" for c in CONVERTERS} - {name.split("/")[-1] for name, _ in kept}
    if keep is wanted and missing:  # a new ICU renamed them: look again (module docstring)
        raise IcuDataError(f"converters not in this ICU: {', '.join(sorted(missing))}")
    return pack(header, kept)  # still in the original's order


def slim_library(path: Path, out: Path | None = None) -> tuple[int, int]:
    """Rewrite the ICU data library `path` (or write `out`); its size before and after."""
    symbol, package = read_library(path)
    before = path.stat().st_size
    target = out or path
    partial = target.with_name(target.name + ".part")
    write_library(symbol, slim(package), soname(path), partial)
    partial.replace(target)
    return before, target.stat().st_size


def main(argv: list[str]) -> None:
    if len(argv) not in (1, 2):
        sys.exit("usage: icu_data.py LIBICUDATA [OUT]")
    before, after = slim_library(Path(argv[0]), Path(argv[1]) if len(argv) == 2 else None)
    print(f"ICU data: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
