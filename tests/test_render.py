"""The chat message HTML (ui/render.py) for the answer shapes the assistant returns."""
from ui.render import bot_message


def _turn(**answer):
    base = {"question": "q", "language": "nb", "answer": "", "citations": [], "abstained": False,
            "notice": None, "related": []}
    return {"qid": "t1", "answer": {**base, **answer}}


def test_crisis_reply_has_the_notice_first_and_no_not_found_label():
    html = bot_message(_turn(answer="Jeg kan ikke hjelpe deg slik et menneske kan.", abstained=True,
                             notice="Ring 113 ved akutt fare. Mental Helse: 116 123."), "nb")
    assert "113" in html and "116 123" in html
    assert html.index("113") < html.index("Jeg kan ikke hjelpe")
    assert "sh-abstain" not in html and "Finner ikke svar i kildene" not in html


def test_ordinary_abstention_says_no_answer_was_found():
    html = bot_message(_turn(answer="Jeg finner ikke svar på dette i kildene.", abstained=True), "nb")
    assert "sh-abstain" in html and "Finner ikke svar i kildene." in html


def test_a_quoted_list_keeps_one_item_per_line():
    from rag.types import Passage
    from ui.render import source_card

    listed = Passage(id="ch2:list-1669", source="anthology", kind="list", language="nb", chapter=2,
                     lines=(1669, 1683), text="Yalom (2005): Terapeutiske faktorer\nHåp\nAltruisme")
    html = source_card(listed, "nb", "c1", "[2]", quote=listed.text)
    assert 'class="sh-passage sh-list"' in html and "<mark>" in html and "Håp\nAltruisme" in html
    body = Passage(id="ch2:1665-1668", source="anthology", kind="body", language="nb", text="Tekst.")
    assert 'class="sh-passage"' in source_card(body, "nb", "c2", "[1]")
