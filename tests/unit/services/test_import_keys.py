"""The import's quick keys equal the domain's: the same duplicates are found either way."""

from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.duplicates import name_key
from kithbook.services.imports import _name_key

NAMES = st.one_of(st.text(max_size=40),
                  st.text(alphabet="AaÉéßſﬁİı_-.' \t0١²ⅻ\u0301\u00a0ǅ", max_size=20))


@given(NAMES)
def test_import_name_key_is_the_domains(name: str) -> None:
    assert _name_key(name) == name_key(name)


def test_import_name_key_of_names_people_write() -> None:
    for name in ("Ada Lovelace", "LOVELACE, Ada", "José  Núñez-García", "Søren_Kierkegaard",
                 "Dr. Jane Smith Jr.", "Adébáyọ̀ Olúwásèyí", "ﷺ", ""):
        assert _name_key(name) == name_key(name)
