"""What every loopback server of the tests shares: it runs as a child of the test process."""

import os
import sys


def exit_at_stdin_eof():
    """Blocks until stdin ends, then exits at once. The parent holds the other end of our stdin, so
    when it exits (cleanly or not) read() returns and the server never outlives the test."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)
