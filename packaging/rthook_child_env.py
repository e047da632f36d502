"""PyInstaller runtime hook: programs the console starts get the desktop's libraries.

On Linux the bootloader points LD_LIBRARY_PATH at the bundle's own libraries
(keeping the caller's value in LD_LIBRARY_PATH_ORIG) and starts the app with it.
The dynamic loader read it when this process started, so the app still finds
its libraries; putting it back only changes what child processes inherit:
xdg-open and the file manager or browser it launches ("Show in folder", an
exported report) would otherwise load the bundle's GLib, libstdc++ or X11
libraries instead of their own, and could fail to start.
"""

import os

original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
if original is None:
    os.environ.pop("LD_LIBRARY_PATH", None)
else:
    os.environ["LD_LIBRARY_PATH"] = original
