"""Warm-path search on a generated community, side by side with NetworkX and DuckDB.

    .venv/bin/python bench/paths_bench.py                       # 1,000,000 people, 10,000,000 ties
    .venv/bin/python bench/paths_bench.py --people 20000 --pairs 30   # a quick run

What it does, in order:

1. Generates a community: power-law degrees (Chung-Lu), person numbers in random order,
   mostly mutual ties with correlated strengths, stated trust on about 40% of ties, and
   sharing policies drawn per member (defaults) with per-tie exceptions.
2. Writes the ties to a SQLite file (and to PostgreSQL when --postgres is given, in a
   temporary schema) and times the snapshot build from storage: a plain bulk read into
   numpy, then `Snapshot.build`. Also times a refresh of ten changed ties.
3. Times path queries to a person and to an organization, for ordinary pairs and for
   pairs of the best-connected people, and reports p50 and p95.
4. Runs the same queries through the peers on the same ties and policies: NetworkX
   (`all_simple_paths` with cutoff 4, then the policy checks and ranking in Python) and one
   SQL statement of joins in DuckDB. Prints speed ratios and checks that every peer's
   top-k is identical to ours. A peer query that runs past --peer-timeout seconds is
   stopped and counted as taking at least that long.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from kithbook.graph.paths import find_paths
from kithbook.graph.policy import (
    ANONYMOUS,
    ANYONE,
    HIDDEN,
    NAMED,
    NOBODY,
    TRUSTED,
    agree_chance,
)
from kithbook.graph.snapshot import PeopleArrays, PeopleFilter, Snapshot, TieArrays

Result = list[tuple[tuple[int, ...], float]]
COLUMNS = ("src", "dst", "strength", "trust", "visibility", "ask_rule", "min_trust", "no_intro")


# -- the community ---------------------------------------------------------------------------

def generate(people: int, ties: int, seed: int) -> tuple[TieArrays, PeopleArrays]:
    rng = np.random.default_rng(seed)
    # Chung-Lu: endpoint chosen with probability proportional to a power-law weight.
    weight = (np.arange(people) + 20.0) ** (-1 / (2.3 - 1))
    cdf = np.cumsum(weight / weight.sum())
    pairs_wanted = int(ties / 1.85)  # 85% of pairs are mutual: 1.85 ties per pair
    a = np.searchsorted(cdf, rng.random(int(pairs_wanted * 1.08)))
    b = np.searchsorted(cdf, rng.random(len(a)))
    a, b = np.minimum(a, b), np.maximum(a, b)
    keep = a != b
    key = np.unique(a[keep].astype(np.int64) * people + b[keep])[:pairs_wanted]
    rng.shuffle(key)
    a, b = (key // people).astype(np.int32), (key % people).astype(np.int32)
    mutual = rng.random(len(a)) < 0.85
    flip = rng.random(len(a)) < 0.5
    first_src, first_dst = np.where(flip, b, a), np.where(flip, a, b)
    src = np.concatenate([first_src, first_dst[mutual]])
    dst = np.concatenate([first_dst, first_src[mutual]])
    base = rng.beta(2, 3, len(a))
    strength = np.concatenate([base, base[mutual]]) + rng.normal(0, 0.08, len(src))
    strength = np.clip(strength, 0.01, 1).astype(np.float32)
    stated = rng.random(len(src)) < 0.4
    trust = np.where(stated, np.clip(np.rint(1 + 4 * strength + rng.normal(0, 0.7, len(src))),
                                     1, 5), 0).astype(np.int8)
    # Each member has default rules; one tie in ten departs from them.
    vis_default = rng.choice([NAMED, ANONYMOUS, HIDDEN], people, p=[0.6, 0.25, 0.15])
    rule_default = rng.choice([ANYONE, TRUSTED, NOBODY], people, p=[0.45, 0.4, 0.15])
    min_default = rng.integers(2, 5, people)
    visibility, ask_rule, min_trust = vis_default[src], rule_default[src], min_default[src]
    odd = rng.random(len(src)) < 0.1
    visibility = np.where(odd, rng.choice([NAMED, ANONYMOUS, HIDDEN], len(src)), visibility)
    ask_rule = np.where(odd, rng.choice([ANYONE, TRUSTED, NOBODY], len(src)), ask_rule)
    min_trust = np.where(ask_rule == TRUSTED, np.where(odd, rng.integers(1, 6, len(src)),
                                                       min_trust), 0)
    no_intro = rng.random(len(src)) < 0.02
    # Person numbers in random order, so nothing benefits from the generator's ranking.
    shuffle = rng.permutation(people).astype(np.int32)
    tie_arrays = TieArrays.of(shuffle[src], shuffle[dst], strength, trust, visibility,
                              ask_rule, min_trust, no_intro)
    orgs = 50_000 if people >= 100_000 else max(people // 20, 5)
    org = np.searchsorted(np.cumsum(1 / np.arange(1, orgs + 1) ** 1.1) /
                          np.sum(1 / np.arange(1, orgs + 1) ** 1.1), rng.random(people))
    org = np.where(rng.random(people) < 0.9, org, -1).astype(np.int32)
    role = rng.integers(0, 300, people).astype(np.int32)
    location = rng.integers(0, 1000, people).astype(np.int32)
    blank = PeopleArrays.blank(people)
    inverse = np.empty_like(shuffle)
    inverse[shuffle] = np.arange(people, dtype=np.int32)
    people_arrays = PeopleArrays(
        org[inverse], role[inverse], location[inverse], blank.tag_indptr, blank.tag_codes,
        organization_names=tuple(["Acme"] + [f"Org {i}" for i in range(1, orgs)]),
        role_names=tuple(["CTO"] + [f"Role {i}" for i in range(1, 300)]))
    return tie_arrays, people_arrays


# -- storage ---------------------------------------------------------------------------------

def write_sqlite(path: str, ties: TieArrays) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE TABLE ties (src INTEGER, dst INTEGER, strength REAL, trust INTEGER, "
                "visibility INTEGER, ask_rule INTEGER, min_trust INTEGER, no_intro INTEGER)")
    step = 500_000
    for lo in range(0, len(ties), step):
        rows = zip(*(getattr(ties, c)[lo:lo + step].tolist() for c in COLUMNS), strict=True)
        con.executemany("INSERT INTO ties VALUES (?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


TIE_DTYPE = np.dtype([("src", "i4"), ("dst", "i4"), ("strength", "f4"), ("trust", "i1"),
                      ("visibility", "i1"), ("ask_rule", "i1"), ("min_trust", "i1"),
                      ("no_intro", "?")])


def read_sqlite(path: str) -> TieArrays:
    """The bulk read a storage layer would do: one query, rows straight into numpy."""
    con = sqlite3.connect(path)
    count = con.execute("SELECT count(*) FROM ties").fetchone()[0]
    cursor = con.execute(f"SELECT {', '.join(COLUMNS)} FROM ties")
    rows = np.fromiter(cursor, dtype=TIE_DTYPE, count=count)
    con.close()
    return TieArrays(*(np.ascontiguousarray(rows[c]) for c in COLUMNS))


# Binary COPY of fixed-width columns has a fixed row layout numpy can read in place:
# a 2-byte field count, then per field a 4-byte length and the big-endian value.
_PG_ROW = np.dtype([("n", ">i2")] + [
    item for c, t in (("src", ">i4"), ("dst", ">i4"), ("strength", ">f4"), ("trust", ">i2"),
                      ("visibility", ">i2"), ("ask_rule", ">i2"), ("min_trust", ">i2"),
                      ("no_intro", "?"))
    for item in ((f"{c}_len", ">i4"), (c, t))])


def write_postgres(url: str, schema: str, ties: TieArrays) -> None:
    import psycopg

    with psycopg.connect(url) as con:
        con.execute(f"CREATE SCHEMA {schema}")
        con.execute(f"CREATE TABLE {schema}.ties (src integer, dst integer, strength real, "
                    "trust smallint, visibility smallint, ask_rule smallint, "
                    "min_trust smallint, no_intro boolean)")
        with con.cursor() as cur, cur.copy(f"COPY {schema}.ties FROM STDIN") as copy:
            step = 200_000
            for lo in range(0, len(ties), step):
                cols = [getattr(ties, c)[lo:lo + step] for c in COLUMNS]
                lines = "\n".join(
                    f"{s}\t{d}\t{w!r}\t{t}\t{v}\t{r}\t{m}\t{'t' if x else 'f'}"
                    for s, d, w, t, v, r, m, x in zip(*(c.tolist() for c in cols), strict=True))
                copy.write(lines + "\n")


def read_postgres(url: str, schema: str) -> TieArrays:
    import psycopg

    buffer = bytearray()
    with psycopg.connect(url) as con, con.cursor() as cur, cur.copy(
            f"COPY (SELECT {', '.join(COLUMNS)} FROM {schema}.ties) TO STDOUT (FORMAT BINARY)"
    ) as copy:
        for chunk in copy:
            buffer += chunk
    header = 19 + int.from_bytes(buffer[15:19], "big")
    count = (len(buffer) - header - 2) // _PG_ROW.itemsize  # 2 bytes of trailer
    rows = np.frombuffer(buffer, dtype=_PG_ROW, count=count, offset=header)
    return TieArrays.of(rows["src"], rows["dst"], rows["strength"], rows["trust"],
                        rows["visibility"], rows["ask_rule"], rows["min_trust"], rows["no_intro"])


def drop_postgres(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# -- queries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    kind: str  # "person" or "org"
    group: str  # "ordinary" or "hub"
    searcher: int
    target: int  # a person, or an organization code

    def run(self, snap: Snapshot, k: int) -> Result:
        if self.kind == "person":
            found = find_paths(snap, self.searcher, to=self.target, k=k)
        else:
            found = find_paths(snap, self.searcher, where=PeopleFilter(organization=self.target),
                               k=k)
        return [(p.people, p.score) for p in found]


def make_queries(snap: Snapshot, count: int, seed: int) -> list[Query]:
    rng = np.random.default_rng(seed + 1)
    degree = np.diff(snap.indptr)
    active = np.flatnonzero(degree > 0)
    hubs = np.argsort(-(degree + np.diff(snap.in_indptr)))[:100]
    sizes = np.bincount(snap.people.organization[snap.people.organization >= 0])
    orgs = np.flatnonzero(sizes >= 10)
    queries = []
    for _ in range(count):
        s, t = rng.choice(active, 2, replace=False)
        queries.append(Query("person", "ordinary", int(s), int(t)))
        h1, h2 = rng.choice(hubs, 2, replace=False)
        queries.append(Query("person", "hub", int(h1), int(h2)))
        queries.append(Query("org", "ordinary", int(rng.choice(active)), int(rng.choice(orgs))))
        queries.append(Query("org", "hub", int(rng.choice(hubs)), int(rng.choice(orgs))))
    return queries


# -- peers -----------------------------------------------------------------------------------

class TimedOut(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop pure-Python work after `seconds`: the alarm fires between bytecodes."""
    def stop(signum: int, frame: object) -> None:
        raise TimedOut

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def targets_of(snap: Snapshot, q: Query) -> set[int]:
    if q.kind == "person":
        return {q.target}
    members = snap.people_matching(PeopleFilter(organization=q.target))
    known = set(snap.out_neighbours(q.searcher).tolist()) | {q.searcher}
    return set(members.tolist()) - known


