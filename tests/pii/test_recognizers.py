"""Each recognizer on the real French analyzer: what it must find (exact span), and the traps it must not fall
into. NIR keys below were computed by hand: key = 97 - (first 13 digits mod 97), 2A -> 19, 2B -> 18."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import spacy

from app.pii.analyzer import SPACY_EXCLUDE, PiiAnalyzer
from tests.pii.conftest import found

FINDS = [
    # NIR: with or without spaces, Corsica, born abroad
    ("nir compact", "mon numéro de sécu est 185057800608491", ("NIR", "185057800608491")),
    ("nir spaced", "secu : 1 85 05 78 006 084 91 voila", ("NIR", "1 85 05 78 006 084 91")),
    ("nir corse 2A", "Numéro : 2 84 05 2A 004 123 55", ("NIR", "2 84 05 2A 004 123 55")),
    ("nir corse 2B", "nir 284052B00412382", ("NIR", "284052B00412382")),
    ("nir born abroad", "1 93 01 99 123 456 36", ("NIR", "1 93 01 99 123 456 36")),
    ("nir key apart", "sécurité sociale 1850578006084 91", ("NIR", "1850578006084 91")),
    # phones
    ("phone spaced", "mon tél c'est le 06 12 34 56 78", ("TELEPHONE", "06 12 34 56 78")),
    ("phone compact", "rappelez moi au 0612345678 svp", ("TELEPHONE", "0612345678")),
    ("phone dots", "joignable au 03.87.65.43.21", ("TELEPHONE", "03.87.65.43.21")),
    ("phone +33", "whatsapp +33 6 12 34 56 78", ("TELEPHONE", "+33 6 12 34 56 78")),
    ("phone +33 compact", "c'est +33612345678", ("TELEPHONE", "+33612345678")),
    ("phone +33 (0)", "Tel: +33 (0)1 45 67 89 10", ("TELEPHONE", "+33 (0)1 45 67 89 10")),
    ("phone 0033", "appelez le 0033 7 12 34 56 78", ("TELEPHONE", "0033 7 12 34 56 78")),
    ("phone odd grouping", "mon portable 0612 345 678", ("TELEPHONE", "0612 345 678")),
    # email, IBAN, URLs, handles
    ("email", "mon mail perso : kevin.martin57@gmail.com merci", ("EMAIL", "kevin.martin57@gmail.com")),
    ("email capitals", "MON MAIL EST JULIE.DURAND@ORANGE.FR", ("EMAIL", "JULIE.DURAND@ORANGE.FR")),
    ("iban grouped", "mon rib FR76 3000 6000 0112 3456 7890 189 merci", ("IBAN", "FR76 3000 6000 0112 3456 7890 189")),
    ("iban compact lower", "iban fr7630006000011234567890189", ("IBAN", "fr7630006000011234567890189")),
    ("iban foreign", "IBAN : DE89 3704 0044 0532 0130 00", ("IBAN", "DE89 3704 0044 0532 0130 00")),
    (
        "linkedin",
        "mon profil : https://www.linkedin.com/in/kevin-martin-57",
        ("URL", "https://www.linkedin.com/in/kevin-martin-57"),
    ),
    ("site", "mes photos sur www.julie-durand-portfolio.fr", ("URL", "www.julie-durand-portfolio.fr")),
    ("handle @", "sur insta je suis @kevin_mrt", ("COMPTE_SOCIAL", "@kevin_mrt")),
    ("handle after network", "mon snap c'est kev.mrt57 si besoin", ("COMPTE_SOCIAL", "kev.mrt57")),
    # identity documents
    ("driving licence", "Permis de conduire n° 130175200123, catégorie B", ("PERMIS", "130175200123")),
    ("passport", "Passeport : 12AB34567", ("PASSEPORT", "12AB34567")),
    ("passport without context", "voici 18CD05432 pour le dossier", ("PASSEPORT", "18CD05432")),
    ("id card old", "ma carte d'identité n°880692310285", ("CARTE_IDENTITE", "880692310285")),
    ("id card new", "CNI X4RTBPFW4", ("CARTE_IDENTITE", "X4RTBPFW4")),
    # addresses and postcodes
    ("address", "j'habite 12 rue des Lilas 57000 Metz", ("ADRESSE", "12 rue des Lilas")),
    ("address bis comma", "au 4 bis, avenue Jean Jaurès à Nancy", ("ADRESSE", "4 bis, avenue Jean Jaurès")),
    ("address de la rue", "j'habite au 4 de la rue Victor Hugo, 54000 Nancy", ("ADRESSE", "4 de la rue Victor Hugo")),
    (
        "address general",
        "Adresse : 91 boulevard du Général de Gaulle",
        ("ADRESSE", "91 boulevard du Général de Gaulle"),
    ),
    ("address lowercase", "jhabite 3 impasse des tilleuls depuis 2015", ("ADRESSE", "3 impasse des tilleuls")),
    ("address no number", "j'habite rue de la Gare juste à côté", ("ADRESSE", "rue de la Gare")),
    ("postcode before town", "envoyez au 54000 Nancy", ("CODE_POSTAL", "54000")),
    ("postcode with context", "mon code postal c'est 57100", ("CODE_POSTAL", "57100")),
    ("postcode before lowercase town", "envoyez le dossier au 54000 nancy svp", ("CODE_POSTAL", "54000")),
    ("postcode in brackets", "je vis à Metz (57000) avec mes parents", ("CODE_POSTAL", "57000")),
    ("postcode in brackets lowercase", "ma mère habite vers thionville ( 57100 )", ("CODE_POSTAL", "57100")),
    ("postcode context typo", "mon ocde postal c'est 03404", ("CODE_POSTAL", "03404")),
    ("postcode after residence", "au 34, résidence de l'Église 56946 nîmes", ("CODE_POSTAL", "56946")),
    ("postcode living verb", "je vis à Fameck, 57290", ("CODE_POSTAL", "57290")),
    ("postcode spaced after context", "code postal 66 790", ("CODE_POSTAL", "66 790")),
    ("postcode spaced before town", "74 589 Strasbourg", ("CODE_POSTAL", "74 589")),
    ("postcode spaced after cp", "cp 49 757 merci", ("CODE_POSTAL", "49 757")),
    ("postcode then comma", "mon code postal 44823, je peux venir", ("CODE_POSTAL", "44823")),
    ("postcode ending a sentence", "Mon code postal est 87265.", ("CODE_POSTAL", "87265")),
    ("postcode after lowercase town", "pour le courrier c'est limoges 22417", ("CODE_POSTAL", "22417")),
    ("postcode after a count", "un village de 800 habitants, 13416", ("CODE_POSTAL", "13416")),
    ("postcode then et", "je suis dans le 06222 et la formation coûte 2400 euros", ("CODE_POSTAL", "06222")),
    ("postcode moving from", "je déménage du 69843 au 07029", ("CODE_POSTAL", "69843")),
    ("postcode moving to", "je déménage du 69843 au 07029", ("CODE_POSTAL", "07029")),
    ("postcode after vers le", "je cherche vers le 42371 ou pas loin", ("CODE_POSTAL", "42371")),
    ("postcode after la Paix", "domicilié 66 rue de la Paix 55999 La Rochelle", ("CODE_POSTAL", "55999")),
    # birth dates
    ("birth written", "je suis né le 3 mars 1990 à Metz", ("DATE_NAISSANCE", "3 mars 1990")),
    ("birth 1er", "née le 1er avril 1985", ("DATE_NAISSANCE", "1er avril 1985")),
    ("birth numeric", "Date de naissance : 03/03/1990", ("DATE_NAISSANCE", "03/03/1990")),
    ("birth short year", "ddn 3/3/90", ("DATE_NAISSANCE", "3/3/90")),
    ("birth dashes", "né le 12-11-2001", ("DATE_NAISSANCE", "12-11-2001")),
    # names
    ("name capitalised", "Bonjour, je m'appelle Kevin Martin.", ("PERSONNE", "Kevin Martin")),
    ("name lowercase hyphen", "je m'appelle jean-pierre", ("PERSONNE", "jean-pierre")),
    ("name lowercase cue", "moi c'est kevin dubois", ("PERSONNE", "kevin dubois")),
    ("name no accents", "je m appelle helene lefevre", ("PERSONNE", "helene lefevre")),
    ("name typographic apostrophe", "je m’appelle Inès Benali", ("PERSONNE", "Inès Benali")),
    ("name surname first", "GALLET-HARDY André, né à Metz", ("PERSONNE", "GALLET-HARDY André")),
    ("name civility", "ma conseillère c'est Mme Lefèvre", ("PERSONNE", "Lefèvre")),
    ("name civility particle", "J'ai travaillé pour M. de la Fontaine pendant 3 ans", ("PERSONNE", "de la Fontaine")),
    ("name particle inside", "je m'appelle Kevin de la Fontaine", ("PERSONNE", "Kevin de la Fontaine")),
    ("name mid-sentence lowercase", "hier j'ai vu marie lefebvre au forum", ("PERSONNE", "marie lefebvre")),
    ("name sentence start", "Enzo ma sœur m'a parlé de vous", ("PERSONNE", "Enzo")),
    ("name Rose is a person", "Rose m'a aidée pour le CV", ("PERSONNE", "Rose")),
    ("name Marine is a person", "avec Marine on a fait le stage", ("PERSONNE", "Marine")),
    ("name signature", "Merci d'avance. Cordialement, Sophie Leroy", ("PERSONNE", "Sophie Leroy")),
    # relatives and referents, surname first, particles, signatures on their own line
    ("name common word after a relative", "ma sœur victoire m'a parlé de vous", ("PERSONNE", "victoire")),
    ("name after épouse", "mon épouse josiane travaille de nuit", ("PERSONNE", "josiane")),
    ("name after a referent", "ma référente Ondine Vasseur suit mon dossier", ("PERSONNE", "Ondine Vasseur")),
    ("name surname first after je suis", "je suis tours odette", ("PERSONNE", "tours odette")),
    ("name surname first, common word", "je suis benali martin, j'ai postulé", ("PERSONNE", "benali martin")),
    ("name surname first with particle", "moi c'est le marques benjamin", ("PERSONNE", "le marques benjamin")),
    ("name surname first in a form", "nom prénom : Joubert Simone", ("PERSONNE", "Joubert Simone")),
    ("name lowercase particle", "aminata le perez, je cherche une formation", ("PERSONNE", "aminata le perez")),
    (
        "name signature below merci",
        "Je vous envoie mon CV demain.\nMerci\nondine vasseur",
        ("PERSONNE", "ondine vasseur"),
    ),
    ("name signature surname first", "je serai là lundi à 9h\nrodrigues julie", ("PERSONNE", "rodrigues julie")),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(text, expected) for _, text, expected in FINDS], ids=[c[0] for c in FINDS]
)
def test_finds(analyzer: PiiAnalyzer, text: str, expected: tuple[str, str]) -> None:
    assert expected in found(analyzer, text)


TRAPS = [
    # a 15-digit number whose key is wrong is not a NIR (nor a phone)
    ("nir bad key", "référence 185057800608492"),
    ("nir bad key spaced", "dossier 1 85 05 78 006 084 92"),
    # Rose, Marine, Pierre as common words
    ("rose colour", "ma couleur préférée c'est le rose"),
    ("rose adjective", "une robe rose et des chaussures"),
    ("marine colour", "un pull bleu marine"),
    ("pierre stone", "un mur en pierre"),
    ("pierre stone after je suis", "je suis tailleur de pierre"),
    ("marine the navy", "j'ai fait cinq ans dans la marine"),
    ("victoire the win", "on a fêté la victoire avec l'équipe"),
    ("rose after c'est", "ma couleur préférée c'est rose"),
    # "je suis" and relatives' titles followed by what is not a name
    ("je suis a trade", "je suis aide-soignante"),
    ("je suis a job and a town", "je suis agent de sécurité à Lyon"),
    ("je suis somewhere", "je suis dans le 57"),
    ("married is not Marie", "je suis marié, deux enfants"),
    ("relative then a verb", "ma mère travaille à Metz"),
    ("referent then a service", "ma conseillère France Travail m'a dit de postuler"),
    ("referent then an agency", "mon conseiller Pôle Emploi m'a appelé"),
    # lines that are not signatures
    ("closing line", "Merci beaucoup pour votre aide\nbonne journée"),
    ("towns one a line", "je peux aller à :\nMetz\nNancy"),
    ("line below merci", "Merci\nPS : je peux venir lundi"),
    # towns stay: mobility matters to matching
    ("lyon", "je peux aller jusqu'à Lyon"),
    ("town list", "je peux travailler sur Metz, Nancy ou Thionville"),
    ("town lowercase", "je bosse a lyon dans un entrepot"),
    # numbers that are not personal data
    ("salary", "je vise 25000 euros par an"),
    ("salary k", "environ 22000 € brut"),
    ("salary before a word", "je touche 18000 brut par an"),
    ("distance before a word", "j'ai fait 20000 km l'an dernier"),
    ("count before a word", "la ville compte 35000 habitants et 12000 salariés"),
    ("followers", "j'ai 12000 abonnés sur insta"),
    ("money", "la formation coûte 3500 euros"),
    ("times", "dispo du lundi au vendredi de 8h à 17h"),
    ("year", "j'ai eu mon CAP en 2015"),
    ("price spaced", "le permis m'a coûté 1 500 €"),
    ("salary spaced", "je vise 25 000 euros par an"),
    ("salary ending a sentence", "je gagne 25000"),
    ("salary some words before", "le salaire que je demande c'est 25 000"),
    ("salary net per month", "je touche 1 800 net par mois"),
    ("budget then comma", "mon budget est de 15000, pas plus"),
    ("salary near a living word", "je vis à Metz et je vise 25000 par an"),
    ("count spaced", "la ville compte 35 000 habitants et 12 000 salariés"),
    ("count small", "ma ville a 800 habitants et j'ai 3 enfants"),
    ("distance spaced", "j'ai parcouru 120 000 km avec ma voiture"),
    ("distance small", "je peux faire 25 km, j'embauche à 9h30"),
    ("département", "je suis du 57"),
    ("département then et", "je suis du 57 et je peux bouger"),
    ("phone fragment", "mon portable commence par 06 12, je vous donne la suite"),
    ("year ending a sentence", "je suis arrivé en 2019."),
    ("future date", "je serai disponible le 03/09/2027"),
    ("date without year", "entretien le 12 mars à 14h30"),
    # street words that are not addresses
    ("in the street", "j'ai travaillé dans la rue avec des jeunes"),
    ("driving lessons", "je prends des cours de conduite"),
    # greetings, courtesy and shouting
    ("shouting", "JE SUIS DISPONIBLE À PARTIR DU MOIS PROCHAIN"),
    ("je suis adjective", "Je suis motivé et ponctuel"),
    ("madame greeting", "Bonjour madame, je voulais savoir si c'est payé"),
    ("moi c'est verb", "moi c'est d'aider les gens qui compte"),
    # placeholders are never analysed again
    ("placeholders", "je m'appelle <PERSONNE_1> et mon numéro est <TELEPHONE_1>"),
    ("empty", ""),
    ("blank", "   \n\t "),
]


@pytest.mark.parametrize("text", [text for _, text in TRAPS], ids=[c[0] for c in TRAPS])
def test_traps(analyzer: PiiAnalyzer, text: str) -> None:
    assert found(analyzer, text) == []


def test_town_kept_while_address_and_name_go(analyzer: PiiAnalyzer) -> None:
    text = "Je m'appelle Kevin Martin, j'habite 12 rue des Lilas 57000 Metz et je peux aller jusqu'à Lyon."
    assert found(analyzer, text) == [
        ("PERSONNE", "Kevin Martin"),
        ("ADRESSE", "12 rue des Lilas"),
        ("CODE_POSTAL", "57000"),
    ]


def test_overlapping_detections_become_one_span(analyzer: PiiAnalyzer) -> None:
    # the phone pattern also matches inside the NIR: one span remains, labelled by the checked NIR
    assert found(analyzer, "sécu 1 85 05 78 006 084 91") == [("NIR", "1 85 05 78 006 084 91")]


def test_batch_detection_equals_one_by_one(analyzer: PiiAnalyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    """One text goes through spaCy's pipeline call, several through `pipe`: same detections. The cache of
    recent texts is off, or the second run would only read what the first one stored."""
    monkeypatch.setattr(analyzer, "_recent", OrderedDict())
    monkeypatch.setattr(analyzer, "_remember", lambda key, detections: None)
    texts = [text for _, text, _ in FINDS] + [text for _, text in TRAPS]
    batched = analyzer.detect_many(texts)
    assert batched == [analyzer.detect(text) for text in texts]
    assert sum(map(len, batched)) >= len(FINDS)


def test_ner_runs_without_the_shared_tok2vec(analyzer: PiiAnalyzer) -> None:
    """The shared `tok2vec` feeds only the parser and tagger, which are not loaded: it is removed, and the
    entities (with numpy's matrix products) are those of the stock pipeline that keeps it (thinc's BLIS)."""
    nlp = analyzer.nlp
    assert nlp.pipe_names == ["ner"]
    reference = spacy.load(analyzer.config.spec.spacy_model, exclude=list(SPACY_EXCLUDE))
    assert "tok2vec" in reference.pipe_names
    texts = [text for _, text, _ in FINDS]
    ours = [[(e.start_char, e.end_char, e.label_) for e in nlp(text).ents] for text in texts]
    theirs = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in reference.pipe(texts)]
    assert ours == theirs
    assert any(ours)


def test_too_long_text_is_refused(analyzer: PiiAnalyzer) -> None:
    from app.pii.analyzer import MAX_TEXT_CHARS, TextTooLongError

    with pytest.raises(TextTooLongError, match="limit"):
        analyzer.detect("a" * (MAX_TEXT_CHARS + 1))
