"""What kind of fact a question asks for (a year, a number, a name, a definition …) and
whether a sentence or passage holds one. Shared by retrieval (a small boost for passages that
can answer the question's type) and the extractive answerer (which requires it)."""
from __future__ import annotations

import re
from functools import lru_cache

from .citations import tokens

YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)(?:\s*[–-]\s*\d{2,4})?\b")
NUMBER = re.compile(
    # Not a page or chapter reference («s. 6», «kap. 2») nor part of a compound («12-trinns»).
    r"(?<!\bs\. )(?<!\bs\.)(?<!\bkap\. )(?<!\bnr\. )(?<!\bp\. )(?<!\bpp\. )"
    r"(?<!\bkapittel )(?<!\bkapitlene )(?<!\bchapter )(?<!\bchapters )\b(?!(?:1[89]|20)\d\d\b)\d+\b(?!-[^\W\d_])"
    # Nor a day of the month («14. september»).
    r"(?!\.? (?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    r"january|february|march|june|july|october|december)\b)|\b(?:to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|femten|tjue|tretti|førti|"
    r"femti|hundre|tusen|million\w*|milliard\w*|dusin|halvparten|flertall\w*|mange|flere|"
    r"two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|thousand)\b(?!-[^\W\d_])",
    re.IGNORECASE,
)
# A sum of money; a percentage is no sum («en fast 20 % stilling» is no salary).
AMOUNT = re.compile(
    r"\d[\d\s.,]*\s*(?:kr\b|kroner|mill\w*|milliard\w*|NOK)|\bkr\.?\s*\d", re.IGNORECASE
)
_ASK_YEAR = re.compile(
    r"\b(?:når|hvilket år|hvilke år|hvilken periode|hvilket tidsrom|what year|which year|"
    r"what period|which period|when|since when|siden når|kva år|årstall)\b",
    re.IGNORECASE,
)
# "Over what period …?" / «Over hvilke år …?» wants a span of years, not one year.
_ASK_PERIOD = re.compile(
    r"\b(?:hvilke år|hvilken periode|hvilket tidsrom|what period|which period|what years|which years|"
    r"between which years|mellom hvilke år|from when to when)\b", re.IGNORECASE)
