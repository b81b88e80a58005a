"""Screening the purpose of an introduction request, in the open.

Networking is sharing knowledge, advice and help; it is not selling, asking for a job,
asking for money, a transaction, or a mass mailing. Each rule here is a short list of
phrases, and every flag it raises quotes the words that fired it, so the introducer can
judge the judgment. Nothing is learned, nothing is hidden: read the lists below.

A phrase preceded closely by a negation ("not selling anything", "no funding ask") does
not fire, since people often say what they are *not* asking for.

Flags are advice for the introducer, never an automatic refusal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class FlagCode(StrEnum):
    SELLING = "selling"
    JOB_ASK = "job_ask"
    MONEY_ASK = "money_ask"
    TRANSACTIONAL = "transactional"
    VAGUE = "vague"
    COPY_PASTE = "copy_paste"
    NEAR_STRANGER = "near_stranger"


class Severity(IntEnum):
    """LOW is worth a look; MEDIUM and above make a purpose questionable."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    severity: Severity
    reason: str  # plain words, quoting what fired it
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecentPurpose:
    """Another purpose the same requester sent recently, and to whom."""

    text: str
    introducer: str


@dataclass(frozen=True)
class ScreeningLimits:
    near_stranger_below: float = 0.15  # tie strength under this: they barely know each other
    weak_tie_below: float = 0.3
    copy_similarity: float = 0.6  # Jaccard similarity of word 3-shingles
    copy_min_introducers: int = 2  # other introducers who got the same text
    short_words: int = 6


_NEGATION = re.compile(
    r"(?:\b(?:not|no|never|nor|without|neither)\b|n't)[\w\s,'-]{0,25}$")

