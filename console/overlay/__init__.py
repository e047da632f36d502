"""The OBS overlay: pages for browser sources and an optional remote, served on localhost.

Pure asyncio/aiohttp, no Qt: the window and headless `record` start the same
`OverlayServer` on their loop. It reads a `ConsoleSource` (the live session or
a replay) and pushes a compact view of it to the pages over a WebSocket.
"""

DEFAULT_PORT = 8790  # here, not in server.py: the settings need it without aiohttp
