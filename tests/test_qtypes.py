"""Question types shared by retrieval and the answerer: what a question asks for, and whether a
sentence or passage holds it."""
import pytest

from rag.qtypes import answer_type, asks_definition, asks_period, defines, holds, holds_period


@pytest.mark.parametrize("question, kind", [
    ("Når ble Selvhjelp Norge opprettet?", "year"),
    ("In which year was Selvhjelp Norge established?", "year"),
    ("Over what period did Project LINK Vestfold run, and who paid for it?", "year"),
    ("I hvilken periode pågikk prosjektet?", "year"),
    ("On what date was Selvhjelpshuset LINK formally opened?", "date"),
    ("Hvilken dato åpnet LINK?", "date"),
    ("Hvor mange distriktskontorer har SN?", "number"),
    ("How many interviews did Feiring carry out?", "number"),
    ("Hvem grunnla Norsk selvhjelpsforum?", "name"),
    ("What is SN's phone number?", "phone"),
    ("Hvem kan jeg ringe?", "phone"),
    # "call" as in "name something": a why-question, not a request for a number.
    ("Why does Self-help Norway prefer to call self-help a 'possibility'?", None),
    ("How do groups choose who leads?", None),
    # "What was the grant?" asks for a sum; the grant scheme is a thing.
    ("What was Selvhjelp Norge's grant in 2020?", "amount"),
    ("Hva var tilskuddet til Selvhjelp Norge i 2020?", "amount"),
    ("What was the grant scheme for self-help projects?", None),
    ("Hva er tilskuddsordningen?", None),
])
def test_answer_type(question, kind):
    assert answer_type(question) == kind


def test_holds_date_needs_day_and_month():
    assert holds("date", "Arbeidsseminaret 14. september 2006 markerte åpningen.", "q")
    assert holds("date", "It opened on September 14, 2006.", "q")
    assert not holds("date", "Huset åpnet i 2006.", "q")
    assert holds("year", "Huset åpnet i 2006.", "q")


@pytest.mark.parametrize("question, expected", [
    ("Hva står LINK for?", True),
    ("Hva betyr «selvorganisert selvhjelp»?", True),
    ("Hva er en igangsetter i selvhjelpssammenheng?", True),
    ("What do the authors mean by boundary work?", True),
    ("How does the 2004 plan define self-help?", True),
    ("Når ble Selvhjelp Norge opprettet?", False),
    ("How many groups are there?", False),
])
def test_asks_definition(question, expected):
    assert asks_definition(question) is expected


def test_defines():
    assert defines("LINK – som er et akronym for: Læring, Informasjon, Nettverk og Kunnskap.")
    assert defines("Med igangsettere menes her lekfolk som ønsker å bidra til oppstart av en gruppe.")
    assert defines("Vi bruker begrepet «selvhjelpsfeltet» om alle aktørene.")
    assert not defines("Gruppa møttes hver tirsdag i kommunens lokaler.")
    # «Vi forstår X som Y» (chapter 8, line 6602) defines X.
    assert defines("Vi forstår denne virksomheten som et grensearbeid fordi det skapes noe nytt.")
    assert not defines("Jeg forstår godt at de ble skuffet.")
    # A bare noun said to be something (chapter 5's quote of the 2004 plan) defines it; a definite
    # subject states a purpose or a point.
    assert defines("Selvhjelp er å ta tak i egne muligheter, finne fram til egne ressurser.")
    assert defines("Gruppa møttes ofte. LINK er et lavterskeltilbud for selvhjelp.")
    assert not defines("Målet er å nå hele befolkningen.")
    assert not defines("Poenget er en annen sak.")