# (phrase pattern, severity). Patterns are matched on lower-cased text with word bounds.
_RULES: dict[FlagCode, tuple[str, list[tuple[str, Severity]]]] = {
    FlagCode.SELLING: ("reads like a sales pitch", [
        # A demo someone gives of their own product; not "a demo of the difference engine"
        # someone showed you, nor a demo day.
        (r"(?:book|schedule|set up|arrange|give|run|do|offer) (?:\w+ ){0,2}demos?(?!\s+day)"
         r"|demo(?:s|ing)? (?:of )?(?:our|my)|(?:product|sales|live) demos?",
         Severity.HIGH),
        (r"(?:our|my) (?:solutions?|offering|services)", Severity.HIGH),
        (r"(?:our|my) (?:[\w-]+ ){0,2}(?:products?|platform|software|tools?|apps?|api|"
         r"dashboard|saas|crm|system)", Severity.MEDIUM),
        (r"(?:our|my) (?:agency|consultancy|firm)'?s? (?:services|work)", Severity.HIGH),
        (r"(?:should|could|ought to) (?:really )?(?:be )?(?:using|use|try|switch to|adopt) "
         r"(?:our|my)", Severity.HIGH),
        (r"show (?:\w+ ){0,2}what (?:it|we|our [\w-]+) can do", Severity.HIGH),
        (r"(?:discuss|sign|negotiate) (?:a|the) (?:contract|deal)|signs? with us",
         Severity.HIGH),
        (r"ideal customer|fits? (?:the|our) (?:customer )?profile|target accounts?",
         Severity.MEDIUM),
        (r"(?:i'm|i am|we're|we are) selling", Severity.HIGH),
        (r"present (?:our|my) (?:startup|company|business|deck|idea)", Severity.HIGH),
        (r"pitch(?:ing)? (?:them|him|her|to|our|my|the)", Severity.HIGH),
        (r"pitch deck", Severity.LOW),
        (r"sell(?:ing)? (?:to )?(?:them|him|her|their|our|my)", Severity.HIGH),
        (r"sales (?:call|meeting|conversation)", Severity.HIGH),
        (r"pricing|discount|free trial|special offer|price quote|a quote for", Severity.HIGH),
        (r"buy (?:our|my|from)|purchas\w* (?:our|my)|(?:sign up|subscribe) (?:for|to) (?:our|my)",
         Severity.HIGH),
        (r"(?:become|be) (?:a |an |our )?(?:paying )?(?:customer|client|user)s?",
         Severity.HIGH),
        (r"(?:would|could) benefit from (?:our|my|using)", Severity.HIGH),
        (r"lead generation|(?:sales|qualified|warm) leads|sales pipeline|(?:our|my) pipeline",
         Severity.MEDIUM),
        (r"vendor|reseller|distribution deal", Severity.MEDIUM),
        (r"roi|cost savings", Severity.MEDIUM),
        (r"(?:show|walk) (?:them|him|her|you) (?:how|what) (?:we|our)", Severity.HIGH),
    ]),
    FlagCode.JOB_ASK: ("asks for a job", [
        (r"(?:a|any) (?:job|opening|vacanc(?:y|ies))s?", Severity.HIGH),
        (r"(?:a|any|the) (?:roles?|positions?) (?:at|on|in|with)", Severity.HIGH),
        (r"(?:open|available) (?:roles?|positions?|jobs?|headcount)", Severity.HIGH),
        (r"hire me|get hired|be hired|employ me", Severity.HIGH),
        (r"(?:my|a) (?:resume|résumé|cv)", Severity.HIGH),
        (r"(?:job )?referral|refer me", Severity.HIGH),
        (r"appl(?:y|ying|ied) (?:for|to)", Severity.HIGH),
        (r"interview (?:for|with them for)", Severity.HIGH),
        (r"get (?:me |us )?(?:a |my )?foot in the door", Severity.HIGH),
        (r"(?:join|work (?:at|for|in)) (?:their|his|her|your) (?:team|lab|company|firm|"
         r"startup|studio|group|office)", Severity.HIGH),
        (r"on the job market|job hunting|(?:my|a) (?:next|new) (?:job|role)", Severity.HIGH),
        (r"(?:my|the) (?:job )?application", Severity.MEDIUM),
        (r"looking for (?:work|a job|my next role|opportunities)", Severity.HIGH),
        (r"job search|career change|between jobs", Severity.LOW),
    ]),
    FlagCode.MONEY_ASK: ("asks for money or funding", [
        (r"invest(?:ing|ment)? in (?:us|our|my|me)", Severity.HIGH),
        (r"(?:we are|we're|i am|i'm) (?:currently |now )?raising", Severity.HIGH),
        (r"fundrais(?:e|er|ing)|(?:our|my|a) raise", Severity.MEDIUM),
        (r"(?:seed|pre-seed|series [a-d]|bridge|angel) (?:round|investment|check|cheque)",
         Severity.HIGH),
        (r"(?:our|my|the) round|term sheet|cap table|valuation", Severity.HIGH),
        (r"funding|fund (?:us|our|my)|back us|financ(?:e|ing) for", Severity.HIGH),
        (r"writes? (?:\w+ ){0,2}(?:checks|cheques)", Severity.HIGH),
        (r"(?:micro)?grants? (?:for|to) (?:us|our|my)", Severity.HIGH),
        (r"loan|donat(?:e|ion)|sponsor(?:ship)?|grant money", Severity.HIGH),
        (r"capital for (?:us|our|my)|working capital", Severity.HIGH),
        (r"money|cash|\$\s?\d[\d,.]*\s?[km]?|\d+\s?(?:k|m) (?:usd|eur|dollars)",
         Severity.MEDIUM),
        (r"check size|cheque size|write (?:a|us a) (?:check|cheque)", Severity.HIGH),
        (r"investors?|vcs?|venture capital", Severity.LOW),
    ]),
    FlagCode.TRANSACTIONAL: ("frames the introduction as a transaction", [
        (r"in exchange|in return|quid pro quo", Severity.HIGH),
        (r"finder'?s fee|referral fee|commission|revenue share|kickback|bounty", Severity.HIGH),
        (r"(?:i'll|i will|happy to|can) (?:pay|compensate|reward)", Severity.HIGH),
        (r"make it worth (?:your|their) while|gift card|what'?s in it for", Severity.HIGH),
        (r"return the favou?r|scratch (?:your|my) back|owe you", Severity.MEDIUM),
        (r"\d+\s?%\s?(?:of|cut)", Severity.HIGH),
        (r"cut you in|(?:share|split) (?:the )?(?:fees?|profits?|revenue)", Severity.HIGH),
        (r"(?:i'll|i will|we'll|we will) (?:send|give|get|buy) you", Severity.MEDIUM),
        (r"as (?:a )?(?:thank[- ]you|thanks)", Severity.MEDIUM),
        (r"as long as|only if (?:they|he|she) can", Severity.LOW),
    ]),
}

