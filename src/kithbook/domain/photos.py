"""A contact's photo: a JPEG, PNG, GIF or WebP picture of bounded size.

What a picture is comes from its first bytes, never from what a file declares: a file that
says "image/jpeg" over an SVG (which can carry script) or over anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.errors import InvalidInput

MAX_PHOTO_BYTES = 512 * 1024  # a phone's contact picture is 10-200 KB

_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


@dataclass(frozen=True)
class ContactPhoto:
    media_type: str  # "image/jpeg", "image/png", "image/gif" or "image/webp"
    data: bytes

    def __post_init__(self) -> None:
        if picture_type(self.data) != self.media_type:
            raise InvalidInput(f"the photo is not the {self.media_type} it is said to be.",
                               field="photo")

    @property
    def suffix(self) -> str:
        """"JPEG", "PNG": vCard 3's TYPE parameter."""
        return self.media_type.removeprefix("image/").upper()


def picture_type(data: bytes) -> str | None:
    """The media type the bytes are, by their signature; None for anything else."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def checked_photo(data: bytes) -> ContactPhoto:
    """`data` as a photo to keep; one sentence saying what is wrong otherwise."""
    if not data:
        raise InvalidInput("the photo is empty.", field="photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(f"the photo is {len(data):,} bytes; Kithbook keeps pictures up "
                           f"to {MAX_PHOTO_BYTES // 1024} KB. Shrink it and import it again.",
                           field="photo")
    media_type = picture_type(data)
    if media_type is None:
        raise InvalidInput("the photo is not a JPEG, PNG, GIF or WebP picture.",
                           field="photo")
    return ContactPhoto(media_type, data)
