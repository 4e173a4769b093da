"""The peer interview: the interviewer's script, checklist and clock as a state machine.

The candidate talks; a peer who need not know the case runs this on their own screen.
Like ``session.Practice`` it is pure logic: it asks and shows only through an
``Interviewer`` object, reads the time through an injected clock, and commits every
tick, follow-up, hint, clarification, note and rating through the ``Store`` the moment
it happens, so Ctrl-C anywhere loses nothing and ``mlsd resume`` picks up where the
interviewer was. What happened is always re-derived from the event log
(``log.projection``), never kept in two places.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from mlsd._util.levels import LEVELS
from mlsd.ai.scorecard import Drafter, ScorecardDraft
from mlsd.cases.models import Case, Clarification, Framework
from mlsd.interview.checklist import (
    DIMENSIONS,
    RECOMMENDATIONS,
    SCALE,
    Dimension,
    assessed,
    level_evidence,
    step_points,
)
from mlsd.interview.script import (
    Interviewer,
    ReadOut,
    StepScreen,
    clock_line,
    opening,
    rating_screen,
    step_menu,
    step_screen,
)
from mlsd.log import events as ev
from mlsd.log.records import InterviewState, SessionRecord
from mlsd.log.store import Store
from mlsd.rubric.lookup import candidates
from mlsd.run.lifecycle import DEFAULT_REPLY, Choice, Outcome, Run

# Shown to the interviewer when a lookup is ambiguous: more would be a reading exercise.
MAX_CANDIDATES = 3
# The first line of a rating or recommendation menu: the pointer rests here, so a stray
# Enter records nothing, and no answer is suggested by where the pointer starts.
CHOOSE = Choice("", "↓ Choose one below (nothing is preselected)")
DRAFTED = "  ← the model's draft"  # beside the choice a draft scorecard suggests


class Interview(Run):
    """One interview, new or resumed."""

    def __init__(
        self,
        store: Store,
        session_id: str,
        case: Case,
        framework: Framework,
        ui: Interviewer,
        *,
        clock: Callable[[], float] = time.monotonic,
        drafter: Drafter | None = None,  # interview --model: a draft scorecard to edit
    ) -> None:
        super().__init__(store, session_id, case, framework, clock=clock)
        self.ui = ui
        self.drafter = drafter
        self._draft: ScorecardDraft | None = None
        self._ticking: str | None = None  # the step whose checklist is open
        self._pending: Callable[[str], None] | None = None  # keeps a half-typed line

    # -- the flow ---------------------------------------------------------------------

    def run(self) -> Outcome:
        if self.record.status == "finished":
            self.ui.note("This interview is already finished.")
            return Outcome(self.record, paused=False)
        resumed = self.state.started
        restored = self.begin(resumed)
        step_id: str | None = None
        if not self.state.wrapping_up:
            step_id = self.state.current_step or self.framework.step_ids[0]
        where = self.framework.step(step_id).title if step_id else "the ratings"
        self.ui.opening(
            opening(
                self.case,
                self.framework,
                self.record,
                self.state,
                self.budgets,
                where if resumed else None,
            )
        )
        if restored:
            self.ui.note(restored)
        if resumed:
            message = "Ready?"
            choices = [Choice("go", f"Continue at {where}"), Choice("pause", "Not now")]
        else:
            message = "Read the opening out, then"
            choices = [Choice("go", f"Begin with step 1: {where}"), Choice("pause", "Not now")]
        if self.ui.select(message, choices) == "pause":
            return self.pause()
        while step_id is not None:
            result = self._do_step(step_id)
            if result == "pause":
                return self.pause()
            step_id = None if result == "wrap" else result
        return self._wrap_up()

    @property
    def state(self) -> InterviewState:
        return self.record.interview

    def interrupted(self, draft: str = "", checked: Sequence[str] | None = None) -> SessionRecord:
        """Also keep the open checklist's ticks or a half-typed note or justification."""
        if checked is not None and self._ticking is not None:
            self._apply_ticks(self._ticking, checked)
        elif draft.strip() and self._pending is not None:
            self._pending(draft)
        self._ticking = self._pending = None
        return super().interrupted()

    def _do_step(self, step_id: str) -> str:
        """Run one step's menu; returns the next step id, "wrap" or "pause"."""
        self.commit(ev.Enter(), step_id)
        self.start_clock(step_id)
        said: ReadOut | None = None
        action = "tick"
        while True:
            screen = self.screen(step_id)
            self.ui.step(screen)
            if said is not None:
                self.ui.read_out(said)
            action = self.ui.select(
                "What now?",
                self._menu(screen),
                default=action,
                status=lambda: self.status_line(step_id),
                shortcuts=True,
            )
            if said is not None and action in ("follow_up", "hint", "probe", "clarify", "note"):
                self.ui.step(screen)  # the last read-out is done with: clear it away
            said = None
            if action == "tick":
                self._tick(screen)
            elif action == "follow_up":
                said = self._follow_up(step_id)
            elif action == "hint":
                said = self._hint(step_id)
            elif action == "probe":
                said = self._probe(step_id)
            elif action == "clarify":
                said = self._clarify(step_id)
            elif action == "note":
                self._note(step_id)
            elif action in ("next", "goto", "pause"):
                target: str | None = action
                if action == "next":
                    target = self._next_of(step_id)
                elif action == "goto":
                    target = self._choose_step(step_id)
                if target is not None:
                    self.stop_clock()
                    return target

    def _next_of(self, step_id: str) -> str:
        ids = self.framework.step_ids
        index = ids.index(step_id)
        return ids[index + 1] if index + 1 < len(ids) else "wrap"

    def _menu(self, screen: StepScreen) -> list[Choice]:
        following = self._next_of(screen.step_id)
        return step_menu(
            screen, None if following == "wrap" else self.framework.step(following).title
        )

    # -- what the interviewer does within a step ---------------------------------------

    def _tick(self, screen: StepScreen) -> None:
        choices = [
            Choice(p.key, f"{n:>2}. {'[' + p.level + ']':<8} {p.text}")
            for n, p in enumerate(screen.points, start=1)
        ]
        self._ticking = screen.step_id
        checked = self.ui.checklist(
            "Tick what you heard",
            choices,
            [p.key for p in screen.points if p.key in screen.ticked],
            status=lambda: self.status_line(screen.step_id),
        )
        self._ticking = None
        self._apply_ticks(screen.step_id, checked)

    def _apply_ticks(self, step_id: str, checked: Sequence[str]) -> None:
        """One event per change, in checklist order, each committed on its own."""
        points = step_points(self.case, self.framework, step_id, self.record.level)
        wanted = set(checked)
        for point in points:
            ticked = self.state.is_ticked(step_id, point.key)
            if (point.key in wanted) != ticked:
                kind = ev.Untick if ticked else ev.Tick
                self.commit(kind(id=point.id, source=point.source, level=point.level), step_id)

    def _follow_up(self, step_id: str) -> ReadOut | None:
        follow_ups = self.case.steps[step_id].follow_ups
        asked = self.state.follow_ups.get(step_id, [])
        fresh = [i for i in range(len(follow_ups)) if i not in asked]
        choices = [
            Choice(str(i), f.question + ("  (asked)" if i in asked else ""))
            for i, f in enumerate(follow_ups)
        ]
        choices.append(Choice("back", "Back"))
        picked = self.ui.select(
            "Which follow-up do you ask?", choices, default=str(fresh[0]) if fresh else None
        )
        if picked == "back":
            return None
        index = int(picked)
        follow_up = follow_ups[index]
        if index not in asked:
            self.commit(ev.FollowUp(question=follow_up.question, index=index), step_id)
        return ReadOut(
            f"Ask follow-up {index + 1} of {len(follow_ups)}",
            follow_up.question,
            listen_for=tuple(follow_up.listen_for),
        )

    def _hint(self, step_id: str) -> ReadOut | None:
        """Let the interviewer read the hints and pick one: a peer may skip one that the
        candidate has already covered, though they are written from gentle to direct."""
        hints = self.case.steps[step_id].hints
        given = self.state.hints.get(step_id, [])
        fresh = [i for i in range(len(hints)) if i not in given]
        choices = [
            Choice(str(i), hint + ("  (given)" if i in given else ""))
            for i, hint in enumerate(hints)
        ]
        choices.append(Choice("back", "Back"))
        picked = self.ui.select(
            "Which hint do you give? They go from gentle to direct",
            choices,
            default=str(fresh[0]) if fresh else "back",
        )
        if picked == "back":
            return None
        index = int(picked)
        if index not in given:
            self.commit(ev.Hint(index=index), step_id)
        return ReadOut(f"Say this hint ({index + 1} of {len(hints)})", hints[index])

    def _probe(self, step_id: str) -> ReadOut | None:
        """A probe in full, to ask in one's own words: the step screen may only have room
        to count them. Recorded, so the scorecard says what the candidate was prompted on."""
        probes = self.case.steps[step_id].probes
        choices = [Choice(str(i), probe) for i, probe in enumerate(probes)]
        choices.append(Choice("back", "Back"))
        picked = self.ui.select("Which probe do you ask?", choices)
        if picked == "back":
            return None
        index = int(picked)
        if index not in self.state.probes.get(step_id, []):
            self.commit(ev.Probe(index=index), step_id)
        return ReadOut("Ask this if they do not get there (a probe, not a hint)", probes[index])

    def _clarify(self, step_id: str) -> ReadOut | None:
        """Find the clarification the candidate asked for from a few typed words."""
        while True:
            typed = self.ui.line(
                "What did the candidate ask? A few words (empty to go back)"
            ).strip()
            if not typed:
                return None
            found = candidates(typed, self.case.clarifications, MAX_CANDIDATES)
            if len(found) == 1:
                return self._answer(step_id, typed, found[0])
            default = "The default: ask them to make a reasonable assumption and say it"
            if found:
                message = "Which of these did the candidate ask?"
                choices = [Choice(c.id, c.question) for c in found]
                choices.append(Choice("default", f"None of these. {default}"))
            else:
                message = f"Nothing matches “{typed}”. Answer with"
                choices = [Choice("default", default)]
                choices += [Choice(c.id, c.question) for c in self.case.clarifications]
            choices.append(Choice("again", "Search again with other words"))
            picked = self.ui.select(message, choices)
            if picked != "again":
                by_id = {c.id: c for c in self.case.clarifications}
                return self._answer(step_id, typed, by_id.get(picked))

    def _answer(self, step_id: str, typed: str, found: Clarification | None) -> ReadOut:
        answer = found.answer.strip() if found else DEFAULT_REPLY
        question = found.question if found else typed
        self.commit(
            ev.Clarification(
                question=question, answer=answer, id=found.id if found else None, typed=typed
            ),
            step_id,
        )
        return ReadOut("Answer the candidate", answer, asked=question)

    def _note(self, step_id: str) -> None:
        self._pending = lambda draft: self.commit(ev.Note(text=draft), step_id)
        text = self.ui.line("Note (Enter saves, empty to cancel)", keep_draft=True)
        self._pending = None
        if text.strip():
            self.commit(ev.Note(text=text), step_id)

    def _choose_step(self, current: str) -> str | None:
        choices = [
            Choice(s.id, f"{n}. {s.title}")
            for n, s in enumerate(self.framework.steps, start=1)
            if s.id != current
        ]
        choices += [
            Choice("wrap", "Wrap up now: rate the candidate"),
            Choice("stay", "Stay on this step"),
        ]
        picked = self.ui.select("Go to which step?", choices, default="stay")
        return None if picked == "stay" else picked

    # -- the ratings --------------------------------------------------------------------

    def _wrap_up(self) -> Outcome:
        if not self.state.wrapping_up:
            self.commit(ev.WrapUp())
        to_rate = [d for d in DIMENSIONS if assessed(d, self.framework, self.state)]
        skipped = tuple(d.title for d in DIMENSIONS if d not in to_rate)
        if self.drafter and any(d.id not in self.state.ratings for d in to_rate):
            dims = [(d.id, d.title) for d in to_rate]
            self._draft = self.drafter.draft(self.record, dims, RECOMMENDATIONS)
        for number, dim in enumerate(to_rate, start=1):
            if dim.id not in self.state.ratings:
                self._rate(dim, number, len(to_rate), skipped)
        if self.state.recommendation is None:
            self.ui.ratings([(d.title, self.state.ratings.get(d.id)) for d in DIMENSIONS])
            drafted = self._draft.recommendation if self._draft else None
            choices = [
                Choice(value, label + (DRAFTED if value == drafted else ""))
                for value, label in RECOMMENDATIONS
            ]
            value = self._choose("Your overall recommendation", choices)
            self.commit(ev.Recommendation(value=value))
        if self.state.level_estimate is None:
            evidence = level_evidence(self.case, self.framework, self.state, self.record.level)
            self.ui.evidence(evidence, self.record.level)
            hint = f"  (the ticks suggest {evidence.signal.summary})"
            choices = [
                Choice(lvl, lvl + (hint if lvl == evidence.suggested else "")) for lvl in LEVELS
            ]
            # Nothing preselected, like every judgement here: Enter alone must not record one.
            level = self._choose("At which level did the candidate perform?", choices)
            self.commit(
                ev.LevelEstimate(
                    level=level, suggested=evidence.suggested, signal=evidence.signal.summary
                )
            )
        return self.finish()

    def _choose(self, message: str, choices: list[Choice]) -> str:
        """A judgement with nothing preselected: Enter on the first line asks again."""
        while True:
            picked = self.ui.select(message, [CHOOSE, *choices], default=CHOOSE.value)
            if picked != CHOOSE.value:
                return picked

    def _rate(self, dim: Dimension, number: int, count: int, not_assessed: Sequence[str]) -> None:
        screen = rating_screen(
            self.case, self.framework, self.record, self.state, dim, number, count, not_assessed
        )
        self.ui.rating(screen)
        draft = self._draft.ratings.get(dim.id) if self._draft else None
        mark: dict[int, str] = {draft.score: DRAFTED} if draft else {}
        choices = [Choice(str(i), f"{i}  {s}{mark.get(i, '')}") for i, s in enumerate(SCALE, 1)]
        if draft:
            keep_it = f"choose {draft.score}, then Enter at Why?, to keep this line"
            self.ui.note(f"Draft: {draft.score}. {draft.justification} ({keep_it})")
        score = int(self._choose(f"Rate: {dim.title}", choices))
        self.commit(ev.Rating(dimension=dim.id, score=score))

        def keep(text: str) -> None:
            self.commit(ev.Rating(dimension=dim.id, score=score, justification=text))

        # The draft's line argues for its score, in the model's words: kept with that score only.
        kept = draft.justification if draft and draft.score == score else ""
        self._pending = keep
        hint = "keeps the draft" if kept else "to skip"
        why = self.ui.line(f"Why? One line of evidence (Enter {hint})", keep_draft=True)
        self._pending = None
        if why.strip() or kept:
            keep(why if why.strip() else f"{kept} (the model's draft)")

    # -- screens ------------------------------------------------------------------------

    def screen(self, step_id: str) -> StepScreen:
        return step_screen(
            self.case, self.framework, self.record, self.state, self.budgets, step_id
        )

    def status_line(self, step_id: str) -> str:
        budget = self.budgets[step_id] * 60 if self.record.minutes else None
        return clock_line(
            self.framework.step(step_id).title,
            self.elapsed(step_id),
            self.elapsed(),
            budget,
            self.record.minutes * 60,
        )

    # -- the scorecard file -------------------------------------------------------------

    def remember_scorecard(self, path: Path) -> None:
        """Keep ``--scorecard FILE`` with the session, so a resumed interview still writes it."""
        self.commit(ev.ScorecardTarget(path=str(path.resolve())))