_GENERIC = [
    r"(?:would|'d) love to (?:connect|chat|meet|get in touch)",
    r"(?:keen|eager|happy) to connect", r"connect with (?:him|her|them)",
    r"pick (?:\w+'s|his|her|their|your) brains?", r"touch base", r"grab (?:a )?coffee",
    r"(?:expand|grow|build) my network", r"explore (?:synerg\w+|opportunities|ways)",
    r"synerg\w+", r"mutually beneficial", r"get to know", r"reach out",
    r"(?:see|explore) if there(?:'s| is) (?:a fit|anything)", r"network(?:ing)? with",
    r"(?:just )?(?:a )?quick (?:chat|call)", r"(?:could|would) be (?:great|interesting|useful)",
    r"(?:awesome|great|cool|nice|good) to (?:meet|connect|chat|talk)",
    r"(?:a lot|lots|plenty|much|something) (?:that )?we (?:could|can) do together",
    r"on a call", r"(?:work on something|do something) together",
]

# Words that make an ask specific: a question, a topic, something offered.
_SPECIFIC = re.compile(
    r"\b(?:how|why|what|which|whether|advice|learn|understand|question|questions|feedback|"
    r"research|study|paper|offer|share|sharing|help|experience|lessons?|review|"
    r"compare|mentor\w*|data)\b"
)

# Courtesy and the mechanics of asking: words that say nothing about why.
_EMPTY_WORDS = frozenset("""
a an the and or but so to of for with in on at by from me my i i'm i'd you your we our us
him her them his their he she they it is are be would could can will please thanks thank
hi hello hey dear like love want wanted just really very some sometime soon maybe
introduce introduction intro connect connected touch put get meet chat talk speak great
good nice know let if possible do does this that there here any anyone someone
much kindly cheers regards best thx
""".split())
_MIN_CONTENT_WORDS = 3

