"""A NUL byte or another control character in a search box (`?q=%00`) is a clean search on
every page and API list that takes `q`: a 200 with what the search without it gives."""

import pytest

PAGES = [  # (persona, page, a word that finds something, where the page keeps its results)
    ("office_wuhan", "/programmes/", "武汉", "page"),
    ("office_wuhan", "/agencies/", "科技", "page"),
    ("office_wuhan", "/programmes/wuhan-2017/indicators/", "专利", "indicators"),
    ("office_wuhan", "/statistics/", "专利", "statistics"),
    ("evaluator", "/programmes/", "武汉", "page"),
    ("reporter_wuhan_kjj", "/agencies/", "科技", "page"),
]
API = [("office_wuhan", "/api/programmes/", "武汉"), ("office_wuhan", "/api/agencies/", "科技")]
NASTY = ["%00", "%00%00", "%01%1f", "%7f", "%c2%85"]  # NUL, more NULs, C0 controls, DEL, NEL (C1)


def _results(response, key) -> list:
    found = response.context[key]
    found = getattr(found, "object_list", found)
    return [str(item) for item in found]


@pytest.mark.django_db
@pytest.mark.parametrize("persona,path,word,key", PAGES)
def test_control_characters_in_a_page_search_are_dropped(login, persona, path, word, key):
    client = login(persona)
    plain = client.get(f"{path}?q={word}")
    everything = _results(client.get(path), key)
    assert plain.status_code == 200
    assert 0 < len(_results(plain, key)) <= len(everything)
    for nasty in NASTY:
        alone = client.get(f"{path}?q={nasty}")
        assert alone.status_code == 200, nasty
        assert _results(alone, key) == everything, nasty  # nothing left to search for: the whole list
        assert "\x00" not in alone.content.decode()  # and the box does not echo the byte
        mixed = client.get(f"{path}?q={nasty}{word}{nasty}")
        assert mixed.status_code == 200, nasty
        assert _results(mixed, key) == _results(plain, key), nasty


@pytest.mark.django_db
@pytest.mark.parametrize("persona,path,word", API)
def test_control_characters_in_an_api_search_are_dropped(login, persona, path, word):
    client = login(persona)
    plain = client.get(f"{path}?q={word}").json()
    assert plain["count"] > 0
    for nasty in NASTY:
        assert client.get(f"{path}?q={nasty}").json()["count"] == client.get(path).json()["count"]
        assert client.get(f"{path}?q={nasty}{word}").json() == plain


def test_search_text_keeps_words_and_drops_controls():
    from ipcity.core.search import search_text

    assert search_text("\x00武汉\x1f 市\x7f ") == "武汉 市"
    assert search_text(None) == ""
    assert len(search_text("专" * 500)) == 200
