"""Runs a command (an ssh client) in a pseudo-terminal of a given size, types lines into it, and can resize the
terminal between lines, as a person's terminal window would (the kernel sends SIGWINCH; ssh sends window-change).

usage: pty-session.py ROWS COLS SCRIPT_JSON -- COMMAND...
SCRIPT_JSON is a list of steps: {"wait": "text"} waits (20 s at most) until the output so far contains text;
{"send": "line\\n"} types; {"resize": [rows, cols]} resizes. Prints everything the terminal showed; exits with the
command's status (124 when a wait timed out)."""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    rows, cols, script = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    set_size(fd, rows, cols)
    output = b""

    def read_for(seconds):
        nonlocal output
        deadline = time.time() + seconds
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return False
                if not chunk:
                    return False
                output += chunk
                return True
        return True

    status = None
    for step in script:
        if "wait" in step:
            deadline = time.time() + 20
            while step["wait"].encode() not in output:
                if time.time() > deadline or not read_for(0.2):
                    sys.stdout.write(output.decode(errors="replace"))
                    os.kill(pid, 9)
                    sys.exit(124)
        elif "send" in step:
            os.write(fd, step["send"].encode())
        elif "resize" in step:
            set_size(fd, step["resize"][0], step["resize"][1])
            # Time for ssh to take the signal and send the new size before the next line.
            time.sleep(0.5)
    deadline = time.time() + 30
    while time.time() < deadline and read_for(0.5):
        pass
    _, wait_status = os.waitpid(pid, 0)
    status = os.waitstatus_to_exitcode(wait_status)
    sys.stdout.write(output.decode(errors="replace"))
    sys.exit(status if status >= 0 else 128 - status)


main()
