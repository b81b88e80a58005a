"""A contact's photo on its page, served as the picture it is."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kithbook.services.facade import Kithbook

FILE = Path(__file__).resolve().parents[1] / "data" / "import" / "photos.vcf"


def test_the_contact_page_shows_the_photo_and_serves_it_as_itself(kb: Kithbook,
                                                                  client: TestClient) -> None:
    client.get("/")  # the book's owner exists once the book is opened
    me = kb.book.local_member()
    kb.transfer.import_file(me.id, FILE)
    bola = kb.book.show_contact(me.id, "Bola").contact.id
    dana = kb.book.show_contact(me.id, "Dana").contact.id
    page = client.get(f"/contacts/{bola}").text
    assert f'<img class="contact-photo" src="/contacts/{bola}/photo" alt="Photo of ' \
           'Bola Okafor"' in page
    served = client.get(f"/contacts/{bola}/photo")
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG")
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "contact-photo" not in client.get(f"/contacts/{dana}").text
    missing = client.get(f"/contacts/{dana}/photo")
    assert missing.status_code == 404 and "Dana Link has no photo" in missing.text


def test_the_map_shows_the_photo_in_a_circle_large_enough_for_it(kb: Kithbook,
                                                                client: TestClient) -> None:
    client.get("/")
    me = kb.book.local_member()
    kb.transfer.import_file(me.id, FILE)
    bola = kb.book.show_contact(me.id, "Bola").contact.id
    aiko = kb.book.show_contact(me.id, "Aiko").contact.id
    kb.depth.correct_strength(me.id, bola, 0.9)  # a strong tie: a large circle
    kb.depth.correct_strength(me.id, aiko, 0.1)  # a weak one: too small for a picture
    page = client.get("/map").text
    assert f'<image href="/contacts/{bola}/photo"' in page
    assert 'preserveAspectRatio="xMidYMid slice" clip-path="url(#photo-' in page
    assert f"/contacts/{aiko}/photo" not in page
    dana = kb.book.show_contact(me.id, "Dana").contact.id  # no picture: a plain circle
    assert f"/contacts/{dana}/photo" not in page


def test_the_api_names_and_serves_the_photo(kb: Kithbook, client: TestClient) -> None:
    client.get("/")
    me = kb.book.local_member()
    kb.transfer.import_file(me.id, FILE)
    chen = kb.book.show_contact(me.id, "Chen").contact.id
    body = client.get(f"/api/v1/contacts/{chen}").json()
    assert body["photo"] == f"/api/v1/contacts/{chen}/photo"
    served = client.get(body["photo"])
    assert served.headers["content-type"] == "image/gif" and served.content[:6] == b"GIF89a"
    dana = kb.book.show_contact(me.id, "Dana").contact.id
    assert client.get(f"/api/v1/contacts/{dana}").json()["photo"] is None
    assert client.get(f"/api/v1/contacts/{dana}/photo").status_code == 404
