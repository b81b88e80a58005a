"""Trust at scale: personalized trust and reputation on 1,000,000 members and 10,000,000 ties.

Side by side with igraph's ``personalized_pagerank`` (PRPACK, its default and fastest
solver) and ``pagerank`` on the same positive ties, same weights, same damping. The
network is synthetic but shaped like a community: members sit in groups of about 500,
four ties in five stay inside the group, and member numbers are shuffled so that no
method gains from a friendly memory layout. One tie in six is a distrust rating.

Also measured: the machine's memory bandwidth (NumPy streaming read and copy), and for
each of our runs the floor it implies: bytes the run must touch at least, divided by
that bandwidth.

Run from the project root (about a minute, about 3 GiB at peak):

    python bench/trust_scale.py [--members 1000000] [--ties 10000000] [--sources 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import igraph as ig
import numpy as np

from kithbook.graph.trust import (
    DAMPING,
    TrustGraph,
    build_trust_graph,
    personalized_trust,
    reputation,
)

T = TypeVar("T")
GROUP = 500
LOCAL = 0.8


def timed(run: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = run()
    return result, time.perf_counter() - began


def community(members: int, ties: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    src = rng.integers(0, members, ties, dtype=np.int64)
    local = rng.random(ties) < LOCAL
    group_start = (src // GROUP) * GROUP
    dst = np.where(
        local,
        np.minimum(group_start + rng.integers(0, GROUP, ties), members - 1),
        rng.integers(0, members, ties),
    )
    shuffle = rng.permutation(members).astype(np.int32)
    weight = rng.uniform(-0.2, 1.0, ties).astype(np.float32)
    # One tie per ordered pair, as in the product (igraph would add repeated ties up).
    _, first = np.unique(src * members + dst, return_index=True)
    keep = first[src[first] != dst[first]]
    return shuffle[src[keep]], shuffle[dst[keep]], weight[keep]


def bandwidth() -> tuple[float, float]:
    """Streaming read (a max-reduction) and copy bandwidth in bytes per second, best of five."""
    block = np.ones(64 * 2**20, dtype=np.float32)  # 256 MiB, far beyond the caches
    other = np.ones_like(block)
    reads, copies = [], []
    for _ in range(5):
        _, seconds = timed(lambda: block.max())
        reads.append(block.nbytes / seconds)
        _, seconds = timed(lambda: np.copyto(other, block))
        copies.append(2 * block.nbytes / seconds)
    return max(reads), max(copies)


def dense_step_bytes(graph: TrustGraph) -> int:
    """The least a full step moves: the reverse walk matrix (4-byte values and column
    numbers, row pointers), one read of the vector carried and one read-modify-write of
    the vector pending, all 4-byte floats; gathers assumed free (the vector fits in cache)."""
    n, nnz = graph.size, graph.walk_in.nnz
    return 8 * nnz + 4 * (n + 1) + 4 * n + 8 * n


def opinion_bytes(graph: TrustGraph) -> int:
    """Two products over the received ratings (values, shared column numbers, pointers)."""
    n, nnz = graph.size, graph.received.nnz
    return 12 * nnz + 8 * (n + 1) + 8 * n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--ties", type=int, default=10_000_000)
    parser.add_argument("--sources", type=int, default=5)
    args = parser.parse_args()

    read_bw, copy_bw = bandwidth()
    print(f"memory bandwidth: read {read_bw / 1e9:.1f} GB/s, copy {copy_bw / 1e9:.1f} GB/s")
    (src, dst, weight), seconds = timed(lambda: community(args.members, args.ties))
    print(f"network: {args.members:,} members, {src.size:,} ties ({seconds:.1f}s to generate)")
    graph, seconds = timed(lambda: build_trust_graph(src, dst, weight, args.members))
    print(f"kithbook graph built in {seconds:.2f}s: {graph.walk.nnz:,} positive ties walkable")

    positive = weight > 0

    def peer_graph() -> ig.Graph:
        built = ig.Graph(
            n=args.members,
            edges=np.column_stack([src[positive], dst[positive]]).tolist(),
            directed=True,
        )
        built.es["weight"] = weight[positive].astype(np.float64).tolist()
        return built

    peer, seconds = timed(peer_graph)
    print(f"igraph graph built in {seconds:.1f}s")

    rng = np.random.default_rng(3)
    sources = rng.choice(args.members, size=args.sources, replace=False)
    ours, exact, theirs = [], [], []
    errors, exact_errors, unresolved, steps, floors = [], [], [], [], []
    overlaps: list[int] = []
    top_errors: list[float] = []
    step_bytes = dense_step_bytes(graph)
    for source in sources:
        trust, seconds = timed(lambda s=int(source): personalized_trust(graph, s))
        ours.append(seconds)
        unresolved.append(trust.unresolved)
        steps.append(trust.steps)
        floors.append((trust.followed * 12 + 16 * args.members) / read_bw)
        full, seconds = timed(
            lambda s=int(source), k=trust.steps: personalized_trust(
                graph, s, tolerance=0.0, max_steps=k
            )
        )
        exact.append(seconds)
        answer, seconds = timed(
            lambda s=int(source): peer.personalized_pagerank(
                reset_vertices=[s], damping=DAMPING, weights="weight"
            )
        )
        theirs.append(seconds)
        reference = np.asarray(answer)
        errors.append(float(np.abs(trust.reach - reference).sum()))
        top = np.argsort(-reference)[:1000]
        overlaps.append(np.intersect1d(np.argsort(-trust.reach)[:100], top[:100]).size)
        top_errors.append(float(np.max(np.abs(trust.reach[top] - reference[top]) / reference[top])))
        exact_errors.append(float(np.abs(full.reach - reference).sum()))

    med = statistics.median
    print(f"\npersonalized trust, one source (median of {args.sources}), damping {DAMPING}:")
    print(f"  igraph personalized_pagerank (PRPACK)   {med(theirs):8.3f}s   1.0x")
    print(
        f"  kithbook, same steps, nothing pruned    {med(exact):8.3f}s "
        f"{med(theirs) / med(exact):5.1f}x   L1 vs igraph {med(exact_errors):.1e}"
    )
    print(
        f"  kithbook personalized_trust (default)   {med(ours):8.3f}s "
        f"{med(theirs) / med(ours):5.1f}x   L1 vs igraph {med(errors):.1e}, "
        f"unresolved {med(unresolved):.1e}, {med(steps):.0f} steps"
    )
    print(
        f"    its top 100 share {min(overlaps)}..{max(overlaps)} members with igraph's top 100;"
        f" worst relative error over igraph's top 1,000: {max(top_errors):.1e}"
    )
    print(
        f"  bandwidth floor of the default run: {med(floors) * 1e3:.1f} ms "
        f"(ties read x 12 bytes + 4 member-sized float arrays, / read bandwidth); measured is "
        f"{med(ours) / med(floors):.0f}x the floor"
    )
    print(
        f"  floor of one full step: {step_bytes / 1e6:.0f} MB / read bandwidth = "
        f"{step_bytes / read_bw * 1e3:.1f} ms; the unpruned run took "
        f"{med(exact) / med(steps) * 1e3:.1f} ms per step"
    )

    rep, ours_rep = timed(lambda: reputation(graph))
    answer, theirs_rep = timed(lambda: peer.pagerank(damping=DAMPING, weights="weight"))
    rep_error = float(np.abs(rep.reach - np.asarray(answer)).sum())
    floor = (rep.steps * step_bytes + opinion_bytes(graph)) / read_bw
    print(f"\nreputation for everyone, damping {DAMPING}:")
    print(f"  igraph pagerank (PRPACK)                {theirs_rep:8.3f}s   1.0x")
    print(
        f"  kithbook reputation                     {ours_rep:8.3f}s "
        f"{theirs_rep / ours_rep:5.1f}x   L1 vs igraph {rep_error:.1e}, "
        f"unresolved {rep.unresolved:.1e}, {rep.steps} steps"
    )
    print(
        f"  bandwidth floor: {rep.steps} steps x {step_bytes / 1e6:.0f} MB + opinions "
        f"{opinion_bytes(graph) / 1e6:.0f} MB = {floor * 1e3:.0f} ms; measured is "
        f"{ours_rep / floor:.1f}x the floor"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"\npeak resident memory {peak:.2f} GiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