def rank(paths: Iterable[Sequence[int]], edge: Callable[[int, int], dict[str, float] | None],
         named: bool, k: int) -> Result:
    """The policy checks and score of docs/paths.md, applied to candidate paths."""
    found: Result = []
    for path in paths:
        if len(path) < 3:
            continue
        score, ok = 1.0, True
        for i in range(1, len(path) - 1):
            hop = edge(path[i], path[i + 1])
            back = edge(path[i], path[i - 1])
            if (hop is None or back is None or hop["visibility"] == HIDDEN or hop["no_intro"]
                    or back["visibility"] == HIDDEN or back["agree"] == 0):
                ok = False
                break
            if not (hop["ask_rule"] == ANYONE or (hop["ask_rule"] == TRUSTED
                                                  and back["trust"] >= hop["min_trust"])):
                ok = False
                break
            score = score * back["agree"]
        last = edge(path[-2], path[-1])
        if not ok or last is None or (named and last["visibility"] != NAMED):
            continue
        score = score * last["strength"]
        if score > 0:
            found.append((tuple(path), score))
    return sorted(found, key=_order)[:k]


def _order(item: tuple[tuple[int, ...], float]) -> tuple[float, int, int, int, int, int]:
    people, score = item
    mids = [*people[1:-1], -1, -1][:3]
    return (-score, len(people) - 1, mids[0], mids[1], mids[2], people[-1])