_WORD = re.compile(r"[a-z0-9$%']+(?:[-'][a-z0-9]+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 40):start]))


def _phrase_flags(text: str) -> list[Flag]:
    lowered = " ".join(text.lower().replace("’", "'").split())
    flags: list[Flag] = []
    for code, (meaning, rules) in _RULES.items():
        hits: list[str] = []
        worst = Severity.LOW
        for pattern, severity in rules:
            for match in re.finditer(rf"(?<![\w$])(?:{pattern})(?!\w)", lowered):
                if _negated(lowered, match.start()):
                    continue
                hits.append(match.group(0))
                worst = max(worst, severity)
        if hits:
            quoted = ", ".join(f'"{h}"' for h in dict.fromkeys(hits))
            flags.append(Flag(code, worst, f"{meaning}: mentions {quoted}.",
                              tuple(dict.fromkeys(hits))))
    return flags


def _vague_flag(text: str, limits: ScreeningLimits) -> Flag | None:
    lowered = " ".join(text.lower().replace("’", "'").split())
    words = _words(lowered)
    if len(words) < limits.short_words:
        return Flag(FlagCode.VAGUE, Severity.MEDIUM,
                    f"says very little: only {len(words)} words "
                    f"(\"{' '.join(words)}\"); a clear purpose says what you hope to learn "
                    "or offer.", tuple(words))
    content = [w for w in words if w not in _EMPTY_WORDS]
    if len(content) < _MIN_CONTENT_WORDS:
        shown = ", ".join(f'"{w}"' for w in content) or "none"
        return Flag(FlagCode.VAGUE, Severity.MEDIUM,
                    f"says nothing about why: beyond courtesy and the ask itself, only "
                    f"{len(content)} words carry meaning ({shown}).", tuple(content))
    generic = [m.group(0) for p in _GENERIC for m in re.finditer(rf"\b(?:{p})\b", lowered)]
    if not generic:
        return None
    quoted = ", ".join(f'"{g}"' for g in dict.fromkeys(generic))
    if _SPECIFIC.search(lowered) is None or len(words) < 12:
        return Flag(FlagCode.VAGUE, Severity.MEDIUM,
                    f"is generic: {quoted}, with no question, topic or offer.",
                    tuple(generic))
    return Flag(FlagCode.VAGUE, Severity.LOW,
                f"uses stock phrases ({quoted}) but does say what it is about.", tuple(generic))


def shingles(text: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Word `size`-grams of the normalized text (short texts: the words themselves)."""
    words = _words(text)
    if len(words) < size:
        return frozenset((w,) for w in words)
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word 3-shingles of two texts, in [0, 1]."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _copy_flag(text: str, recent: Iterable[RecentPurpose], introducer: str | None,
               limits: ScreeningLimits) -> Flag | None:
    others = {r.introducer for r in recent
              if r.introducer != introducer and similarity(text, r.text) >= limits.copy_similarity}
    if len(others) < limits.copy_min_introducers:
        return None
    severity = Severity.HIGH if len(others) >= 2 * limits.copy_min_introducers else \
        Severity.MEDIUM
    return Flag(FlagCode.COPY_PASTE, severity,
                f"the same text (≥ {limits.copy_similarity:.0%} alike) was also sent to "
                f"{len(others)} other introducers recently: a mass request, not a "
                "considered one.", (f"{len(others)} introducers",))


def _stranger_flag(strength: float | None, limits: ScreeningLimits) -> Flag | None:
    if strength is None:
        return Flag(FlagCode.NEAR_STRANGER, Severity.HIGH,
                    "you have no tie with the requester: you would vouch for a stranger.")
    if strength < limits.near_stranger_below:
        return Flag(FlagCode.NEAR_STRANGER, Severity.HIGH,
                    f"you barely know the requester: tie strength {strength:.2f} (under "
                    f"{limits.near_stranger_below:.2f}).", (f"{strength:.2f}",))
    if strength < limits.weak_tie_below:
        return Flag(FlagCode.NEAR_STRANGER, Severity.MEDIUM,
                    f"your tie with the requester is weak: strength {strength:.2f} (under "
                    f"{limits.weak_tie_below:.2f}).", (f"{strength:.2f}",))
    return None


def screen_text(text: str, limits: ScreeningLimits = ScreeningLimits()) -> list[Flag]:
    """Flags raised by the words of a purpose alone."""
    flags = _phrase_flags(text)
    vague = _vague_flag(text, limits)
    if vague is not None:
        flags.append(vague)
    return flags


def screen_purpose(text: str, *, recent: Sequence[RecentPurpose] = (),
                   introducer: str | None = None, strength: float | None = None,
                   limits: ScreeningLimits = ScreeningLimits()) -> list[Flag]:
    """Every flag on a request: its words, mass sending, and how well the introducer knows
    the requester. `strength` None means the introducer has no tie with them at all.

    Most severe first."""
    flags = screen_text(text, limits)
    for extra in (_copy_flag(text, recent, introducer, limits),
                  _stranger_flag(strength, limits)):
        if extra is not None:
            flags.append(extra)
    return sorted(flags, key=lambda f: -f.severity)


def questionable(flags: Iterable[Flag]) -> bool:
    """A purpose is questionable when any flag is MEDIUM or worse."""
    return any(f.severity >= Severity.MEDIUM for f in flags)
