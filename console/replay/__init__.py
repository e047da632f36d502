"""Replay of recorded sessions: the state at any moment, fast seeking via checkpoints."""
