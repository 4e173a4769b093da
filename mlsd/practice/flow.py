"""The practice session: the interview's flow as a state machine over the store.

Pure logic: it asks through a ``Prompter`` and shows through the same object, reads the
time through an injected clock, and writes every answer, question, hint, follow-up and
second through the ``Store`` the moment it happens. It never touches the terminal, so
tests drive whole sessions with a scripted prompter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from mlsd._util.formatting import clock
from mlsd.cases.brief import CaseBrief, make_brief, step_budgets
from mlsd.cases.models import Case, Clarification, Framework, step_prompts
from mlsd.log import events as ev
from mlsd.log.records import SessionRecord
from mlsd.log.store import Store
from mlsd.practice.answers import pick_follow_up

# Re-exported, for mypy too (``as``): callers still import these from their old home.
from mlsd.practice.answers import run_answers as run_answers  # noqa: PLC0414
from mlsd.practice.answers import start as start  # noqa: PLC0414

# Re-exported: the screens and the tests import these from here.
from mlsd.practice.card import StepCard as StepCard  # noqa: PLC0414
from mlsd.practice.card import editor_template as editor_template  # noqa: PLC0414
from mlsd.practice.card import strip_comments as strip_comments  # noqa: PLC0414
from mlsd.practice.commands import controls_help, parse_command, status_words
from mlsd.practice.diagram import PROMPT as DIAGRAM_PROMPT
from mlsd.practice.diagram import read_diagram
from mlsd.run.lifecycle import DEFAULT_REPLY, Choice, Outcome, Run

if TYPE_CHECKING:
    from mlsd.ai.interviewer import Coach


class Prompter(Protocol):
    """The terminal as the session sees it: ask questions, show things."""

    def select(self, message: str, choices: Sequence[Choice]) -> str: ...

    def answer(
        self, message: str, *, default: str = "", status: Callable[[], str] | None = None
    ) -> str:
        """Multi-line free text; ``status`` is a live line (time left, controls)."""
        ...

    def line(self, message: str) -> str:
        """A single line of free text."""
        ...

    def edit(self, text: str) -> str:
        """Open an editor on ``text`` and return what was saved."""
        ...

    def opening(
        self, brief: CaseBrief, level: str, minutes: float, resumed: bool, *, drill: bool = False
    ) -> None: ...

    def step(self, card: StepCard) -> None: ...

    def interviewer(self, text: str, *, question: str | None = None) -> None: ...

    def hint(self, index: int, total: int, text: str) -> None: ...

    def note(self, text: str) -> None: ...


class Practice(Run):
    """One practice session, new or resumed."""

    def __init__(
        self,
        store: Store,
        session_id: str,
        case: Case,
        framework: Framework,
        prompter: Prompter,
        *,
        clock: Callable[[], float] = time.monotonic,
        use_editor: bool = False,
        coach: Coach | None = None,
        only: str | None = None,
    ) -> None:
        super().__init__(store, session_id, case, framework, clock=clock)
        self.ui = prompter
        self.use_editor = use_editor
        self.coach = coach  # practice --ai: follow-ups and answers through a model
        self._open_follow_up: tuple[str, ev.FollowUp] | None = None  # asked, not yet answered
        # A drill: this one step, its budget the whole session's, the case's answers shown.
        self.only = only
        if only is not None:
            self.budgets = {
                **self.budgets,
                **step_budgets(framework, self.record.minutes or None, only=only),
            }

    # -- the flow ---------------------------------------------------------------------

    def run(self) -> Outcome:
        resumed = self.record.resumed
        self.ui.opening(
            make_brief(self.case, self.framework, self.record.minutes or None),
            self.record.level,
            self.record.minutes,
            resumed,
            drill=self.only is not None,
        )
        restored = self.begin(resumed)
        if restored:
            self.ui.note(restored)
        if self.only is not None:
            self._drill_brief(resumed)
        step_id = self.next_step()
        if resumed:
            done = [s.title for s in self.framework.steps if s.id in self.record.answers]
            where = self.framework.step(step_id).title if step_id else "the summary"
            open_ = self.record.follow_ups[-1] if self.record.follow_ups else None
            if open_ is not None and open_.draft:  # asked again first
                where = f"the follow-up to {self.framework.step(open_.step_id).title}"
            self.ui.note(
                f"Continuing at {where}. Answered so far: {', '.join(done) or 'nothing yet'}."
            )
        if self._finish_draft_follow_up() == "pause":
            return self.pause()
        while step_id is not None:
            result = self._do_step(step_id)
            if result == "pause":
                return self.pause()
            step_id = result if result not in ("next", None) else self.next_step()
        return self.finish()

    def next_step(self) -> str | None:
        done = set(self.record.answers) | set(self.record.skipped)
        steps = [self.only] if self.only is not None else self.framework.step_ids
        return next((s for s in steps if s not in done), None)

    def _drill_brief(self, resumed: bool) -> None:
        """A drill skips the questions: the interviewer's answers are given up front.

        A zero-time event on the step records which step this drill is (for resume)."""
        if not resumed and self.only is not None:
            self.commit(ev.Time(seconds=0.0), self.only)
        for c in self.case.clarifications:
            self.ui.interviewer(c.answer.strip(), question=c.question)

    def interrupted(self, draft: str = "") -> SessionRecord:
        """Also keep a half-typed answer to the step in progress, offered again on resume.

        Half a follow-up answer is kept as that follow-up's draft, asked again on resume."""
        step_id = self.timer.step
        if self._open_follow_up is not None and draft.strip():
            asked_in, asked = self._open_follow_up
            self.commit(replace(asked, answer=draft, draft=True), asked_in)
        elif step_id is not None and draft.strip():
            self.commit(ev.Draft(text=draft, base_revision=self.record.revisions(step_id)), step_id)
        return super().interrupted()

    def _do_step(self, step_id: str) -> str | None:
        """Run one step; returns "next", "pause", or the id of a step to revise."""
        self.start_clock(step_id)  # before the questions: they are part of the step's time
        if (
            step_id == "requirements"
            and "requirements" not in self.record.answers
            and not self._asked_any()
            and self.only is None
        ):
            self._clarify()
        self.ui.step(self._card(step_id))
        while True:
            edited = self.use_editor
            text = self._from_editor(step_id) if edited else self._typed(step_id)
            command = parse_command(text)
            if command == "/editor":
                edited, text, command = True, self._from_editor(step_id), None
                if not text.strip():
                    self.ui.note("The editor came back empty; nothing was saved.")
                    continue
            if command is None and text.strip():
                if edited:  # the prompt line shows "/editor" or nothing: show the text
                    self.ui.note(f"Your answer, as written in the editor:\n{text}")
                self._save_answer(step_id, text)
                if self._follow_up(step_id, text) == "pause":
                    self.stop_clock()
                    return "pause"
                return "next"
            if command is None:
                self.ui.note("An empty answer is not saved. Type your answer, or /skip to move on.")
            elif command == "/hint":
                self._hint(step_id)
            elif command == "/skip":
                self.stop_clock()
                self.commit(ev.Skip(), step_id)
                return "next"
            elif command == "/back" and self.only is not None:
                self.ui.note("A drill has one step; /skip ends it.")
            elif command == "/back":
                target = self._choose_step(step_id)
                if target is not None:
                    self.stop_clock()
                    return target
                self.ui.step(self._card(step_id))
            elif command == "/ask":
                self._clarify()
                self.ui.step(self._card(step_id))
            elif command == "/brief":
                self._show_brief()
            elif command == "/pause":
                self.stop_clock()
                return "pause"
            elif command == "/time":
                self.ui.note(self.status_line(step_id))
            elif command == "/diagram":
                self._diagram(step_id)
            else:
                self.ui.note(controls_help(step_id == "requirements", drill=self.only is not None))

    # -- pieces of a step -------------------------------------------------------------

    def _card(self, step_id: str) -> StepCard:
        fs = self.framework.step(step_id)
        drill = self.only is not None  # a drill's one step is step 1 of 1
        return StepCard(
            step_id=step_id,
            number=1 if drill else self.framework.step_ids.index(step_id) + 1,
            count=1 if drill else len(self.framework.steps),
            title=fs.title,
            goal=fs.goal,
            minutes=self.budgets[step_id] if self.record.minutes else 0,
            prompts=step_prompts(self.case, self.framework, fs.id),
            clarifications=[(c.question, c.answer) for c in self.record.clarifications]
            if step_id == "requirements"
            else [],
            draft=self._draft(step_id),
            is_requirements=step_id == "requirements",
        )

    def _draft(self, step_id: str) -> str:
        """The text to start from: an unsubmitted draft saved at Ctrl-C, else the last answer."""
        return self.record.drafts.get(step_id) or self.record.answers.get(step_id, "")

    def _asked_any(self) -> bool:
        return bool(self.record.clarifications)

    def _clarify(self) -> None:
        """Let the candidate ask the interviewer questions until they start answering."""
        while True:
            asked = set(self.record.clarification_ids)
            open_questions = [c for c in self.case.clarifications if c.id not in asked]
            choices = [Choice(f"c:{c.id}", c.question) for c in open_questions]
            choices += [
                Choice("own", "Ask in my own words…"),
                Choice("done", "Start answering the requirements"),
            ]
            picked = self.ui.select("Ask the interviewer a clarifying question", choices)
            if picked == "done":
                return
            if picked == "own":
                question = self.ui.line("Your question").strip()
                if not question:
                    continue
                from mlsd.rubric.lookup import asked_in

                if self.coach:
                    self._record_clarification(question, self.coach.clarify(question))
                    continue
                for part, found in asked_in(question, self.case.clarifications):
                    self._record_clarification(part, found)
            else:
                found = next(c for c in open_questions if f"c:{c.id}" == picked)
                self._record_clarification(found.question, found)

    def _record_clarification(self, question: str, found: Clarification | None) -> None:
        answer = found.answer.strip() if found else DEFAULT_REPLY
        self.commit(
            ev.Clarification(question=question, answer=answer, id=found.id if found else None),
            "requirements",
        )
        self.ui.interviewer(answer, question=question)

    def _show_brief(self) -> None:
        """The opening and the interviewer's answers so far: they scroll away as you write."""
        self.ui.note("The brief so far:")
        self.ui.interviewer(self.case.prompt.strip())
        for clarification in self.record.clarifications:
            self.ui.interviewer(clarification.answer, question=clarification.question)
        if not self.record.clarifications:
            self.ui.note("No clarifying questions asked yet (/ask in the requirements step).")

    def _typed(self, step_id: str) -> str:
        return self.ui.answer(
            f"Your answer · {self.framework.step(step_id).title}",
            default=self._draft(step_id),
            status=lambda: self.status_line(step_id),
        )

    def _from_editor(self, step_id: str) -> str:
        template = editor_template(self._card(step_id), self._draft(step_id))
        return strip_comments(self.ui.edit(template))

    def _diagram(self, step_id: str) -> None:
        typed = self.ui.answer(
            DIAGRAM_PROMPT,
            default=self.record.diagram or "",
            status=lambda: self.status_line(step_id),
        )
        reply = read_diagram(typed, self.record.diagram is not None)
        if reply.save is not None:
            self.commit(ev.Diagram(text=reply.save), step_id)
        self.ui.note(reply.message)

    def _hint(self, step_id: str) -> None:
        hints = self.case.steps[step_id].hints if step_id in self.case.steps else []
        used = self.record.hints.get(step_id, 0)
        if used >= len(hints):
            self.ui.note(
                "No more hints for this step." if hints else "This case has no hints for this step."
            )
            return
        self.commit(ev.Hint(index=used), step_id)
        self.ui.hint(used + 1, len(hints), hints[used])

    def _save_answer(self, step_id: str, text: str) -> None:
        self.save_answer(step_id, text)
        self.stop_clock()
        self.refresh()

    def _finish_draft_follow_up(self) -> str | None:
        """A follow-up half-answered when the session stopped is asked again, with what
        was typed, before the session goes on. "pause" when it was paused again."""
        last = self.record.follow_ups[-1] if self.record.follow_ups else None
        if last is None or not last.draft:
            return None
        return self._ask_follow_up(last.step_id, last.question, last.index, last.answer or "")

    def _follow_up(self, step_id: str, answer: str) -> str | None:
        """Ask the step's follow-up, if it has one left; "pause" when the candidate paused."""
        follow_up = pick_follow_up(
            self.case, step_id, answer, [f.question for f in self.record.follow_ups_for(step_id)]
        )
        generated = self.coach.follow_up(self.record, step_id) if self.coach else None
        follow_up_index: int | None = None  # a generated follow-up has no place in the case
        if generated is not None:
            question = generated.question
        elif follow_up is not None:
            question = follow_up.question
            follow_up_index = self.case.steps[step_id].follow_ups.index(follow_up)
        else:
            return None
        return self._ask_follow_up(step_id, question, follow_up_index)

    def _ask_follow_up(
        self, step_id: str, question: str, follow_up_index: int | None, draft: str = ""
    ) -> str | None:
        """Ask until answered or passed; "pause" keeps it open, to be asked again on resume.

        A command that works only at the step's own answer (/hint, /back ...) is explained
        and the follow-up asked again: no command throws the follow-up away."""
        self.ui.interviewer(question)
        asked = ev.FollowUp(question=question, index=follow_up_index)
        self._open_follow_up = (step_id, asked)
        self.start_clock(step_id)  # a follow-up's time is its step's, as in an interview
        while True:
            reply = self.ui.answer(
                "Your answer to the follow-up (/skip to pass)",
                default=draft,
                status=lambda: self.status_line(step_id, follow_up=True),
            )
            draft = ""
            command = parse_command(reply)
            if command in (None, "/skip"):
                break
            if command == "/pause":
                self._open_follow_up = None
                self.stop_clock()
                self.commit(replace(asked, answer="", draft=True), step_id)
                return "pause"
            if command == "/brief":
                self._show_brief()
            elif command == "/time":
                self.ui.note(self.status_line(step_id, follow_up=True))
            else:
                self.ui.note(controls_help(False, follow_up=True, drill=self.only is not None))
            self.ui.interviewer(question)
        self._open_follow_up = None
        self.stop_clock()
        text = None if command == "/skip" or not reply.strip() else reply
        self.commit(replace(asked, answer=text), step_id)
        return None

    def _choose_step(self, current: str) -> str | None:
        """An earlier step, or a later one answered: /back revises, never jumps ahead."""
        ids = [s.id for s in self.framework.steps]
        earlier = set(ids[: ids.index(current)])
        choices = [
            Choice(s.id, f"{s.title}{'' if s.id in self.record.answers else ' (not answered)'}")
            for s in self.framework.steps
            if s.id != current and (s.id in self.record.answers or s.id in earlier)
        ]
        if not choices:
            self.ui.note("Nothing to revise yet: this is the first step.")
            return None
        choices.append(Choice("stay", "Stay on this step"))
        picked = self.ui.select("Which step do you want to revise?", choices)
        return None if picked == "stay" else picked

    def status_line(self, step_id: str, *, follow_up: bool = False) -> str:
        spent = self.elapsed(step_id)
        if not self.record.minutes:
            time_text = f"{clock(spent)} spent"
        else:
            left = self.budgets[step_id] * 60 - spent
            time_text = f"{clock(left)} left" if left >= 0 else f"over by {clock(left)}"
        # Short enough for 60 columns: the step's title is on the answer's own message line.
        words = status_words(follow_up=follow_up, drill=self.only is not None)
        return f" {time_text} · {words} "
