# A 10 ms sleeper: prints each wake-up later than 120 ms (the guest stood still).
import time
last = time.monotonic()
while True:
    time.sleep(0.01)
    t = time.monotonic()
    if t - last > 0.12:
        print(f"{time.time():.3f} gap {int((t - last) * 1000)} ms", flush=True)
    last = t