class NetworkXPeer:
    """All simple paths up to four hops over every tie not hidden, then rank in Python."""

    name = "NetworkX"

    def __init__(self, snap: Snapshot) -> None:
        import networkx as nx

        t = snap.ties()
        agree = agree_chance(t.strength, t.trust)
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(range(snap.num_people))
        cols = [t.src.tolist(), t.dst.tolist(), t.strength.tolist(), t.trust.tolist(),
                t.visibility.tolist(), t.ask_rule.tolist(), t.min_trust.tolist(),
                t.no_intro.tolist(), agree.tolist()]
        self.graph.add_edges_from(
            (s, d, {"strength": w, "trust": tr, "visibility": v, "ask_rule": r, "min_trust": m,
                    "no_intro": x, "agree": a})
            for s, d, w, tr, v, r, m, x, a in zip(*cols, strict=True) if v != HIDDEN)
        self.snap = snap
        self.hidden = t.take(t.visibility == HIDDEN)

    def run(self, q: Query, k: int, timeout: float) -> Result:
        import networkx as nx

        own = np.flatnonzero(self.hidden.src == q.searcher)  # the searcher's own hidden ties
        for i in own.tolist():
            self.graph.add_edge(q.searcher, int(self.hidden.dst[i]),
                                strength=float(self.hidden.strength[i]), visibility=HIDDEN,
                                trust=0, ask_rule=NOBODY, min_trust=0, no_intro=True, agree=0.0)
        try:
            targets = targets_of(self.snap, q)
            if not targets:
                return []
            named = q.kind == "person"
            paths = nx.all_simple_paths(self.graph, q.searcher, targets, cutoff=4)
            if named:
                paths = (p for p in paths if q.target not in p[1:-1])
            with _time_limit(timeout):
                return rank(paths, self.graph.get_edge_data, named, k)
        finally:
            self.graph.remove_edges_from((q.searcher, int(self.hidden.dst[i]))
                                         for i in own.tolist())


