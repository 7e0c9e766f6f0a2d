"""A Valhalla Actor in a process of its own, for `scheduler.roads.valhalla.actor_call`.

Run as `python -m scheduler.roads.actor_worker CONFIG`: each line on standard input is a JSON
list `[method, request text]` (`matrix`, `route` or `locate`); each answer is one line on
standard output, `{"ok": answer text}` or `{"error": Valhalla's message}`. It imports only
Valhalla's package, so it is ready in a fraction of a second, and ends when its input closes
(the process that started it ended).
"""

from __future__ import annotations

import json
import sys

METHODS = ("matrix", "route", "locate")


def main() -> None:
    from valhalla import Actor

    actor = Actor(sys.argv[1])
    sys.stdout.write(json.dumps({"ok": "ready"}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        method, text = json.loads(line)
        try:
            if method not in METHODS:
                raise RuntimeError(f"method: Expected one of {METHODS}, got {method!r}")
            answer = {"ok": getattr(actor, method)(text)}
        except RuntimeError as exc:  # the Actor raises its error message as RuntimeError
            answer = {"error": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
