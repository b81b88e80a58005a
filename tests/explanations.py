"""What a path explanation may say about ties that are not the searcher's own.

In a community a tie belongs to its owner: its strength, its agree chance and its stated
trust are theirs. An explanation shows figures only for the searcher's own tie (the line
"You know …") and for the scores of the ranking; every other line speaks in words, and
tells stated trust only as the owner's rule discloses it ("trust at 3 or more"). The
line "Trust: …" says in words whom the searcher may trust through the vouches of ties
their owners show by name ("Alice trusts Carol"), never a level or a figure.
"""

from __future__ import annotations

import re

FIGURE = re.compile(r"\d\.\d")
RANKING = ("#", "Weakest link", "You know ")


def lines_telling_others_ties(explanation: str) -> list[str]:
    """The lines of `explanation` that give a figure or the stated trust of a tie the
    searcher does not own (empty when it tells them only in words)."""
    bad = []
    for line in explanation.splitlines():
        if line.startswith("Trust: "):
            # Whom the searcher may trust, through vouches their owners' rules show: in
            # words ("Alice trusts Carol"), never a stated figure.
            if FIGURE.search(line) or re.search(r"trusts? \w+ at \d", line):
                bad.append(line)
        elif "trusts " in line:
            bad.append(line)
        elif line.startswith("You know "):
            if len(FIGURE.findall(line)) > 1:  # their own tie's one figure, nothing more
                bad.append(line)
        elif line.startswith("#"):
            # The path's score, then words: "score 0.318, from how readily …"
            if len(FIGURE.findall(line)) > 1:
                bad.append(line)
        elif line.startswith("Weakest link"):
            # Only the neighbouring paths' scores: "Below #1 (0.400). Above #3 (0.100)."
            rest = re.sub(r"(Below|Above) #\d+ \(\d\.\d+\)", "", line)
            if FIGURE.search(rest):
                bad.append(line)
        elif FIGURE.search(line):
            bad.append(line)
    return bad