class DuckDBPeer:
    """The same search as one SQL statement of joins over the ties table."""

    name = "DuckDB"

    def __init__(self, snap: Snapshot) -> None:
        import duckdb

        t = snap.ties()
        ties = {"src": t.src, "dst": t.dst, "strength": t.strength.astype(np.float64),
                "trust": t.trust, "visibility": t.visibility, "ask_rule": t.ask_rule,
                "min_trust": t.min_trust, "no_intro": t.no_intro,
                "agree": agree_chance(t.strength, t.trust).astype(np.float64)}
        people = {"id": np.arange(snap.num_people, dtype=np.int32),
                  "org": snap.people.organization}
        self.con = duckdb.connect()
        self.con.register("ties_np", ties)
        self.con.register("people_np", people)
        self.con.execute("CREATE TABLE ties AS SELECT * FROM ties_np")
        self.con.execute("CREATE TABLE people AS SELECT * FROM people_np")
        self.con.unregister("ties_np")
        self.con.unregister("people_np")

    def run(self, q: Query, k: int, timeout: float) -> Result:
        named = q.kind == "person"
        last_vis = "AND h.visibility = 2" if named else ""
        not_target = f"AND h.dst <> {q.target}" if named else ""
        targets = (f"SELECT {q.target} AS t" if named else
                   f"SELECT id AS t FROM people WHERE org = {q.target} AND id <> $s "
                   "AND id NOT IN (SELECT dst FROM ties WHERE src = $s)")
        allowed = ("(h.ask_rule = 2 OR (h.ask_rule = 1 AND {tr} >= h.min_trust))")
        sql = f"""
        WITH back AS (SELECT src, dst, agree, trust FROM ties WHERE visibility <> 0 AND agree > 0),
        hop AS (SELECT src, dst, strength, visibility, ask_rule, min_trust FROM ties
                WHERE visibility <> 0 AND NOT no_intro AND ask_rule <> 0),
        tg AS ({targets}),
        f1 AS (SELECT o.dst AS m1, b.agree AS a1, b.trust AS tr1
               FROM ties o JOIN back b ON b.src = o.dst AND b.dst = $s
               WHERE o.src = $s {not_target.replace('h.dst', 'o.dst')}),
        p1 AS (SELECT f1.m1, -1 AS m2, -1 AS m3, h.dst AS t, f1.a1 * h.strength AS score, 2 AS hops
               FROM f1 JOIN hop h ON h.src = f1.m1 JOIN tg ON tg.t = h.dst
               WHERE {allowed.format(tr='f1.tr1')} {last_vis}),
        f2 AS (SELECT f1.m1, h.dst AS m2, f1.a1, b.agree AS a2, b.trust AS tr2
               FROM f1 JOIN hop h ON h.src = f1.m1 JOIN back b ON b.src = h.dst AND b.dst = f1.m1
               WHERE h.dst <> $s AND {allowed.format(tr='f1.tr1')} {not_target}),
        p2 AS (SELECT f2.m1, f2.m2, -1 AS m3, h.dst AS t, (f2.a1 * f2.a2) * h.strength AS score,
                      3 AS hops
               FROM f2 JOIN hop h ON h.src = f2.m2 JOIN tg ON tg.t = h.dst
               WHERE h.dst <> f2.m1 AND {allowed.format(tr='f2.tr2')} {last_vis}),
        f3 AS (SELECT f2.m1, f2.m2, h.dst AS m3, f2.a1, f2.a2, b.agree AS a3, b.trust AS tr3
               FROM f2 JOIN hop h ON h.src = f2.m2 JOIN back b ON b.src = h.dst AND b.dst = f2.m2
               WHERE h.dst <> $s AND h.dst <> f2.m1 AND {allowed.format(tr='f2.tr2')}
                     {not_target}),
        p3 AS (SELECT f3.m1, f3.m2, f3.m3, h.dst AS t,
                      ((f3.a1 * f3.a2) * f3.a3) * h.strength AS score, 4 AS hops
               FROM f3 JOIN hop h ON h.src = f3.m3 JOIN tg ON tg.t = h.dst
               WHERE h.dst <> f3.m1 AND h.dst <> f3.m2 AND {allowed.format(tr='f3.tr3')}
                     {last_vis})
        SELECT m1, m2, m3, t, score FROM (SELECT * FROM p1 UNION ALL SELECT * FROM p2
                                          UNION ALL SELECT * FROM p3)
        WHERE score > 0 ORDER BY score DESC, hops, m1, m2, m3, t LIMIT {k}
        """
        import duckdb

        timer = threading.Timer(timeout, self.con.interrupt)
        timer.start()
        try:
            rows = self.con.execute(sql, {"s": q.searcher}).fetchall()
        except duckdb.InterruptException as stopped:
            raise TimedOut from stopped
        finally:
            timer.cancel()
        return [((q.searcher, *(int(x) for x in (m1, m2, m3) if x >= 0), int(t)), float(score))
                for m1, m2, m3, t, score in rows]


