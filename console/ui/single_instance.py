"""One console per data folder: a second launch hands its request to the first.

Two consoles on one folder would fight over settings and offer the same
interrupted session for resume twice. A lock file in the folder says who owns
it (Qt's QLockFile notices a crashed owner by its PID); a local socket named
after the folder carries the second launch's request (`open`, `replay FILE`,
`library`) to the first, which brings a window to the front.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_NAME = "console.lock"
WAIT_MS = 2000
MAX_REQUEST = 64 * 1024


def server_name(root: Path) -> str:
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return f"live-console-{digest}"


class SingleInstance(QObject):
    """Owns the data folder for this process, and hears later launches."""

    requested = Signal(list)  # the other launch's request, e.g. ["replay", "/path/x.live.db"]

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(root)
        self.lock = QLockFile(str(root / LOCK_NAME))
        self.lock.setStaleLockTime(0)  # only a dead owner's lock is stale, however old
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True if this process now owns the folder (and listens for later launches)."""
        if not self.lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.name)  # a crashed owner's socket file
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if server.listen(self.name):
            server.newConnection.connect(self._accept)
            self.server = server
        return True

    def owner_pid(self) -> int | None:
        info = self.lock.getLockInfo()  # (pid, host, app), or a falsy value when unknown
        return int(info[0]) if isinstance(info, tuple) and info[0] else None

    def _accept(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if len(data) > MAX_REQUEST or not data.endswith(b"\n"):
            return  # not all there yet, or not ours; the sender waits for our reply
        try:
            request = json.loads(data)
        except ValueError:
            request = None
        if isinstance(request, list) and all(isinstance(a, str) for a in request):
            self.requested.emit(request)
            socket.write(b"ok\n")
            socket.flush()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
        self.lock.unlock()


def send_request(root: Path, request: list[str]) -> bool:
    """Hand `request` to the console that owns `root`; True once it said it has it."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(root))
    if not socket.waitForConnected(WAIT_MS):
        return False
    socket.write(json.dumps(request).encode("utf-8") + b"\n")
    socket.flush()
    answered = socket.waitForReadyRead(WAIT_MS) and bytes(socket.readAll().data()) == b"ok\n"
    socket.disconnectFromServer()
    return bool(answered)
