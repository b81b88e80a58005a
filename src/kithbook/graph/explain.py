"""Why each warm path ranks where it does, from the same numbers that ranked it.

`explain_paths` turns ranked `WarmPath`s into `Explanation`s: the evidence for every
factor of the score (who agrees how readily and why, how strong the last hop is), the
weakest link, and how the path compares with its neighbours in the ranking. `render`
writes that as sentences. People reached through an anonymous tie are never passed to
the naming function: they are written as "a contact at <organization>".

A tie belongs to its owner: its strength and stated trust are theirs. In a community,
`render` gives numbers only for the searcher's own tie (the first hop); every other
member's tie is told in coarse words ("knows Bob well", "a strong tie"), and their stated
trust only as far as their own rule discloses it ("lets people they trust at 3 or more
ask", which the asker met). The agree chances and the last hop's strength are read from
those ties, so they are not printed either. In a local book every tie and link is the
searcher's own record, and `all_ties_mine=True` shows them all with their numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kithbook.graph.paths import WarmPath
from kithbook.graph.policy import ANYONE, TRUSTED
from kithbook.graph.snapshot import Snapshot


@dataclass(frozen=True)
class IntroducerStep:
    """One intermediary: how they know the person asking them, and what they allow."""

    person: int
    asker: int
    strength_back: float  # the introducer's tie to the asker
    trust_back: int  # their stated trust of the asker (0 = unstated)
    agree: float
    ask_rule: int  # of the introducer's tie onward
    min_trust: int
    onward: int
    onward_strength: float


@dataclass(frozen=True)
class Explanation:
    rank: int  # 1-based
    path: WarmPath
    steps: tuple[IntroducerStep, ...]
    first_strength: float  # the searcher's own tie to the first intermediary
    weakest: str  # "agree:<i>" or "last"
    score_above: float | None  # score of the path ranked just above
    score_below: float | None


def explain_paths(snapshot: Snapshot, paths: Sequence[WarmPath]) -> list[Explanation]:
    out = []
    for r, path in enumerate(paths):
        steps = []
        for i, edge in enumerate(path.edges[1:], start=1):
            into = path.edges[i - 1]  # asker → introducer; its reverse is the introducer's
            back = int(snapshot.rev[into])
            steps.append(IntroducerStep(
                person=path.people[i], asker=path.people[i - 1],
                strength_back=float(snapshot.strength[back]),
                trust_back=int(snapshot.trust[back]), agree=path.agrees[i - 1],
                ask_rule=int(snapshot.ask_rule[edge]), min_trust=int(snapshot.min_trust[edge]),
                onward=path.people[i + 1], onward_strength=float(snapshot.strength[edge])))
        factors = [*path.agrees, path.last_strength]
        low = min(range(len(factors)), key=factors.__getitem__)
        weakest = "last" if low == len(factors) - 1 else f"agree:{low}"
        out.append(Explanation(
            rank=r + 1, path=path, steps=tuple(steps),
            first_strength=float(snapshot.strength[path.edges[0]]), weakest=weakest,
            score_above=paths[r - 1].score if r > 0 else None,
            score_below=paths[r + 1].score if r + 1 < len(paths) else None))
    return out


def _how_well(strength: float) -> str:
    strength = round(strength, 2)  # judge the figure the reader sees, not float32 noise
    if strength >= 0.7:
        return "well"
    if strength >= 0.4:
        return "fairly well"
    return "a little"


def _tie_word(strength: float) -> str:
    strength = round(strength, 2)
    return "strong" if strength >= 0.7 else "moderate" if strength >= 0.4 else "weak"


def render(snapshot: Snapshot, explanation: Explanation,
           name_of: Callable[[int], str], searcher_name: str = "you", *,
           all_ties_mine: bool = False) -> str:
    """The explanation as sentences; `name_of` is only ever called for named people.

    `all_ties_mine`: every tie on the path is the searcher's own record (a local book),
    so its numbers may be shown; otherwise only the first hop's are."""
    path = explanation.path
    who = _namer(snapshot, path, name_of, searcher_name)
    lines = _numbers(explanation, who) if all_ties_mine else _words(explanation, who)
    if explanation.weakest == "last":
        weak = "the last hop"
        figure = path.last_strength
    else:
        i = int(explanation.weakest.split(":")[1])
        weak = f"whether {who(i + 1)} agrees"
        figure = path.agrees[i]
    rank = f"Weakest link: {weak} ({figure:.2f})." if all_ties_mine else f"Weakest link: {weak}."
    if explanation.score_above is not None and explanation.score_above == path.score:
        rank += " Same score as the path above, which is shorter or comes first."
    elif explanation.score_above is not None:
        rank += f" Below #{explanation.rank - 1} ({explanation.score_above:.3f})."
    if explanation.score_below is not None and explanation.score_below < path.score:
        rank += f" Above #{explanation.rank + 1} ({explanation.score_below:.3f})."
    lines.append(rank)
    return "\n".join(lines)