# -- an earlier revision of our own search ---------------------------------------------------

def compare_with(rev: str, snap: Snapshot, queries: Sequence[Query], k: int,
                 repeat: int) -> int:
    """Time `find_paths` as it was at git revision `rev` against today's, query by query
    and interleaved (so both see the same load), and count the answers that differ."""
    import importlib.util
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def load(name: str, path_in_repo: str, rewrite: Callable[[str], str]) -> Any:
        source = subprocess.run(["git", "show", f"{rev}:{path_in_repo}"], cwd=root,
                                check=True, capture_output=True, text=True).stdout
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"{name}.py")
            with open(path, "w") as out:
                out.write(rewrite(source))
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
        return module

    # The search of `rev` with the compiled kernel of `rev` (their signatures differ).
    load("path_kernel_then", "src/kithbook/graph/path_kernel.py", lambda text: text)
    then = load("paths_then", "src/kithbook/graph/paths.py", lambda text: text.replace(
        "from kithbook.graph import path_kernel", "import path_kernel_then as path_kernel"))

    def run(search: Callable[..., list], q: Query) -> tuple[float, list[tuple]]:
        where = None if q.kind == "person" else PeopleFilter(organization=q.target)
        to = q.target if q.kind == "person" else None
        best, found = float("inf"), []
        for _ in range(repeat):
            t0 = time.perf_counter()
            found = search(snap, q.searcher, to=to, where=where, k=k)
            best = min(best, time.perf_counter() - t0)
        return best, [(p.people, p.edges, p.score, p.agrees, p.last_strength, p.anonymous)
                      for p in found]

    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    same: dict[tuple[str, str], int] = {}
    for q in queries:
        old_time, old = run(then.find_paths, q)
        new_time, new = run(find_paths, q)
        if old != new:
            say(f"DIFFERENT from {rev}: {q}")
        same[q.kind, q.group] = same.get((q.kind, q.group), 0) + (old == new)
        times.setdefault((q.kind, q.group), []).append((old_time, new_time))
    say(f"\n## Against the search code of {rev} (same snapshot, interleaved, fastest of "
        f"{repeat}); load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    say(f"| query | group | {rev} p50 ms | {rev} p95 ms | {rev} mean ms | ours p50 ms | "
        "ours p95 ms | ours mean ms | identical |")
    say("|---|---|---|---|---|---|---|---|---|")
    for (kind, group), pairs in times.items():
        old_t, new_t = [a for a, _ in pairs], [b for _, b in pairs]
        say(f"| to {kind} | {group} | {pct(old_t, 50):.2f} | {pct(old_t, 95):.2f} | "
            f"{np.mean(old_t) * 1000:.2f} | {pct(new_t, 50):.2f} | {pct(new_t, 95):.2f} | "
            f"{np.mean(new_t) * 1000:.2f} | {same[kind, group]}/{len(pairs)} |")
    return len(queries) - sum(same.values())


