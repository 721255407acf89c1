"""Threads: calls from several Python threads run at once, each in its own
context, with the GIL released while the library computes."""
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
    # Python code. With the GIL held for a whole call, no tick could land in
    # its middle half (except by rare switches before the call starts); with
    # it released, nearly every call has ticks there.
    calls = []
    done = threading.Event()

    def worker():
        for _ in range(20):
            t0 = time.perf_counter()
            llama.generate([1, 2, 3], max_new_tokens=120, **GREEDY)
            calls.append((t0, time.perf_counter()))
        done.set()

    ticks = []
    t = threading.Thread(target=worker)
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    t.join()
    ticks = sorted(ticks)

    def ticked_in_middle(a, b):
        lo, hi = a + (b - a) / 4, b - (b - a) / 4
        return any(lo < x < hi for x in ticks)

    hits = sum(ticked_in_middle(a, b) for a, b in calls)
    assert hits >= len(calls) // 2, f"Python ran inside only {hits} of {len(calls)} generate calls"
