"""Options that several commands share, declared once (as sqlite-utils declares its own)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mlsd._util.levels import LEVELS, Level
from mlsd.cli.app import FLAG


class LevelChoice(str, Enum):
    mid = "mid"
    senior = "senior"
    staff = "staff"

    @property
    def level(self) -> Level:
        return LEVELS[list(LevelChoice).index(self)]


# Ten hours: far past any interview, and it keeps inf (which JSON cannot carry) out.
MAX_MINUTES = 600

MinutesOpt = Annotated[
    float,
    typer.Option(
        "--minutes",
        "-m",
        min=0,
        max=MAX_MINUTES,
        help="Interview length; step budgets scale to it. 0 = untimed.",
        metavar="MINUTES",
    ),
]
LevelOpt = Annotated[
    LevelChoice, typer.Option("--level", "-l", help="The level you are interviewing for.")
]
CandidateLevelOpt = Annotated[
    LevelChoice,
    typer.Option("--level", "-l", help="The level the candidate interviews for."),
]
ScoreLevelOpt = Annotated[
    LevelChoice | None,
    typer.Option(
        "--level",
        "-l",
        help="mid, senior or staff (default: the session's level; senior for a doc).",
    ),
]
ExportOpt = Annotated[
    Path | None,
    typer.Option("--export", "-e", help="Write the design doc here at the end.", dir_okay=False),
]
AnswersOpt = Annotated[
    Path | None,
    typer.Option(
        "--answers", "-a", help="Run without prompts from an answers file (YAML).", dir_okay=False
    ),
]
EditorOpt = Annotated[
    bool, typer.Option("--editor", help="Write every answer in $VISUAL / $EDITOR.", metavar=FLAG)
]
SessionArg = Annotated[
    str, typer.Argument(metavar="SESSION", help="Session id, unique prefix, or 'latest'.")
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="NAME",
        help="The llm model for the AI judge and interviewer (default: $MLSD_MODEL; "
        "see mlsd ai check).",
        show_default=False,
    ),
]
AiOpt = Annotated[
    bool,
    typer.Option(
        "--ai",
        help="An AI interviewer (needs a model): follow-ups on what you wrote, and "
        "your own clarifying questions answered from the case.",
        metavar=FLAG,
    ),
]
