"""``python -m recsys.simulation``: the lab's default run on the shipped catalogue, printed as
the README shows it (the summary, the Holm-adjusted differences, the reading, the time).

Options: ``--replicates``, ``--users``, ``--rounds``, ``--seed`` (the page's defaults);
``--absent`` adds Hybrid against Adaptive on the personas the interaction log leaves out.
"""

from __future__ import annotations

import argparse
import logging
import time

import pandas as pd

from recsys.log_population import absent_persona_line
from recsys.simulation.comparisons import compare, differences, shown_differences
from recsys.simulation.environment import LabSettings, run_lab
from recsys.simulation.reading import reading
from recsys.simulation.report import shown_summary, summary
from recsys.simulation.shipped import shipped_lab_inputs
from recsys.simulation.users import UserParameters
from recsys.strategy import PRESETS


def markdown(frame: pd.DataFrame) -> str:
    """A table as GitHub markdown (its cells as text)."""
    rows = [list(map(str, frame.columns)), ["---"] * frame.shape[1]]
    rows += [[str(value) for value in row] for row in frame.itertuples(index=False)]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    defaults = LabSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=defaults.replicates)
    parser.add_argument("--users", type=int, default=defaults.n_users)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--absent",
        action="store_true",
        help="also run Hybrid against Adaptive on the personas absent from the log",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    inputs = shipped_lab_inputs()
    settings = LabSettings(
        n_users=args.users, rounds=args.rounds, seed=args.seed, replicates=args.replicates
    )
    params = UserParameters()
    started = time.perf_counter()
    runs = run_lab(
        list(PRESETS.values()), inputs.context, inputs.personas, inputs.quality, settings, params
    )
    seconds = time.perf_counter() - started
    table, comparisons = summary(runs), compare(runs)
    out = [
        f"{len(runs)} strategies x {settings.replicates} replicates x {settings.n_users} users x "
        f"{settings.rounds} rounds, slate {settings.slate_size}, seed {settings.seed}: "
        f"{seconds:.1f} s",
        "",
        markdown(shown_summary(table)),
        "",
        markdown(shown_differences(differences(comparisons))),
        "",
        *(f"- {s}" for s in reading(runs, table, params, inputs.context.hook, comparisons)),
    ]
    if args.absent:
        out.append(
            "- "
            + absent_persona_line(inputs.context, inputs.personas, inputs.quality, settings, params)
        )
    print("\n".join(out))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