PERIOD = re.compile(
    r"\b(?:1[89]|20)\d\d\s*[–-]\s*(?:(?:1[89]|20)\d\d|\d\d)\b(?!-tallet)|"
    r"\b(?:fra|from|mellom|between)\b[^.;]{0,30}?\b(?:1[89]|20)\d\d\b[^.;]{0,30}?"
    r"\b(?:til|to|until|og|and)\b[^.;]{0,30}?\b(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
# "How long …?" wants a length of time («to timer», «i tre år», "two hours") or a span of years.
_ASK_DURATION = re.compile(r"\b(?:hvor lenge|kor lenge|hvor lange|hvor lang tid|kor lang tid|how long|for how long|how much time)\b", re.I)
# "How long did the interviews last?", «Hvor lenge varte intervjuene med …?»: what lasted. Only
# with a verb of lasting or a copula: "How long did Gotaas follow the project?" asks how long
# she followed it, not how long Gotaas lasted.
_PREP = r"(?:med|i|for|på|av|hos|ved|in|at|of|with|during|on)"
_DURATION_SUBJECT = re.compile(
    r"\b(?:hvor|kor) lenge (?:varte|varer|vart|pågikk|pågår)\s+(.+?)(?=\s+" + _PREP + r"\b|\s*[?.!]|$)"
    r"|\bhow long (?:did|does|do|will|would)\s+(.+?)\s+(?:last|lasted|take|took|run|ran|go on|continue)\b"
    r"|\bhow long (?:was|were|is|are)\s+(.+?)(?=\s+" + _PREP + r"\b|\s*[?.!]|$)",
    re.I,
)


def duration_subject(question: str) -> str | None:
    """The thing whose length a how-long question asks for, or None."""
    m = _DURATION_SUBJECT.search(question)
    return next((g for g in m.groups() if g), None) if m else None


_NUM_WORD = (r"(?:\d+(?:[.,]\d+)?|en|ei|ett?|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|femten|tjue|tretti|"
             r"halvannen|halvannet|noen|et par|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
             r"fifteen|twenty|thirty|a few|several|a couple of)")
DURATION = re.compile(
    r"\b" + _NUM_WORD + r"\s+(?:\w+\s+)?(?:sekund\w*|minutt\w*|timer?|timen|timene|døgn\w*|dager|dagen|dag|"
    r"uker?|uka|ukene|måned\w*|år|året|årene|halvår\w*|semester\w*|seconds?|minutes?|hours?|days?|weeks?|"
    r"months?|years?)\b(?!\s+(?:senere|seinere|tidligere|later|earlier|ago)\b)"
    r"|\bsiden\s+(?:1[89]|20)\d\d\b|\bsince\s+(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
_ASK_DATE = re.compile(r"\b(?:hvilken dato|hvilken dag|på hvilken dato|what date|which date|what day|which day)\b", re.I)
_MONTHS_NB = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE = re.compile(
    rf"\b\d{{1,2}}\.\s*(?:{_MONTHS_NB})\b|\b(?:{_MONTHS_EN})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS_EN})\b|"
    r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",
    re.IGNORECASE,
)
_ASK_FREQUENCY = re.compile(r"\b(?:hvor ofte|kor ofte|how often|how frequently)\b", re.I)
FREQUENCY = re.compile(
    r"\b(?:hver|annenhver|annakvar|kvar|every|each|once|twice|once a|en gang i|to ganger i|\d+ ganger i)\s+"
    r"(?:\w+\s+)?(?:dag|uke|uka|måned|måneden|år|week|month|day|year|fortnight)\w*\b|"
    r"\b(?:ukentlig\w*|månedlig\w*|daglig\w*|weekly|monthly|daily|fortnightly|\d+\s*ganger)\b",
    re.IGNORECASE,
)
_ASK_NUMBER = re.compile(
    r"\b(?:hvor mange|hvor mye|hvor stor|hvor lang|kor mange|kor mykje|how many|how much|"
    r"how large|how big|how long|antall(?:et)?|number of|percent(?:age)?|prosent\w*)\b",
    re.IGNORECASE,
)
_ASK_AMOUNT = re.compile(
    r"\b(?:budsjett\w*|årsbudsjett\w*|budget\w*|koste\w*|cost\w*|lønn\w*|salary|salaries|"
    r"hvor mye penger|how much money|omsetning|turnover|revenue)\b"
    # "What was SN's grant in 2020?" / «Hva var tilskuddet …?» asks for a sum, not for the scheme.
    r"|\b(?:what|hva|hvor stort|hvor stor)\s+(?:is|was|were|are|er|var|ble|blir)\s+(?:[\w'’]+\s+){0,3}?"
    r"(?:grants?|tilskudd(?:et|ene)?|bevilgning(?:en|ene)?|funding|appropriation)\b(?!\s+(?:scheme|ordning))",
    re.IGNORECASE,
)
# Not a bare "call": "prefer to call self-help a possibility" asks why, not for a number.
_ASK_PHONE = re.compile(
    r"\b(?:telefon\w*|tlf|phone|telephone|ringe|number to call|(?:can|could|should|do) (?:i|we|you) call|"
    r"call (?:them|someone|somebody))\b", re.I)
_PHONE = re.compile(r"(?<!\d)(?:\+47\s*)?(?:\d{2}\s?\d{2}\s?\d{2}\s?\d{2}|\d{3}\s?\d{2}\s?\d{3}|1\d{2}(?:\s\d{3})?)(?!\d)")
# "What is the street address of LINK Trondheim?", «Hva er adressen til …?», "What email address …":
# only a street address, a postcode and town, an e-mail or a web address answers.
_ASK_ADDRESS = re.compile(
    r"\b(?:\w*adressen?e?|e-?post|e-?mail)\b|\b(?:street|e-?mail|web|postal|mailing|visiting|the|an|its|their|your)"
    r" address(?:es)?\b|\baddress(?:es)? (?:of|for)\b", re.I)
_ADDRESS = re.compile(
    r"\b[A-ZÆØÅ][\w.-]*(?:gata|gate|gaten|veien|vegen|vei|veg|plass|allé|alle|bakken|torget|street|road)\s+\d{1,3}[A-Za-z]?\b"
    r"|(?<!\d)(?!1[89]\d\d|20\d\d)\d{4}\s+[A-ZÆØÅ][a-zæøå]+|[\w.+-]+@[\w-]+\.[\w.]+|\bwww\.[\w-]+\.\w+|https?://")
PRESENT = re.compile(
    r"\b(?:i dag|idag|nå for tiden|nåværende|dagens|today|today's|current|currently|nowadays)\b", re.I
)
# "What does LINK stand for?" / «Hva står LMS for?»: the letters' expansion is the answer.
_ASK_ACRONYM = re.compile(
    r"\b(?:hva|kva)\s+(?:står|stod|sto)\s+(?:forkortelsen\s+|akronymet\s+)?(?P<a>[\w-]+)\s+for\b|"
    r"\b(?:hva|kva)\s+(?:er|var)\s+(?P<b>[\w-]+)\s+(?:en\s+)?(?:forkortelse|akronym|kortform)\s+for\b|"
    r"\b(?:hva|kva)\s+betyr\s+(?:forkortelsen|akronymet)\s+(?P<c>[\w-]+)|"
    r"\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+|letters\s+)?(?P<d>[\w-]+)\s+stand\s+for\b|"
    r"\bwhat\s+is\s+(?P<e>[\w-]+)\s+(?:short|an\s+acronym|an\s+abbreviation)\s+for\b|"
    r"\bwhat\s+does\s+the\s+(?:acronym|abbreviation)\s+(?P<f>[\w-]+)\s+mean\b",
    re.IGNORECASE,
)
_EXPANSION_CUE = r"(?:står for|stod for|akronym|forkortelse|kortform|stands? for|short for|abbreviation)"
_CONNECTORS = {"og", "and", "&", "of", "for", "i", "in", "til", "to", "the", "med", "på"}
_ASK_NAME = re.compile(r"\b(?:hvem|kven|who|whom|hvilken person|which person)\b", re.IGNORECASE)
# "Where …?" / «Hvor ble …?», not «hvor mange/ofte/lenge …».
_ASK_PLACE = re.compile(
    r"\b(?:where|hvor|kor|hvilken by|hvilket fylke|hvilket sted|which town|which city|which county|"
    r"in which (?:town|city|county|place))\b(?!\s+(?:mange|mye|ofte|stor\w*|lang\w*|lenge|gammel|gamle|høy\w*|"
    r"godt|bra|mykje|mykkje|tid|viktig\w*|much|many|often|long|old|large|big|far|langt))",
    re.IGNORECASE,
)
# Norwegian towns, counties and regions, and a few countries, as the book writes them; «Norge»
# itself is no answer to where something in Norway happened, and is left out.
_PLACES = (
    "Oslo Bergen Trondheim Stavanger Kristiansand Tromsø Drammen Fredrikstad Sandnes Sarpsborg Skien "
    "Bodø Ålesund Sandefjord Larvik Tønsberg Arendal Haugesund Porsgrunn Hamar Lillehammer Gjøvik Moss "
    "Halden Harstad Molde Kongsberg Horten Alta Narvik Steinkjer Namsos Levanger Elverum Kristiansund "
    "Hønefoss Lillestrøm Asker Bærum Førde Voss Stord Egersund Mandal Grimstad Vadsø Hammerfest "
    "Kirkenes Svolvær Florø Jessheim Kongsvinger Notodden Stjørdal Verdal Ørsta Volda Sogndal "
    "Brønnøysund Mosjøen Sortland Finnsnes Lofoten Vesterålen Romerike Hadeland Valdres Hallingdal "
    "Gudbrandsdalen Østerdalen Østfold Akershus Hedmark Oppland Buskerud Vestfold Telemark Aust-Agder "
    "Vest-Agder Agder Rogaland Hordaland Vestland Sør-Trøndelag Nord-Trøndelag Trøndelag Nordland "
    "Troms Finnmark Innlandet Viken Svalbard Nord-Norge Sør-Norge Midt-Norge Vestlandet Østlandet "
    "Sørlandet Norden Skandinavia Europa Sverige Danmark Finland Island Tyskland England "
    "Storbritannia USA Canada Nederland Frankrike Sweden Denmark Germany Britain"
).split() + ["Mo i Rana", "Sogn og Fjordane", "Møre og Romsdal", "United States"]
# «Nord-Troms», «Vest-Oppland», «Indre Østfold»: a part of a known place is a place.
PLACE = re.compile(r"(?<![\w-])(?:(?:Nord|Sør|Øst|Vest|Midt)-|(?:Indre|Ytre|Nordre|Søndre) )?(?:"
                   + "|".join(sorted(map(re.escape, _PLACES), key=len, reverse=True)) + r")(?![\w-])")
_PLACE_PREPOSITIONS = {"i", "på", "fra", "til", "ved", "nær", "utenfor", "in", "at", "from", "to", "near", "outside"}


def places(sentence: str) -> list[str]:
    """The places the sentence names, not counting those inside a name («Selvhjelp Norge»,
    «LMS-forum Vestfold», «Angstringen Nord»): a place right after a capitalised word other
    than a preposition is part of that name."""
    out = []
    for m in PLACE.finditer(sentence):
        before = re.findall(r"[\w-]+", sentence[:m.start()])
        if before and before[-1][:1].isupper() and before[-1].lower() not in _PLACE_PREPOSITIONS:
            continue
        out.append(m.group(0))
    return out


_WH = re.compile(
    r"\b(?:hva|hvem|hvor|hvordan|hvorfor|når|hvilke\w*|kva|kven|kor|korleis|kvifor|what|who|whom|"
    r"where|how|why|when|which)\b",
    re.IGNORECASE,
)
_ASK_NAME_PHRASE = re.compile(r"\b(?:hva heter|kva heiter|what is the name|what's the name|navnet på)\b", re.I)
_ASK_PERSON = re.compile(
    r"\b(?:(?:hva|kva) (?:heter|heiter) (?:den|han|hun|personen|lederen)|navnet på (?:den|personen|lederen)|"
    r"what is the name of the (?:person|director|leader|head)|"
    r"(?:who|hvem) (?:is|was|er|var) (?:the |dagens |nåværende )?(?:current |present )?"
    r"(?:director|leader|head|chair\w*|leder\w*|daglig leder|direktør\w*|styreleder\w*)|"
    # "Which of the anthology's authors …?", «Hvem av forfatterne …?»: one of them, by name.
    r"(?:which|who) of (?:the |its )?(?:[\w-]+['’]s? )?(?:authors|contributors|editors|researchers|writers)|"
    r"(?:hvem|hvilken|hvilke) av (?:\w+ )?(?:forfatterne|bidragsyterne|redaktørene|forskerne))\b",
    re.I,
)
_PERSON_NAME = re.compile(r"(?<!^)\b[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ]\.)*\s+[A-ZÆØÅ][a-zæøåé]+\b")


_CONDITIONAL = re.compile(
    r"^\s*(?:when|if|når|hvis|om)\s+(?!(?:did|does|do|is|are|was|were|will|can|ble|er|var|blir|har|kan|skal)\b)"
    r"[^,?]*(,)\s*(?:do|does|did|is|are|was|were|can|could|should|would|will|what|how|why|who|which|"
    r"where|hva|hvor|hvordan|hvorfor|hvem|hvilke\w*|kor|er|var|kan|skal|bør|vil|blir)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def answer_type(question: str) -> str | None:
    """What kind of fact the question asks for, judged from its first question word
    ("How do groups choose who leads?" is a how-question, not a who-question)."""
    if _ASK_AMOUNT.search(question):
        return "amount"
    if acronym_asked(question):
        return "acronym"
    # "When the authors speak of X, do they mean …?": the when-clause sets the scene; the
    # question is what follows the comma.
    cond = _CONDITIONAL.match(question)
    if cond:
        question = question[cond.end(1):]
    m = _WH.search(question)
    head = question[m.start():] if m else question
    if _ASK_PERSON.search(question):
        return "person"
    if _ASK_PHONE.search(question):
        return "phone"
    if _ASK_ADDRESS.search(question):
        return "address"
    for kind, pat in (("frequency", _ASK_FREQUENCY), ("duration", _ASK_DURATION), ("number", _ASK_NUMBER), ("date", _ASK_DATE), ("year", _ASK_YEAR), ("name", _ASK_NAME_PHRASE), ("name", _ASK_NAME), ("place", _ASK_PLACE)):
        hit = pat.search(head)
        if hit and hit.start() == 0:
            if kind == "place" and _personal(question):
                return None  # «Hvor kan vi låne et lokale?» asks for advice, not a town
            return kind
    return None


def acronym_asked(question: str) -> str | None:
    """The abbreviation a "what does X stand for?" question asks about, or None."""
    m = _ASK_ACRONYM.search(question)
    if not m:
        return None
    word = next(g for g in m.groups() if g)
    letters = word.replace("-", "")
    # An abbreviation: short, and written in capitals (LINK, LMS, SN; not «Hva står det for?»).
    return word if 2 <= len(letters) <= 8 and letters.isupper() else None


def expands(acronym: str, sentence: str) -> bool:
    """Whether the sentence spells the abbreviation out: «LINK – et akronym for: Læring,
    Informasjon, Nettverk og Kunnskap», «Selvhjelp Norge (SN)», «LMS (lærings- og …)»."""
    a = re.escape(acronym)
    if re.search(rf"\(\s*{a}\s*\)|\b{a}\s*\((?!\s*\d)|\b{a}\b[^.]{{0,60}}?\b{_EXPANSION_CUE}", sentence):
        return True
    letters = acronym.replace("-", "").lower()
    if len(letters) < 3 and not re.search(rf"\b{a}\b", sentence):
        return False  # two capitalised words in a row are too common to mean «SN» by themselves
    words = [w for w in re.findall(r"[^\W\d_]+", sentence)]
    for start in range(len(words)):
        i, k = start, 0
        while i < len(words) and k < len(letters):
            w = words[i]
            if w[0].isupper() and w[0].lower() == letters[k]:
                k += 1
            elif k == 0 or w.lower() not in _CONNECTORS:
                break
            i += 1
        if k == len(letters):
            return True
    return False


def _names(sentence: str) -> set[str]:
    """Proper-noun-like tokens: capitalised words after the first, and acronyms."""
    words = tokens(sentence)
    out = {w for w in words[1:] if w[:1].isupper() and len(w) > 1}
    out |= {w for w in words if len(w) >= 2 and w.isupper()}
    return out


# A source reference in parentheses: «(Karlsson, 1997, s. 44)», «(Sosial- og helsedirektoratet,
# 2004)», «(Intervju distriktskontoret 20.09.2014)». Its year, date and name say when and by whom
# something was written or said, not when it happened or who did it.
_REFERENCE = re.compile(r"\((?:Intervju\b[^()]*|[^()]*[A-Za-zÆØÅæøå][^()]*?,?\s(?:1[89]|20)\d\d[a-z]?\b[^()]*)\)")


def holds(kind: str | None, sentence: str, question: str) -> bool:
    if kind is None:
        return True
    if kind in ("year", "date", "person", "name"):
        sentence = _REFERENCE.sub(" ", sentence)
    if kind == "year":
        return bool(YEAR.search(sentence))
    if kind == "date":
        return bool(DATE.search(sentence))
    if kind == "frequency":
        return bool(FREQUENCY.search(sentence))
    if kind == "amount":
        return bool(AMOUNT.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "duration":
        return bool(DURATION.search(sentence) or PERIOD.search(sentence))
    if kind == "address":
        return bool(_ADDRESS.search(sentence))
    if kind == "phone":
        return bool(_PHONE.search(sentence))
    if kind == "acronym":
        acronym = acronym_asked(question)
        return bool(acronym) and expands(acronym, sentence)
    if kind == "place":
        asked = question.lower()
        return any(p.lower() not in asked for p in places(sentence))
    q_names = {w.lower().rstrip("s") for w in tokens(question)}
    if kind == "person":
        return any(not all(w.lower().rstrip("s") in q_names for w in m.split()) for m in _PERSON_NAME.findall(sentence))
    return any(n.lower().rstrip("s") not in q_names for n in _names(sentence))


# A question asking what something is or means, and the phrasings a passage uses to define.
DEFINITION_QUESTION = re.compile(
    r"\b(?:hva (?:er|var|betyr|menes|innebærer|står)|hva er (?:den|det) såkalte|hvordan (?:defineres|definerer|"
    r"forstås|beskrives)|hva (?:legger|mener) \w+ (?:i|med)|what (?:is|are|was|does|do)\b.*\b(?:mean|stand for)\b|"
    r"what is meant|what is an?\b|what are\b|how (?:is|are|do|does) \w+(?: \w+)? (?:define|defined|understand)|"
    r"\bdefin\w*)",
    re.IGNORECASE,
)
DEFINITION_CUE = re.compile(
    r"\b(?:menes|betyr|står for|akronym|defineres|definerer|definert|definisjon\w*|begrepet|forstås som|"
    r"forstå(?:r|es) (?:vi |jeg |de )?(?:\w+ ){1,3}?som|omtales som|kalles|"
    r"betegne\w*|innebærer)\b|«[^»]{2,60}»\s+(?:om|som)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def asks_period(question: str) -> bool:
    return bool(_ASK_PERIOD.search(question))


def holds_period(sentence: str) -> bool:
    """A span of years: «2009–2014», «fra juni 2009 til utgangen av 2010»."""
    return bool(PERIOD.search(sentence))


@lru_cache(maxsize=1024)
def asks_definition(question: str) -> bool:
    return bool(DEFINITION_QUESTION.search(question))


# «Selvhjelp er å ta tak i egne muligheter …», «LINK er et …»: a bare noun said to be something.
# A definite subject («Målet er å …», «Poenget er …») states a purpose or a point, not a meaning.
_COPULA = re.compile(r"(?:^|[.!?:]\s+)([A-ZÆØÅ][\w-]+) er (?:å|en|et|ei) ")
_DEFINITE_FORM = re.compile(r"(?:et|en|ene|a)$")


@lru_cache(maxsize=8192)
def defines(text: str) -> bool:
    """Whether a text uses a defining phrasing («Med X menes …», «X står for …», «X er å …»)."""
    if DEFINITION_CUE.search(text):
        return True
    return any(not _DEFINITE_FORM.search(m.group(1)) for m in _COPULA.finditer(text))


# A question in the first or second person («Hvordan finner jeg en gruppe?», "How can I join a
# group?", «Hva gjør vi hvis gruppa ikke fungerer?») asks for practical guidance, which the
# SN sheets give; the book studies self-help. Words in quotes do not count («I» rather than «you»).
_PERSONAL_NB = re.compile(r"\b(?:jeg|eg|vi|meg|oss|du|deg|dere|min|mitt|mine|vår|vårt|våre)\b", re.I)
_PERSONAL_EN = re.compile(r"\b(?:I|we|me|my|our|us|you|your)\b")
# A quoted name or term in a question: «De blindes selvhjelpsforbund», 'possibility'.
QUOTED_NAME = re.compile(r"«([^»]{2,60})»|“([^”]{2,60})”|\"([^\"]{2,60})\"|(?<!\w)'([^']{2,60})'(?!\w)")
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)")


@lru_cache(maxsize=1024)
def asks_practical(question: str, language: str) -> bool:
    text = _QUOTED.sub(" ", question)
    return bool((_PERSONAL_EN if language == "en" else _PERSONAL_NB).search(text))


_NB_WH = re.compile(r"\b(?:hva|hvem|hvor|hvordan|hvorfor|når|hvilke\w*|kva|kven|kor)\b", re.I)


def _personal(question: str) -> bool:
    """In the first or second person, in either language (a Norwegian question's opening
    «I hvilken by …» is a preposition, not "I")."""
    if _NB_WH.search(question):
        return asks_practical(question, "nb")
    return asks_practical(question, "en")
