"""The risk brief with trust through the network, on a community of real size.

Writes the same community as `paths_service_bench.py` (2,000 members with 50 contacts
each, about half linked to other members) into a real database, then times, through
`IntroCases.risk_brief`:

* the cold brief: the path network read and built, the member-to-member weights and
  outcome counts, the introducer's graph, one walk;
* a first brief per introducer (what a member meets when they open a request): their own
  graph (everyone's named ties and all of theirs) and one walk, the network held;
* a brief again (their graph held): one walk;
* a brief after a write (a member adds a contact): the network refreshed by that
  member's part, the weights spliced, the shared graph, one walk, and the community's
  reputation walked again;
* the trust part alone after a write, side by side: the weights read whole and a graph
  built per introducer (the approach before, `member_ties(network, tally)`), against the
  weights spliced for the member who wrote and the graph shared by every introducer who
  shows all their ties (now); each followed by the walk and the words.

    .venv/bin/python bench/brief_trust_bench.py --members 2000 --contacts 50 --briefs 40
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import ContactFields
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.ids import MemberId
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.graph.trust import build_trust_graph, personalized_trust
from kithbook.services.book import TieFields
from kithbook.services.network_trust import (
    MemberTies,
    ViewerTrust,
    community_trust,
    introducer_outcomes,
    member_ties,
)
from kithbook.services.paths import community_network
from kithbook.services.ports import OutcomeCount

sys.path.insert(0, str(Path(__file__).parent))
from paths_service_bench import populate  # noqa: E402

PURPOSE = "I would like advice on hiring a first data engineer for our team."


def _view(ties: MemberTies, introducer: MemberId, tally: list[OutcomeCount],
          shared: bool = True) -> ViewerTrust:
    viewer = ties.number[introducer]
    if shared:
        graph = ties.graph_for(viewer)
    else:  # a graph of its own per introducer, as before the shared one
        keep = ties.shown | (ties.src == viewer)
        graph = build_trust_graph(ties.src[keep], ties.dst[keep], ties.weight[keep],
                                  size=len(ties.members))
    return ViewerTrust(ties, graph, personalized_trust(graph, viewer), viewer,
                       introducer_outcomes(tally))


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--contacts", type=int, default=50, help="contacts per member")
    ap.add_argument("--briefs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    url = database_url_from(str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    kb = bootstrap(Settings(database_url=url))
    kb.intros.fair_use = FairUseLimits(max_open_requests=1000, cooldown_after_decline=timedelta(0))
    try:
        members = populate(kb, args.members, args.contacts, args.seed)
        rng = np.random.default_rng(args.seed)
        chosen = rng.choice(len(members), size=2 * args.briefs, replace=False)
        introducers = [members[int(i)] for i in chosen[:args.briefs]]
        requesters = [members[int(i)] for i in chosen[args.briefs:]]
        asked = []
        for n, (introducer, requester) in enumerate(zip(introducers, requesters,
                                                        strict=True)):
            target = kb.book.add_contact(introducer, ContactFields(name=f"Target {n}")).id
            kb.book.set_contact_policy(introducer, target, PolicyChange(
                visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE))
            asked.append(kb.intros.request(requester, introducer, target, PURPOSE).id)
        kb._wiring.paths.changed()  # noqa: SLF001  (start cold)
        start = time.perf_counter()
        kb.intros.risk_brief(introducers[0], asked[0])
        cold = time.perf_counter() - start
        first, again, after = [], [], []
        heard = 0
        for n, (introducer, intro) in enumerate(zip(introducers, asked, strict=True)):
            start = time.perf_counter()
            brief = kb.intros.risk_brief(introducer, intro)
            first.append(time.perf_counter() - start)
            heard += bool(brief.inferred_trust and brief.inferred_trust.vouchers)
            start = time.perf_counter()
            kb.intros.risk_brief(introducer, intro)
            again.append(time.perf_counter() - start)
            writer = members[int(rng.integers(len(members)))]
            kb.book.add_contact(writer, ContactFields(name=f"New {n}"), TieFields(stated_trust=4))
            start = time.perf_counter()
            kb.intros.risk_brief(introducer, intro)
            after.append(time.perf_counter() - start)
        # The trust part alone, its graph held: the walk from the introducer and the words.
        with kb.uow().reading() as uow:
            ties = len(uow.network.columns().tie_owner)
            network = community_network(uow, kb._wiring.paths)  # noqa: SLF001
            tally = uow.introductions.outcome_tally()
        weights = member_ties(network, tally)
        walks = []
        for introducer, requester in zip(introducers, requesters, strict=True):
            weights.graph_for(weights.number[introducer])  # held, as in a brief
            start = time.perf_counter()
            community_trust(_view(weights, introducer, tally), requester)
            walks.append(time.perf_counter() - start)
        # After one member's write, side by side: the weights read whole and a graph per
        # introducer (the previous approach), and the weights spliced for that member and
        # the graph shared by everyone who shows all their ties (now); then one walk each.
        whole, spliced = [], []
        for n, (introducer, requester) in enumerate(zip(introducers, requesters,
                                                        strict=True)):
            writer = members[int(rng.integers(len(members)))]
            kb.book.add_contact(writer, ContactFields(name=f"Later {n}"), TieFields(stated_trust=3))
            with kb.uow().reading() as uow:
                fresh = community_network(uow, kb._wiring.paths)  # noqa: SLF001
            start = time.perf_counter()
            rebuilt = member_ties(fresh, tally)
            view = _view(rebuilt, introducer, tally, shared=False)
            community_trust(view, requester)
            whole.append(time.perf_counter() - start)
            start = time.perf_counter()
            weights = member_ties(fresh, tally, weights)
            view = _view(weights, introducer, tally)
            community_trust(view, requester)
            spliced.append(time.perf_counter() - start)
            assert np.array_equal(rebuilt.weight, weights.weight)
        print(f"{args.members} members, {ties} ties (SQLite), {args.briefs} briefs, "
              f"{heard} naming someone the introducer trusts; load average "
              f"{os.getloadavg()[0]:.1f}")
        print(f"cold brief (network read and built):  {cold * 1000:.0f} ms")
        for label, values in (("trust alone (walk and words)", walks),
                              ("first brief of an introducer", first),
                              ("brief again (graph held)", again),
                              ("brief after a write (refresh)", after),
                              ("trust after a write, previous (whole)", whole),
                              ("trust after a write, now (spliced)", spliced)):
            ms = [v * 1000 for v in values]
            print(f"{label + ':':38} median {statistics.median(ms):.1f} ms, "
                  f"p95 {p95(ms):.1f} ms")
    finally:
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
