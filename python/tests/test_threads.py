"""Threads: calls from several Python threads run at once, each in its own
context, with the GIL released while the library computes."""
import bisect
import threading
import time

from testdata import goldens

GREEDY = dict(temperature=0, stop_at_eos=False)


def run_in_threads(fns):
    results = [None] * len(fns)
    errors = []

    def wrap(i, fn):
        try:
            results[i] = fn()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert not errors, errors
    return results


def test_concurrent_generations_equal_sequential_ones(llama):
    cases = goldens("llama")
    want = [llama.generate(c["input_ids"], max_new_tokens=20, **GREEDY) for c in cases]
    got = run_in_threads([lambda c=c: llama.generate(c["input_ids"], max_new_tokens=20, **GREEDY) for c in cases] * 2)
    assert got == want * 2


def test_concurrent_stories(stories, stories_reference):
    got = run_in_threads([lambda: stories.generate("", max_new_tokens=200, **GREEDY)] * 3
                         + [lambda: "".join(stories.stream("", max_new_tokens=200, **GREEDY))])
    assert got == [stories_reference] * 4


def test_gil_is_released_while_generating(llama):
    # While another thread is inside generate(), this thread keeps running
    # Python code. With the GIL held for a whole call, no tick can land in
    # its middle half (taking a tick needs the GIL, and the edges cover the
    # Python before and after the native call), so a single such tick proves
    # the release. On an idle machine nearly every call has one; on a loaded
    # one the OS may not run this thread during a short call, so calls go on
    # (up to 200) until 3 have one, instead of requiring a share of them.
    calls = []
    done = threading.Event()
    ticks = []

    def hits():
        # ticks only grow, in time order (one thread appends them).
        def ticked_in_middle(a, b):
            lo, hi = a + (b - a) / 4, b - (b - a) / 4
            i = bisect.bisect_right(ticks, lo)
            return i < len(ticks) and ticks[i] < hi
        return sum(ticked_in_middle(a, b) for a, b in calls)

    def worker():
        for i in range(200):
            t0 = time.perf_counter()
            llama.generate([1, 2, 3], max_new_tokens=120, **GREEDY)
            calls.append((t0, time.perf_counter()))
            if i % 20 == 19 and hits() >= 3:
                break
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    t.join()
    assert hits() >= 3, f"Python ran inside only {hits()} of {len(calls)} generate calls"
