"""How long Live Console takes from its start to its first window on screen.

    xvfb-run -a -s "-screen 0 1920x1080x24" \\
        python packaging/startup_time.py --runs 7 dist/live-console/live-console [ARGS...]

Each run starts the command with ARGS and `--data-dir <a fresh folder>` (`--demo` opens
the console itself; without it the start screen comes first, as from the desktop entry),
and watches the X server for the first top-level window of at least 200 x 100 px to be
mapped (X's MapNotify: the window is shown). The run's time is from just before the
process starts to that event; the app is then ended with SIGTERM, which closes it like
Quit. Beside it, the CPU time the app had used by then (all its threads, from
/proc/PID/stat): when the two are close, start-up is busy computing (importing,
building widgets), not waiting on the disk or the X server. Prints each run, the
medians and the load average (the machine may be shared: compare runs made together).
Uses only Xlib (libX11, through ctypes).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
MAP_NOTIFY = 19
XEVENT_SIZE = 192  # sizeof(XEvent) on LP64: a union padded to 24 longs
WINDOW_OFFSET = 40  # XMapEvent.window: after type, serial, send_event, display, event


class Xlib:
    def __init__(self) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise SystemExit("startup_time.py needs libX11")
        lib = ctypes.CDLL(name)
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XDefaultRootWindow.restype = ctypes.c_ulong
        lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        lib.XFlush.argtypes = [ctypes.c_void_p]
        lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
        lib.XPending.argtypes = [ctypes.c_void_p]
        lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.XGetGeometry.argtypes = [ctypes.c_void_p, ctypes.c_ulong, *(ctypes.c_void_p,) * 7]
        lib.XGetGeometry.restype = ctypes.c_int
        self.lib = lib
        self.display = lib.XOpenDisplay(None)
        if not self.display:
            raise SystemExit("cannot open the X display: run under xvfb-run or a desktop")
        lib.XSelectInput(
            self.display, lib.XDefaultRootWindow(self.display), SUBSTRUCTURE_NOTIFY_MASK
        )
        lib.XFlush(self.display)

    def size(self, window: int) -> tuple[int, int]:
        root, x, y = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_int()
        width, height, border, depth = (ctypes.c_uint() for _ in range(4))
        ok = self.lib.XGetGeometry(
            self.display,
            window,
            *(ctypes.byref(v) for v in (root, x, y, width, height, border, depth)),
        )
        return (width.value, height.value) if ok else (0, 0)

    def wait_for_window(self, deadline: float) -> float | None:
        """perf_counter() time of the first big enough window mapped before `deadline`."""
        event = ctypes.create_string_buffer(XEVENT_SIZE)
        fd = self.lib.XConnectionNumber(self.display)
        while True:
            while self.lib.XPending(self.display):
                self.lib.XNextEvent(self.display, event)
                if int.from_bytes(event.raw[:4], "little") == MAP_NOTIFY:
                    seen = time.perf_counter()
                    window = int.from_bytes(event.raw[WINDOW_OFFSET : WINDOW_OFFSET + 8], "little")
                    width, height = self.size(window)
                    if width >= 200 and height >= 100:
                        return seen
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            select.select([fd], [], [], left)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(x: Xlib, command: list[str], timeout: float) -> tuple[float, float]:
    """Seconds from start to the first window, and the CPU seconds the app used by then."""
    with tempfile.TemporaryDirectory(prefix="live-console-startup-") as data:
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "--data-dir", data],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            shown = x.wait_for_window(start + timeout)
            cpu = cpu_seconds(proc.pid)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=60)
        if shown is None:
            raise SystemExit(
                f"no window within {timeout:.0f} s: {err.decode(errors='replace')[-2000:]}"
            )
        return shown - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the app and its arguments")
    args = parser.parse_args()
    if not args.command:
        parser.error("name the app to start")
    x = Xlib()
    walls, cpus = [], []
    for i in range(args.runs):
        wall, cpu = one_run(x, args.command, args.timeout)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {i + 1}: {wall:.3f} s (CPU {cpu:.2f} s)", flush=True)
    print(
        f"median of {len(walls)}: {statistics.median(walls):.3f} s "
        f"(CPU {statistics.median(cpus):.2f} s); load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
