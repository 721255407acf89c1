#!/usr/bin/env python3
"""Drives `liveformer chat` through pipes, as a user at a terminal would,
and checks what only an interactive run shows:

- the answers equal `liveformer generate --system S -p Q --temp 0` for the
  same turn (chat renders through the same chat template);
- the history: turn 2's prompt holds turn 1's question and answer, /reset
  forgets them (the next answer is the fresh one again);
- Ctrl-C (SIGINT) during a long answer stops that answer, not the program:
  it answers the next line; Ctrl-C at the prompt quits (status 130), and so
  does a second Ctrl-C before the answer has stopped;
- /exit and end of input quit with status 0; a model without a chat
  template is refused with a hint to --chat-template.

usage: chat_test.py BIN DEMO_MODEL TEMPLATELESS_MODEL
Prints one PASS/FAIL line per check; exits 1 if any failed.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time

BIN, MODEL, NO_TEMPLATE = sys.argv[1], sys.argv[2], sys.argv[3]
SYSTEM = "你是主播"
Q1, Q2 = "这个多少钱", "有优惠吗"
failed = 0


def check(name, ok, detail=""):
    global failed
    print(f"{'PASS' if ok else 'FAIL'}: chat: {name}")
    if not ok:
        failed += 1
        if detail:
            print(f"      {detail}")


def generate(question):
    p = subprocess.run([BIN, "generate", "-m", MODEL, "--system", SYSTEM, "-p", question, "--temp", "0", "-n", "-1"],
                       capture_output=True, text=True, timeout=60)
    return p.stdout


class Chat:
    """A running `liveformer chat` whose stdout and stderr are collected by
    threads, so the test can wait for what it expects with a timeout."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "chat", "-m", MODEL, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out, self.err = bytearray(), bytearray()
        self.lock = threading.Lock()
        for stream, buf in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, buf), daemon=True).start()

    def _pump(self, stream, buf):
        while chunk := os.read(stream.fileno(), 4096):
            with self.lock:
                buf.extend(chunk)

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def stdout(self):
        with self.lock:
            return self.out.decode(errors="replace")

    def stderr(self):
        with self.lock:
            return self.err.decode(errors="replace")

    def wait_for(self, condition, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                return True
            if self.proc.poll() is not None:
                time.sleep(0.1)  # let the pumps drain
                return condition()
            time.sleep(0.02)
        return False

    def finish(self, timeout=30):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


# ---- answers and history ---------------------------------------------------------
fresh1, fresh2 = generate(Q1), generate(Q2)
chat = Chat("--system", SYSTEM, "--temp", "0", "--verbose-prompt")
chat.send(Q1)
chat.send(Q2)
chat.send("/reset")
chat.send(Q2)
status = chat.finish()
answers = chat.stdout().split("\n")
err = chat.stderr()
check("end of input quits with status 0", status == 0, f"status {status}; stderr: {err[-300:]}")
check("three answers, each ending with a newline", len(answers) == 4 and answers[3] == "", repr(chat.stdout()))
if len(answers) == 4:
    a1, a2, a3 = answers[:3]
    check("turn 1 equals generate --system S -p Q --temp 0", a1 + "\n" == fresh1, f"chat {a1!r}, generate {fresh1!r}")
    prompts = err.split("prompt (")[1:]
    check("--verbose-prompt shows each turn's prompt", len(prompts) == 3, err[:500])
    if len(prompts) == 3:
        check("turn 2's prompt holds the system message, turn 1's question and its answer",
              SYSTEM in prompts[1] and Q1 in prompts[1] and a1 in prompts[1] and Q2 in prompts[1], prompts[1])
        check("after /reset the prompt no longer holds turn 1", Q1 not in prompts[2] and Q2 in prompts[2], prompts[2])
    reused = [int(n) for n in re.findall(r"^\(prompt: \d+ tokens, (\d+) of them reused", err, re.M)]
    check(f"turn 2 reuses turn 1's evaluated tokens (reused per turn: {reused})",
          len(reused) == 3 and reused[0] == 0 and reused[1] > 0, err[-500:])
    check("/reset says so", "(conversation forgotten)" in err, err[-300:])
    check("after /reset the answer is the fresh one (generate's)", a3 + "\n" == fresh2, f"chat {a3!r}, generate {fresh2!r}")
    check("the same question with history is answered from the history", a2 != a3,
          f"with history {a2!r}, without {a3!r}")

# ---- a conversation longer than the context ---------------------------------------
chat = Chat("--temp", "0", "--ctx", "64", "--verbose-prompt")
for q in (Q1, Q2, "什么时候发货"):
    chat.send(q)
status = chat.finish()
err = chat.stderr()
prompts = err.split("prompt (")[1:]
check("past the context, the oldest turns are forgotten (said on stderr) and every turn is answered",
      status == 0 and "oldest turns are forgotten" in err and len(prompts) == 3 and Q1 not in prompts[2]
      and chat.stdout().count("\n") == 3, f"status {status}; {err[-500:]}")

chat = Chat("--temp", "0", "--ctx", "16")
chat.send(Q1 * 10)
status = chat.finish()
check("a turn longer than the whole context is refused (naming --ctx) and chat goes on to end of input",
      status == 0 and chat.stdout() == "" and "the context holds 16 (--ctx)" in chat.stderr(),
      f"status {status}; {chat.stderr()[-300:]}")

# ---- a line that is not UTF-8 --------------------------------------------------------
chat = Chat("--system", SYSTEM, "--temp", "0")
chat.proc.stdin.write(b"a\xffb\n" + Q1.encode() + b"\n")
status = chat.finish()
check("a line that is not UTF-8 is refused on one stderr line, and the next line is answered",
      status == 0 and "that line is not valid UTF-8 (byte 2)" in chat.stderr() and chat.stdout() == fresh1,
      f"status {status}; stdout {chat.stdout()!r}; {chat.stderr()[-300:]}")

# ---- /exit --------------------------------------------------------------------------
chat = Chat("--temp", "0")
chat.send("/exit")
chat.send(Q1)  # never read
status = chat.finish()
check("/exit quits with status 0 before answering the next line", status == 0 and chat.stdout() == "",
      f"status {status}, stdout {chat.stdout()!r}")

# ---- Ctrl-C ---------------------------------------------------------------------------
# --no-eos over a context 64 times the answer's usual length: the answer
# runs for many seconds unless Ctrl-C stops it.
long_answer = ("--temp", "0", "--no-eos", "--ctx", "32768", "-t", "2")
chat = Chat(*long_answer)
chat.send(Q1)
started = chat.wait_for(lambda: len(chat.stdout()) > 0)
check("a long answer streams", started, chat.stderr()[-300:])
chat.proc.send_signal(signal.SIGINT)
sent = time.monotonic()
stopped = chat.wait_for(lambda: "(answer stopped)" in chat.stderr(), timeout=20)
check(f"Ctrl-C stops the answer ({time.monotonic() - sent:.2f} s after the signal)", stopped, chat.stderr()[-300:])
check("the program is still running after Ctrl-C", chat.proc.poll() is None, f"status {chat.proc.poll()}")
check("the stopped answer is shorter than the context (it did not run to the end)",
      0 < len(chat.stdout()) < 32768 and chat.stdout().endswith("\n"), f"{len(chat.stdout())} characters")
before = len(chat.stdout())
chat.send(Q2)
answered = chat.wait_for(lambda: len(chat.stdout()) > before)
check("after Ctrl-C it answers the next line", answered, chat.stderr()[-300:])
chat.proc.send_signal(signal.SIGINT)
chat.wait_for(lambda: chat.stderr().count("(answer stopped)") == 2, timeout=20)
check("Ctrl-C stops the second answer too", chat.stderr().count("(answer stopped)") == 2, chat.stderr()[-300:])
time.sleep(0.3)  # at the prompt now
chat.proc.send_signal(signal.SIGINT)
try:
    status = chat.proc.wait(10)
except subprocess.TimeoutExpired:
    status = None
    chat.proc.kill()
check("Ctrl-C at the prompt quits (status 130)", status == 130, f"status {status}")

chat = Chat(*long_answer)
chat.send(Q1)
chat.wait_for(lambda: len(chat.stdout()) > 0)
chat.proc.send_signal(signal.SIGINT)
time.sleep(0.05)  # two signals sent at once merge into one
chat.proc.send_signal(signal.SIGINT)
try:
    status = chat.proc.wait(10)
except subprocess.TimeoutExpired:
    status = None
    chat.proc.kill()
check("Ctrl-C twice in a row quits (status 130)", status == 130, f"status {status}")

# ---- on a terminal (a pseudo-terminal: Ctrl-C is the byte 0x03 the terminal turns into SIGINT) ----
pid, fd = pty.fork()
if pid == 0:
    os.execv(BIN, [BIN, "chat", "-m", MODEL, *long_answer])
screen = bytearray()


def read_screen(until, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end and not until(screen.decode(errors="replace")):
        if select.select([fd], [], [], 0.05)[0]:
            try:
                screen.extend(os.read(fd, 4096))
            except OSError:
                break
    return until(screen.decode(errors="replace"))


check("on a terminal chat prompts with '> '", read_screen(lambda t: t.endswith("> ")), screen.decode(errors="replace")[-200:])
os.write(fd, (Q1 + "\n").encode())
# The terminal echoes the line; the answer follows it. (Ctrl-C typed before
# the line is read would discard it: the terminal flushes unread input.)
read_screen(lambda t: (Q1 + "\r\n") in t and len(t.split(Q1 + "\r\n", 1)[1]) > 0)
os.write(fd, b"\x03")  # Ctrl-C typed during the answer
check("Ctrl-C typed during an answer stops it and prompts again",
      read_screen(lambda t: "(answer stopped)" in t and t.endswith("> ")), screen.decode(errors="replace")[-300:])
os.write(fd, b"\x03")  # Ctrl-C typed at the prompt
deadline = time.monotonic() + 10
while (waited := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
    read_screen(lambda t: False, timeout=0.1)  # keep the terminal's output drained
waited, status = waited
if waited == 0:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
check("Ctrl-C typed at the prompt quits (status 130)", waited == pid and os.waitstatus_to_exitcode(status) == 130,
      f"waited {waited}, status {status}")
os.close(fd)

# ---- a model without a chat template --------------------------------------------------
p = subprocess.run([BIN, "chat", "-m", NO_TEMPLATE], input="hi\n", capture_output=True, text=True, timeout=60)
lines = p.stderr.splitlines()
check("a model without a chat template: one error line naming --chat-template",
      p.returncode != 0 and len(lines) == 1 and "--chat-template" in lines[0] and p.stdout == "", p.stderr)
p = subprocess.run([BIN, "chat", "-m", NO_TEMPLATE, "--chat-template", "chatml", "--temp", "0", "-n", "3"],
                   input="hi\n", capture_output=True, text=True, timeout=60)
check("--chat-template chatml lets it chat (one answer line)", p.returncode == 0 and p.stdout.count("\n") >= 1,
      f"status {p.returncode}; {p.stderr[-300:]}")

sys.exit(1 if failed else 0)
