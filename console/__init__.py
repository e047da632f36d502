"""Live Console: a desktop control console for live-commerce sellers."""

__version__ = "0.1.0"