# -- reporting -------------------------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: Sequence[float], p: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, p)) if values else float("nan")


def say(text: str) -> None:
    print(text, flush=True)


def _from_sqlite(ties: TieArrays, people: PeopleArrays) -> Snapshot:
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "ties.sqlite")
        write_sqlite(db, ties)
        before = rss_mb()
        t0 = time.perf_counter()
        read = read_sqlite(db)
        t1 = time.perf_counter()
        snap = Snapshot.build(read, people)
        t2 = time.perf_counter()
        del read
    say(f"snapshot from SQLite: read {t1 - t0:.2f} s + build {t2 - t1:.2f} s = {t2 - t0:.2f} s; "
        f"arrays {snap.nbytes / 2**20:.0f} MiB; process grew {rss_mb() - before:.0f} MiB")
    say(f"ties kept: {snap.num_ties:,}; max out-degree {np.diff(snap.indptr).max():,}, "
        f"max in-degree {np.diff(snap.in_indptr).max():,}")
    return snap


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--ties", type=int, default=None, help="default: 10 per person")
    ap.add_argument("--pairs", type=int, default=100, help="queries of each of the 4 kinds")
    ap.add_argument("--peer-pairs", type=int, default=10,
                    help="queries of each kind also run by the peers")
    ap.add_argument("--peer-timeout", type=float, default=20.0, help="seconds per peer query")
    ap.add_argument("--peers", default="networkx,duckdb")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--postgres", default=None,
                    help="also time the build from PostgreSQL at this URL (temporary schema)")
    ap.add_argument("--no-storage", action="store_true",
                    help="build the snapshot from the generated arrays (no SQLite read)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time each of our queries this many times and keep the fastest "
                         "(on a shared machine, to see past other work's bursts)")
    ap.add_argument("--compare-with", default=None, metavar="REV",
                    help="also run the search code of this git revision (e.g. HEAD~1) on the "
                         "same snapshot and queries, interleaved with ours, and check that "
                         "every answer is identical")
    args = ap.parse_args(argv)
    ties_wanted = args.ties or 10 * args.people

    say(f"# warm paths: {args.people:,} people, about {ties_wanted:,} ties, k={args.k}")
    started = time.perf_counter()
    ties, people = generate(args.people, ties_wanted, args.seed)
    say(f"generated {len(ties):,} ties in {time.perf_counter() - started:.1f} s")

    if args.no_storage:
        snap = Snapshot.build(ties, people)
        args.postgres = None
    else:
        snap = _from_sqlite(ties, people)
    del ties
    if args.postgres:
        schema = f"paths_bench_{os.getpid()}"
        try:
            write_postgres(args.postgres, schema, snap.ties())
            t0 = time.perf_counter()
            read = read_postgres(args.postgres, schema)
            t1 = time.perf_counter()
            again = Snapshot.build(read, people)
            t2 = time.perf_counter()
            same = all(np.array_equal(getattr(again, c), getattr(snap, c))
                       for c in ("indptr", "dst", "strength", "rev", "agree_back"))
            del again, read
            say(f"snapshot from PostgreSQL: read {t1 - t0:.2f} s + build {t2 - t1:.2f} s = "
                f"{t2 - t0:.2f} s; identical to SQLite's: {same}")
        finally:
            drop_postgres(args.postgres, schema)

    rng = np.random.default_rng(args.seed + 2)
    live = snap.ties()
    pick = rng.choice(snap.num_ties, 10, replace=False)
    change = live.take(pick)
    change = TieArrays.of(change.src, change.dst, rng.random(10), visibility=HIDDEN)
    t0 = time.perf_counter()
    snap.with_changes(change)
    say(f"refresh, 10 existing ties changed: {time.perf_counter() - t0:.3f} s")
    added = TieArrays.of(rng.integers(0, snap.num_people, 10), rng.integers(0, snap.num_people, 10),
                         rng.random(10))
    added = added.take(added.src != added.dst)
    removed = np.stack([live.src[pick], live.dst[pick]], axis=1)
    t0 = time.perf_counter()
    snap.with_changes(added, removed)
    say(f"refresh, {len(added)} ties added and 10 removed: {time.perf_counter() - t0:.3f} s")
    del live

    differences = 0
    queries = make_queries(snap, args.pairs, args.seed)
    for q in queries[:8]:
        q.run(snap, args.k)  # warm up
    ours: dict[Query, tuple[float, Result]] = {}
    for q in queries:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = q.run(snap, args.k)
            best = min(best, time.perf_counter() - t0)
        ours[q] = (best, result)
    groups = [(kind, group) for kind in ("person", "org") for group in ("ordinary", "hub")]
    say(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        f"fastest of {args.repeat} per query")
    say("\n| query | group | ours p50 ms | ours p95 ms | found (mean paths) |")
    say("|---|---|---|---|---|")
    for kind, group in groups:
        sel = [ours[q] for q in queries if (q.kind, q.group) == (kind, group)]
        say(f"| to {kind} | {group} | {pct([s for s, _ in sel], 50):.2f} | "
            f"{pct([s for s, _ in sel], 95):.2f} | {np.mean([len(r) for _, r in sel]):.1f} |")

    if args.compare_with:
        differences += compare_with(args.compare_with, snap, queries, args.k, args.repeat)

    peers: list[NetworkXPeer | DuckDBPeer] = []
    for name in filter(None, args.peers.split(",")):
        t0 = time.perf_counter()
        peers.append(NetworkXPeer(snap) if name == "networkx" else DuckDBPeer(snap))
        say(f"{peers[-1].name} loaded in {time.perf_counter() - t0:.1f} s, "
            f"process at {rss_mb():.0f} MiB")
    sample = [q for kind, group in groups for q in
              [q for q in queries if (q.kind, q.group) == (kind, group)][:args.peer_pairs]]
    for peer in peers:
        say(f"\n## {peer.name}\n")
        say("| query | group | peer p50 ms | peer p95 ms | ours p50 ms | ours p95 ms | "
            "ratio p50 | ratio p95 | identical top-k (non-empty) | timed out |")
        say("|---|---|---|---|---|---|---|---|---|---|")
        for kind, group in groups:
            times, mine, same, checked, late, nonempty = [], [], 0, 0, 0, 0
            for q in [q for q in sample if (q.kind, q.group) == (kind, group)]:
                t0 = time.perf_counter()
                try:
                    theirs = peer.run(q, args.k, args.peer_timeout)
                    times.append(time.perf_counter() - t0)
                    checked += 1
                    if theirs == ours[q][1]:
                        same += 1
                        nonempty += bool(theirs)
                    else:
                        differences += 1
                        say(f"DIFFERENT {q}: ours {ours[q][1]} theirs {theirs}")
                except TimedOut:
                    times.append(args.peer_timeout)
                    late += 1
                mine.append(ours[q][0])
            more = "≥" if late else ""
            say(f"| to {kind} | {group} | {more}{pct(times, 50):.1f} | {more}{pct(times, 95):.1f}"
                f" | {pct(mine, 50):.2f} | {pct(mine, 95):.2f} | "
                f"{more}{pct(times, 50) / pct(mine, 50):.0f}× | "
                f"{more}{pct(times, 95) / pct(mine, 95):.0f}× | {same}/{checked} ({nonempty}) | "
                f"{late} |")
    if differences:
        say(f"\n{differences} peer answers differ from ours")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