def _namer(snapshot: Snapshot, path: WarmPath, name_of: Callable[[int], str],
           searcher_name: str) -> Callable[[int], str]:
    def who(i: int) -> str:
        if i == 0:
            return searcher_name
        if path.anonymous[i]:
            org = snapshot.people.organization_of(path.people[i])
            return f"a contact at {org}" if org else "a contact"
        return name_of(path.people[i])
    return who


def summary(snapshot: Snapshot, explanation: Explanation,
            name_of: Callable[[int], str]) -> str:
    """Why the path ranks where it does, in one plain sentence without figures: who is
    asked, how well the last one knows the target, and the weakest step."""
    path = explanation.path
    who = _namer(snapshot, path, name_of, "you")
    last = len(path.people) - 1
    first = explanation.steps[0] if explanation.steps else None
    asked = (f"{who(1)} knows you {_how_well(first.strength_back)}" if first is not None
             else f"you know {who(1)}")
    if explanation.weakest == "last":
        weak = f"how well {who(last - 1)} knows {who(last)}"
    else:
        weak = f"whether {who(int(explanation.weakest.split(':')[1]) + 1)} agrees"
    lead = "Best" if explanation.rank == 1 else f"#{explanation.rank}"
    return (f"{lead}: {asked}, and {who(last - 1)} knows {who(last)} "
            f"{_how_well(path.last_strength)}; the weakest step is {weak}.")


def _numbers(explanation: Explanation, who: Callable[[int], str]) -> list[str]:
    """Every factor with its figure: all of them are the searcher's own record."""
    path = explanation.path
    factors = [f"{who(i + 1)} agrees {a:.2f}" for i, a in enumerate(path.agrees)]
    if path.vouches:  # each intermediary's trust factor follows their agree chance
        factors = [f"{said} × trust in {who(i + 1)} {v:.2f}"
                   for i, (said, v) in enumerate(zip(factors, path.vouches, strict=True))]
    factors.append(f"{who(len(path.people) - 2)}–{who(len(path.people) - 1)} tie "
                   f"{path.last_strength:.2f}")
    lines = [f"#{explanation.rank}: score {path.score:.3f} = " + " × ".join(factors) + "."]
    for n, step in enumerate(explanation.steps, start=1):
        asker = who(n - 1)
        knows = "knows you" if n == 1 else f"knows {asker}"
        sentence = f"{who(n)} {knows} {_how_well(step.strength_back)} ({step.strength_back:.2f})"
        if step.trust_back:
            sentence += f", trusts {'you' if n == 1 else asker} at {step.trust_back}"
        if step.ask_rule == ANYONE:
            sentence += " and lets anyone ask"
        elif step.ask_rule == TRUSTED:
            sentence += (f" and lets people they trust at {step.min_trust} or more ask "
                         f"({step.trust_back} ≥ {step.min_trust})")
        lines.append(sentence + ".")
    last = len(path.people) - 1
    lines.append(f"{who(last - 1)}'s tie to {who(last)} is "
                 f"{_tie_word(path.last_strength)} ({path.last_strength:.2f}).")
    return lines


def _words(explanation: Explanation, who: Callable[[int], str]) -> list[str]:
    """Other members' ties in coarse words only: no strength, no agree chance, and no
    stated trust beyond the threshold their own rule let the asker pass."""
    path = explanation.path
    last = len(path.people) - 1
    agreeing = [who(i + 1) for i in range(len(path.agrees))]
    trusted = ", how far you may trust them," if path.vouches else ""
    lines = [f"#{explanation.rank}: score {path.score:.3f}, from how readily "
             f"{_listed(agreeing)} would agree{trusted} and how well {who(last - 1)} "
             f"knows {who(last)}.",
             f"You know {who(1)} {_how_well(explanation.first_strength)} "
             f"({explanation.first_strength:.2f})."]
    for n, step in enumerate(explanation.steps, start=1):
        asker = "you" if n == 1 else who(n - 1)
        sentence = f"{who(n)} knows {asker} {_how_well(step.strength_back)}"
        if step.ask_rule == ANYONE:
            sentence += " and lets anyone ask"
        elif step.ask_rule == TRUSTED:
            met = "you are one of them" if n == 1 else f"{asker} is one of them"
            sentence += (f" and lets people they trust at {step.min_trust} or more ask; "
                         f"{met}")
        lines.append(sentence + ".")
    lines.append(f"{who(last - 1)}'s tie to {who(last)} is {_tie_word(path.last_strength)}.")
    return lines


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
