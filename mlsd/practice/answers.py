"""Sessions without the flow's prompts: starting one, and a whole one from an answers file.

Split from ``practice.flow`` (which re-exports these names) because none of it asks
anything: an answers-file run writes the same records an interactive one does, and the
follow-up choice is shared by both.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlsd._util.levels import Level
from mlsd.cases.models import AnswersFile, Case, FollowUp, Framework
from mlsd.log import events as ev
from mlsd.log.events import Mode
from mlsd.log.records import SessionRecord
from mlsd.log.store import Store


def pick_follow_up(
    case: Case, step_id: str, answer: str, already: Sequence[str]
) -> FollowUp | None:
    """Prefer a follow-up whose points the answer has not already covered."""
    step = case.steps.get(step_id)
    if step is None:
        return None
    fresh = [f for f in step.follow_ups if f.question not in already]
    if not fresh:
        return None
    from mlsd.rubric.matching import covers  # its regexes cost start-up; first needed here

    uncovered = [f for f in fresh if not covers(f.listen_for, answer)]
    return (uncovered or fresh)[0]


def start(
    store: Store, case: Case, case_path: str, *, mode: Mode, level: Level, minutes: float
) -> str:
    return store.create_session(
        case_id=case.id,
        case_path=case_path,
        case_title=case.title,
        mode=mode,
        level=level,
        minutes=minutes,
    )


def run_answers(
    store: Store,
    case: Case,
    case_path: str,
    framework: Framework,
    answers: AnswersFile,
    *,
    level: Level,
    minutes: float,
    only: str | None = None,
) -> SessionRecord:
    """A whole session from an answers file: same records as an interactive one, no prompts.

    With ``only``, a drill: that one step, stored with mode "drill"."""
    mode: Mode = "practice" if only is None else "drill"
    with store.batch():
        session_id = start(
            store, case, case_path, mode=mode, level=answers.level or level, minutes=minutes
        )
        if only is not None:
            # as in a live drill: the step is named first, and no questions are asked
            store.add_event(session_id, ev.Time(seconds=0.0), only)
        by_id = {c.id: c for c in case.clarifications}
        for cid in answers.clarifications if only is None else []:
            found = by_id[cid]
            store.add_event(
                session_id,
                ev.Clarification(question=found.question, answer=found.answer.strip(), id=cid),
                "requirements",
            )
        for step_id in framework.step_ids if only is None else [only]:
            text = answers.answers.get(step_id, "")
            if not text.strip():
                store.add_event(session_id, ev.Skip(), step_id)
                continue
            store.save_answer(session_id, step_id, text)
            if step_id not in answers.follow_ups:
                continue
            follow_up = pick_follow_up(case, step_id, text, [])
            if follow_up is not None:
                store.add_event(
                    session_id,
                    ev.FollowUp(
                        question=follow_up.question,
                        index=case.steps[step_id].follow_ups.index(follow_up),
                        answer=answers.follow_ups[step_id],
                    ),
                    step_id,
                )
        if answers.diagram is not None and answers.diagram.strip():
            store.add_event(session_id, ev.Diagram(text=answers.diagram))
        store.set_status(session_id, "finished")
    return store.load(session_id)
