"""Every `kithbook …` command the README and docs show exists, with the options they use.

The examples are written by hand; this reads each one against the real command tree, so
renaming a command or an option fails here instead of misleading a reader.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main

from kithbook.cli.app import app

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`(kithbook [^`]+)`")


@dataclass(frozen=True)
class Example:
    where: str
    line: str


def _fenced_commands(text: str) -> list[str]:
    commands = []
    for block in FENCE.findall(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands.extend(
            line.strip() for line in joined.splitlines() if line.strip().startswith("kithbook ")
        )
    return commands


def _examples() -> list[Example]:
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        name = document.relative_to(ROOT).as_posix()
        for line in [*_fenced_commands(text), *INLINE.findall(text)]:
            found.append(Example(name, line))
    return found


def _words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = list(lexer)
    # A pipe or redirection ends the kithbook part of a shell line.
    for stop in ("|", ">", "&&", ";"):
        if stop in words:
            words = words[: words.index(stop)]
    return words[1:]


# Typer ships its own copy of click, so the tree is read by its shape, not its classes.
def _option(command: Any, word: str) -> Any:
    name = word.split("=", 1)[0]
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _mistakes(words: list[str]) -> list[str]:
    command: Any = typer.main.get_command(app)
    mistakes, skip_value = [], False
    for word in words:
        if word in ("…", "..."):  # "kithbook intro …": the rest is left to the reader
            break
        if skip_value:
            skip_value = False
            continue
        if word.startswith("-") and word != "-":
            option = _option(command, word)
            if option is None:
                mistakes.append(f"{command.name} has no option {word}")
            elif not option.is_flag and not option.count and "=" not in word:
                skip_value = True
        elif hasattr(command, "commands") and "|" in word:  # "digest|health|touch"
            mistakes.extend(
                f"{command.name} has no command {each}"
                for each in word.split("|")
                if each not in command.commands
            )
            break
        elif hasattr(command, "commands"):
            sub = command.commands.get(word)
            if sub is None:
                mistakes.append(f"{command.name} has no command {word}")
                break
            command = sub
    return mistakes


EXAMPLES = _examples()


def test_the_docs_show_commands_at_all() -> None:
    assert len(EXAMPLES) > 50


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.where}: {e.line[:60]}")
def test_each_documented_command_exists_with_its_options(example: Example) -> None:
    assert _mistakes(_words(example.line)) == []


def test_the_check_catches_a_renamed_option() -> None:
    assert _mistakes(_words("kithbook ls --colour red")) == ["ls has no option --colour"]
    assert _mistakes(_words("kithbook intro frobnicate ID")) == [
        "intro has no command frobnicate"
    ]
    assert _mistakes(_words("kithbook digest|gossip")) == ["kithbook has no command gossip"]