@pytest.mark.parametrize("question, kind", [
    # A when/if clause sets the scene; the question follows the comma.
    ("When the authors speak of a post-welfare state, do they mean it is gone?", None),
    ("Når man starter en gruppe, hvor mange bør være med?", "number"),
    ("When did Self-help Norway open its first district office?", "year"),
    ("How often do the groups meet?", "frequency"),
    ("Hvor ofte møtes gruppene?", "frequency"),
])
def test_answer_type_clauses_and_frequency(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize("text, expected", [
    ("Gruppa har 12 deltakere.", True),
    ("Det er sju distriktskontorer.", True),
    ("SN samarbeider med AA og 12-trinnsbevegelsen.", False),  # part of a compound
    ("(Helsedirektoratet, 2014, s. 6)", False),  # a page reference
    ("se kap. 2", False),
    ("Arbeidsseminaret 14. september 2006 markerte åpningen.", False),  # a day of the month
    ("Huset har gjennom en drøy ti-årsperiode startet grupper.", False),  # a number word in a compound
    ("Seminaret hadde 50 deltakere.", True),
    ("Han identifiserer fem ulike stadier.", True),
])
def test_number_is_a_count_not_a_reference(text, expected):
    assert holds("number", text, "Hvor mange?") is expected


def test_frequency_needs_a_frequency_not_just_regularly():
    assert holds("frequency", "Gruppa møtes hver uke på samme sted.", "q")
    assert holds("frequency", "De møtes annenhver uke.", "q")
    assert holds("frequency", "They meet once a week.", "q")
    assert not holds("frequency", "Man møtes regelmessig ansikt til ansikt.", "q")


def test_a_chapter_number_is_no_count():
    assert not holds("number", "Se kapittel 2 for detaljer.", "Hvor mange?")
    assert not holds("number", "As chapter 3 shows", "How many?")


@pytest.mark.parametrize("question, acronym", [
    ("Hva står LINK for?", "LINK"),
    ("What does LMS stand for?", "LMS"),
    ("What does the acronym SN mean?", "SN"),
    ("Hva er NSF en forkortelse for?", "NSF"),
    ("Hva står det for?", None),            # not an abbreviation
    ("Hva står i planen for selvhjelp?", None),
])
def test_acronym_questions(question, acronym):
    from rag.qtypes import acronym_asked
    assert acronym_asked(question) == acronym
    assert answer_type(question) == ("acronym" if acronym else answer_type(question))


@pytest.mark.parametrize("sentence, acronym, expected", [
    ("Slike sentra omtales også som møteplasser, eller LINK – som er et akronym for: Læring, "
     "Informasjon, Nettverk og Kunnskap.", "LINK", True),
    ("Læring, Informasjon, Nettverk og Kunnskap er stikkordene.", "LINK", True),
    ("LINK Oslo ble etablert i 2004 med støtte fra Oslo kommune.", "LINK", False),
    ("Stiftelsen Norsk selvhjelpsforum (NSF) ble opprettet i 1998.", "NSF", True),
    ("LMS (lærings- og mestringssentre) finnes ved alle helseforetak.", "LMS", True),
    ("Se LMS (2014) for en oversikt.", "LMS", False),       # a reference, not an expansion
    ("Selvhjelp Norge er et nasjonalt fagmiljø.", "SN", False),  # two capitals alone are too weak
])
def test_a_sentence_that_spells_out_the_abbreviation_holds_the_answer(sentence, acronym, expected):
    q = f"Hva står {acronym} for?"
    assert holds("acronym", sentence, q) is expected


@pytest.mark.parametrize("question, language, practical", [
    ("Hvordan finner jeg en selvhjelpsgruppe der jeg bor?", "nb", True),
    ("Hva gjør vi hvis gruppa ikke fungerer?", "nb", True),
    ("How can I join a self-help group?", "en", True),
    ("How do you start a group?", "en", True),
    ("Hva er en igangsetter?", "nb", False),
    ("Who founded Norsk selvhjelpsforum?", "en", False),
    # Quoted words are the topic, not the asker: «I» rather than «you».
    ("Why should participants say «I» rather than «you» in the group?", "en", False),
])
def test_practical_questions_are_in_the_first_or_second_person(question, language, practical):
    from rag.qtypes import asks_practical
    assert asks_practical(question, language) is practical


@pytest.mark.parametrize("question, kind", [
    ("Where did the new district office open?", "place"),
    ("Hvor holdt Selvhjelp Norge konferansen?", "place"),
    ("I hvilken by ble LINK startet?", "place"),
    ("Hvor mange grupper finnes?", "number"),
    ("Hvor lenge varer et kurs?", "duration"),
    ("Hvor gammel må man være?", None),
    # First or second person: advice, not a town.
    ("Hvor kan vi låne et lokale?", None),
    ("Where can I find a group?", None),
])
def test_where_questions_ask_for_a_place(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize("sentence, expected", [
    ("I november er det offisiell åpning i Tønsberg.", True),
    ("Møtet ble holdt i Mo i Rana.", True),
    # A place inside a name is no answer; nor is the place the question names.
    ("Selvhjelp Norge og LMS-forum Vestfold samarbeidet.", False),
    ("Prosjektet i Vestfold ble avsluttet.", False),
    ("Det finnes grupper over hele Norge.", False),
    # A part of a known place is a place.
    ("Gruppen ble etablert i en rural kommune i Nord-Troms.", True),
    ("Det var en småby i Vest-Oppland.", True),
    ("Angstringen Nord-Troms møttes ukentlig.", False),
])
def test_a_sentence_holds_a_place(sentence, expected):
    assert holds("place", sentence, "Where did the office in Vestfold open?") is expected


def test_a_period_question_wants_a_span_of_years():
    assert asks_period("Over hvilke år ble datamaterialet samlet inn?")
    assert asks_period("Over what period did Project LINK Vestfold run?")
    assert not asks_period("Når ble Selvhjelp Norge opprettet?")
    assert holds_period("datainnsamlingen har skjedd i perioden 2009–2014.")
    assert holds_period("prosjektpenger for en periode fra juni 2009 til utgangen av 2010")
    assert not holds_period("På midten av 1990-tallet samlet seminarrekken mange.")
    assert not holds_period("Forskningen ble startet i 2009.")


@pytest.mark.parametrize("question, kind", [
    ("How long does a typical group meeting last?", "duration"),
    ("Hvor lenge varer et igangsetterkurs?", "duration"),
    ("Hvor lang tid tar det å starte en gruppe?", "duration"),
    ("Hvor lange er møtene?", "duration"),
    ("How many hours does a meeting last?", "number"),
])
def test_how_long_questions_ask_for_a_duration(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize("sentence, expected", [
    ("Et møte varer vanligvis i to timer, med en pause.", True),
    ("Prosjektet varte i tre år.", True),
    ("Det tok et par måneder før gruppa fant formen.", True),
    ("Selvhjelp Norge har eksistert siden 2006.", True),
    ("Prosjektpenger for en periode fra juni 2009 til utgangen av 2010.", True),
    ("Gruppa møtes hver uke.", False),          # how often, not how long
    ("I 2006 startet Selvhjelp Norge.", False),  # when, not how long
    ("Gruppa har åtte deltakere.", False),
])
def test_a_sentence_holds_a_duration(sentence, expected):
    assert holds("duration", sentence, "Hvor lenge varer det?") is expected


def test_an_offset_is_no_duration_and_a_percentage_no_sum():
    assert not holds("duration", "To år senere, vinteren 2008, ble stiftelsen opprettet.", "Hvor lenge?")
    assert holds("duration", "Prosjektet varte i to år.", "Hvor lenge?")
    assert not holds("amount", "Entreprenøren fikk en fast 20 % stilling som daglig leder.", "What salary?")
    assert holds("amount", "Tilskuddet var på 2,5 millioner kroner.", "Hva var tilskuddet?")


@pytest.mark.parametrize("question, kind", [
    ("What is the street address of LINK Trondheim?", "address"),
    ("Hva er gateadressen til lokalene Selvhjelp Norge hadde på Majorstua?", "address"),
    ("Hva er adressen til sorggruppa?", "address"),
    ("What email address do I write to?", "address"),
    ("Hvilken nettadresse har Selvhjelp Norge?", "address"),
    # The verb is no address.
    ("How do the authors address the question of power?", None),
    ("Hvordan adresserer boka spørsmålet om makt?", None),
])
def test_address_questions(question, kind):
    assert answer_type(question) == kind


@pytest.mark.parametrize("sentence, expected", [
    ("Kontoret ligger i Storgata 12 i Oslo.", True),
    ("Skriv til post@selvhjelp.no.", True),
    ("Les mer på www.selvhjelp.no.", True),
    ("Adressen er 0368 Oslo.", True),
    ("Møteplassen ligger sentralt i Trondheim.", False),
    ("Det ble vedtatt i 2014 Oslo kommune.", False),  # a year is no postcode
])
def test_only_an_address_answers_an_address_question(sentence, expected):
    assert holds("address", sentence, "Hva er adressen?") is expected


def test_a_source_reference_holds_no_year_date_or_name_of_what_happened():
    """«(Intervju distriktskontoret 20.09.2014)» dates an interview, «(Karlsson, 1997)» a book:
    neither says when the office opened or who led it."""
    cited = "Før det første dialogmøtet var det etablert kontakt med kommunen (Intervju distriktskontoret 20.09.2014)."
    assert not holds("date", cited, "Hvilken dato ble kontoret åpnet?")
    assert not holds("year", cited, "Når ble kontoret åpnet?")
    assert not holds("year", "Deltakere med et felles problem er kriteriet (Karlsson, 1997, s. 44).", "Når?")
    assert not holds("name", "Dette er et sentralt kriterium (Karlsson, 1997).", "Hva heter lederen?")
    # A year in the sentence itself still counts, as does a bare span of years in parentheses.
    assert holds("year", "Siden 2004 har Norge hatt en nasjonal plan (Sosial- og helsedirektoratet, 2004).", "Når?")
    assert holds("year", "Data ble samlet inn i prosjektperioden (2009–2014).", "Når?")
    assert holds("date", "Huset åpnet 14. september 2012 (Intervju leder 20.09.2014).", "Hvilken dato?")


def test_places_lists_the_places_with_their_compass_parts():
    from rag.qtypes import places

    assert places("… etablert i en rural kommune i Nord-Troms, en by i Finnmark og et tettsted i "
                  "Vest-Oppland.") == ["Nord-Troms", "Finnmark", "Vest-Oppland"]
    assert places("Møtet var i Indre Østfold.") == ["Indre Østfold"]


@pytest.mark.parametrize("question, kind", [
    ("Who is the leader of Selvhjelp Norge today?", "person"),
    ("Hva heter lederen av Selvhjelp Norge?", "person"),
    # One of a book's people is asked for by name: a sentence saying "a political scientist"
    # without naming who does not answer (abstain.jsonl ab-01).
    ("Which of the anthology's authors is the political scientist?", "person"),
    ("Which of the contributors wrote about LINK Trondheim?", "person"),
    ("Hvem av forfatterne er statsviter?", "person"),
    ("Hvilken av redaktørene skrev forordet?", "person"),
    ("Which of the groups meets most often?", None),
    ("Who signed the foreword?", "name"),
])
def test_questions_asking_for_a_person(question, kind):
    assert answer_type(question) == kind


def test_a_person_answer_needs_a_persons_name():
    q = "Which of the anthology's authors is the political scientist?"
    assert not holds("person", "Av medforfatterne i denne boka er det to antropologer, en sosiolog og en "
                               "statsviter.", q)
    assert holds("person", "Kapittelet er skrevet av statsviteren Marte Feiring.", q)


@pytest.mark.parametrize("question, subject", [
    ("Hvor lenge varte intervjuene med nøkkelpersonene i studien av Selvhjelpshuset LINK?", "intervjuene"),
    ("How long does a typical group meeting last?", "a typical group meeting"),
    ("Hvor lenge varer et igangsetterkurs?", "et igangsetterkurs"),
    ("How long did Project LINK Vestfold run?", "Project LINK Vestfold"),
    ("How long were the interviews?", "the interviews"),
    ("Hvor lang tid tar det å starte en gruppe?", None),  # no noun that lasts
    ("Hvor lenge har SN eksistert?", None),
    # A verb of doing, not of lasting: how long she followed it, not how long Gotaas lasted.
    ("For how long did Gotaas follow Project LINK Vestfold during her fieldwork?", None),
    ("Hvor lenge fulgte Gotaas prosjektet?", None),
])
def test_what_a_how_long_question_asks_the_length_of(question, subject):
    from rag.qtypes import duration_subject

    assert duration_subject(question) == subject
