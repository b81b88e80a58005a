"""The pictures the pages and the API answer with: the map and a warm path as SVG, and
a contact's photo.

The services hand over what to draw (a laid-out map, a found path); drawing it is the
face's business. A map's picture costs a quarter of the map page's time, so the last few
are kept while the map they were drawn from is the same object (the services keep a map
while the book stays the same).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi.responses import Response

from kithbook.domain.ids import ContactId
from kithbook.domain.network_map import ColourBy, NetworkMap
from kithbook.domain.photos import ContactPhoto
from kithbook.io.network_map import map_svg, path_svg
from kithbook.services.paths import FoundPath

PICTURES_KEPT = 32

Href = Callable[[ContactId], str]


@dataclass
class Pictures:
    """The SVG of the maps drawn lately."""

    _kept: OrderedDict[tuple[int, ColourBy, Href, bool, Href | None],
                       tuple[NetworkMap, str]] = field(
        default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, network: NetworkMap, colour_by: ColourBy, href: Href, *,
           with_legend: bool = False, photo_href: Href | None = None) -> str:
        # By identity: a kept map is the same object each time, and holding it here
        # keeps its id from being given to another.
        key = (id(network), colour_by, href, with_legend, photo_href)
        with self._lock:
            held = self._kept.get(key)
            if held is not None and held[0] is network:
                self._kept.move_to_end(key)
                return held[1]
        svg = map_svg(network, colour_by, href, with_legend=with_legend,
                      photo_href=photo_href)
        with self._lock:
            self._kept[key] = (network, svg)
            while len(self._kept) > PICTURES_KEPT:
                self._kept.popitem(last=False)
        return svg


_PICTURES = Pictures()


def photo_response(photo: ContactPhoto) -> Response:
    """A contact's picture as it is: only pictures whose bytes say what they are are kept,
    and nosniff holds browsers to that."""
    return Response(photo.data, media_type=photo.media_type,
                    headers={"X-Content-Type-Options": "nosniff",
                             "Cache-Control": "private, no-cache",
                             "Content-Security-Policy": "default-src 'none'"})


def map_picture(network: NetworkMap, colour_by: ColourBy, href: Href, *,
                with_legend: bool = False, photo_href: Href | None = None) -> str:
    """The map as an SVG document, each circle a link to `href(contact)`, with the
    contact's picture from `photo_href(contact)` when given."""
    return _PICTURES.of(network, colour_by, href, with_legend=with_legend,
                        photo_href=photo_href)


def path_picture(found: FoundPath) -> str:
    """One warm path as a row of people, drawn like the map."""
    return path_svg([s.label for s in found.steps], [s.anonymous for s in found.steps])
