"""Child process for the kill and concurrency tests: records actions and reports each commit.

Usage: python store_writer.py URL PROFILE_ID COUNT   (COUNT 0 = until killed)

Prints "ready" once the database is open, waits for a line on stdin, then records actions into
a new attempt, printing "committed <action id>" after each ``record_action`` has returned.
"""

from __future__ import annotations

import sys

from sandbox.scenario.models import Family
from sandbox.scoring.types import Finding, ScoreCard, Severity
from sandbox.store import crud
from sandbox.store.db import open_database


def main(url: str, profile_id: str, count: int) -> int:
    db = open_database(url)
    print("ready", flush=True)
    sys.stdin.readline()
    with db.session() as s:
        attempt = crud.start_attempt(s, profile_id=profile_id, scenario_id="stress")
        print(f"attempt {attempt.id}", flush=True)
        n = 0
        while count == 0 or n < count:
            n += 1
            card = ScoreCard(
                scores={
                    Family.risk: n % 101,
                    Family.tone: 50,
                    Family.timing: 70,
                    Family.action: 100,
                },
                overall=n % 101,
                weights={Family.risk: 1.0},
                findings=(
                    Finding(
                        rule="risk.test",
                        family=Family.risk,
                        severity=Severity.warning,
                        start=0,
                        end=4,
                        match="text",
                        message=f"finding {n}",
                    ),
                ),
            )
            action = crud.record_action(
                s,
                attempt_id=attempt.id,
                post_id=f"post-{n}",
                kind="reply",
                text=f"reply number {n} " + "x" * 200,
                sim_at_seconds=float(n),
                score_card=card,
            )
            print(f"committed {action.id}", flush=True)
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
