"""Every text the UI shows, in Norwegian (default) and English."""
from __future__ import annotations

LANGS = ("nb", "en")

S: dict[str, dict[str, str]] = {
    "title": {"nb": "Selvhjelpsassistenten", "en": "The self-help assistant"},
    "intro": {
        "nb": "Still spørsmål om selvhjelp og selvhjelpsgrupper i Norge. Svarene bygger bare på antologien "
              "«Samarbeid om selvhjelp» (2019) og materiale fra Selvhjelp Norge, og viser hvor hvert svar kommer fra. "
              "Trykk på et kildenummer, for eksempel [1], for å se kilden.",
        "en": "Ask about self-help and self-help groups in Norway. Answers come only from the anthology "
              "«Samarbeid om selvhjelp» (2019) and material from Selvhjelp Norge, and show where each answer "
              "comes from. Press a source number such as [1] to see the source.",
    },
    "not_help": {
        "nb": "Assistenten er ikke profesjonell hjelp og gir ikke behandling eller medisinske råd. "
              "Er du i krise: ring 113, legevakt 116 117 eller Mental Helses hjelpetelefon 116 123.",
        "en": "The assistant is not professional help and gives no therapy or medical advice. "
              "In a crisis: call 113, the out-of-hours doctor 116 117 or Mental Helse's helpline 116 123.",
    },
    "tab_chat": {"nb": "Spør", "en": "Ask"},
    "tab_terms": {"nb": "Begreper", "en": "Key terms"},
    "tab_about": {"nb": "Om", "en": "About"},
    "question_label": {"nb": "Ditt spørsmål", "en": "Your question"},
    "question_placeholder": {"nb": "Skriv et spørsmål om selvhjelp …", "en": "Type a question about self-help …"},
    "send": {"nb": "Spør", "en": "Ask"},
    "clear": {"nb": "Ny samtale", "en": "New conversation"},
    "examples": {"nb": "Eksempler", "en": "Examples"},
    "filter_label": {"nb": "Kilder", "en": "Sources"},
    "filter_all": {"nb": "Alle", "en": "All"},
    "filter_anthology": {"nb": "Antologien", "en": "The anthology"},
    "filter_sn": {"nb": "Selvhjelp Norge", "en": "Selvhjelp Norge"},
    "lang_label": {"nb": "Språk / Language", "en": "Språk / Language"},
    "sources": {"nb": "Kilder", "en": "Sources"},
    "related": {"nb": "Beslektede utdrag", "en": "Related passages"},
    "not_found": {"nb": "Finner ikke svar i kildene.", "en": "No answer found in the sources."},
    "copy_ref": {"nb": "Kopier referanse", "en": "Copy reference"},
    "copied": {"nb": "Kopiert", "en": "Copied"},
    "open_source": {"nb": "Åpne kilden", "en": "Open the source"},
    "chapter": {"nb": "Kapittel", "en": "Chapter"},
    "foreword": {"nb": "Forord", "en": "Foreword"},
    "pages": {"nb": "s.", "en": "pp."},
    "helpful": {"nb": "Var svaret nyttig?", "en": "Was this answer helpful?"},
    "yes": {"nb": "Ja", "en": "Yes"},
    "no": {"nb": "Nei", "en": "No"},
    "thanks": {"nb": "Takk for tilbakemeldingen!", "en": "Thank you for the feedback!"},
    "fb_failed": {"nb": "Tilbakemeldingen kunne ikke lagres nå.", "en": "The feedback could not be saved now."},
    "thinking": {"nb": "Leter i kildene …", "en": "Searching the sources …"},
    "error": {"nb": "Noe gikk galt hos oss. Prøv igjen om litt.",
              "en": "Something went wrong on our side. Please try again shortly."},
    "empty_chat": {"nb": "Still et spørsmål, eller velg et eksempel.", "en": "Ask a question, or pick an example."},
    "terms_intro": {
        "nb": "For fagfolk: sentrale begreper fra feltet. For hvert begrep vises utdragene i kildene som "
              "definerer eller forklarer det – funnet i teksten når du spør, ikke skrevet for hånd.",
        "en": "For professionals: key terms of the field. For each term you see the passages in the sources "
              "that define or explain it, found in the text when you ask, not written by hand.",
    },
    "terms_pick": {"nb": "Velg et begrep", "en": "Pick a term"},
    "terms_search": {"nb": "Søk etter et begrep", "en": "Search for a term"},
    "terms_search_btn": {"nb": "Finn", "en": "Find"},
    "terms_none": {"nb": "Fant ingen utdrag som forklarer «{term}».", "en": "No passage explains «{term}»."},
    "about_title": {"nb": "Om assistenten", "en": "About the assistant"},
}

EXAMPLES = {
    "nb": [
        "Hva er forskjellen på en AA-gruppe og en SN-gruppe?",
        "Hva er en igangsetter?",
        "Hvordan starter jeg en selvhjelpsgruppe?",
        "Hva betyr «fortrolige fremmede»?",
    ],
    "en": [
        "What is the difference between an AA group and an SN group?",
        "What is an igangsetter (group starter)?",
        "How do I start a self-help group?",
        "What does «fortrolige fremmede» mean?",
    ],
}


def t(key: str, lang: str, **kw) -> str:
    text = S[key].get(lang) or S[key]["nb"]
    return text.format(**kw) if kw else text
