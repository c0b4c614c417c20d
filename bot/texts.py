"""Texts that users read, in one place so that Dutch copy can be reviewed without reading code."""

from __future__ import annotations

EMPTY_QUESTION = (
    "Typ je vraag in gewone woorden, bijvoorbeeld: \"wie bel ik als een gezin het thuis zwaar "
    "heeft?\" of \"wat doet de leerplichtambtenaar?\""
)

NO_ANSWER = (
    "Hier heb ik geen goed antwoord op. Ik weet vooral wie je in de wijk kunt inschakelen rond "
    "leerlingen en gezinnen, en hoe je als school samenwerkt met partners. Probeer het in andere "
    "woorden, met één onderwerp per vraag (bijvoorbeeld \"verzuim melden\" of \"wat doet het "
    "CJG\"). Twijfel je over een leerling? Bespreek het met je IB'er, zorgcoördinator of "
    "aandachtsfunctionaris."
)

NO_ANSWER_WITH_SUGGESTIONS = (
    "Ik weet niet zeker wat je bedoelt. Gaat je vraag over een van deze onderwerpen? Zo niet, "
    "probeer het in andere woorden of bespreek het met je IB'er, zorgcoördinator of "
    "aandachtsfunctionaris."
)

CLARIFY = "Bedoel je…?"
CLARIFY_NEITHER = "Geen van beide"

WIJK_OFFER = "Kies je wijk met /wijk, dan zie ik ook de lokale contacten."

BOT_DESCRIPTION = (
    "Wijkwijzer helpt leerkrachten, IB'ers, schoolleiders en wijkteams kiezen wie je in de wijk "
    "inschakelt rond leerlingen en gezinnen: wijkteam, CJG, GGD, leerplicht, jongerenwerk en "
    "meer. Stel je vraag in gewone woorden. Bij zorgen over veiligheid krijg je altijd eerst de "
    "noodroute. Noem geen namen of gegevens van leerlingen of ouders."
)
BOT_SHORT_DESCRIPTION = (
    "Wie bel ik hierover? Partners in de wijk rond school en gezin, in gewone woorden."
)

SMALL_TALK = (
    "Hoi! Graag gedaan. Stel gerust een vraag, bijvoorbeeld \"wie bel ik bij verzuim?\" of "
    "\"wat doet het wijkteam?\"."
)

SAFETY_ONLY = (
    "Neem bij twijfel altijd contact op met de aandachtsfunctionaris of IB'er van je school."
)

REVOKE_ASK = "Wil je de rechten van <b>{name}</b> als {role} in {wijk} intrekken?"
REVOKE_YES = "Ja, intrekken"
REVOKE_NO = "Nee, terug"
REVOKE_KEPT = "Niets veranderd."

WIJK_GEMEENTEN = "← Andere gemeente"

PLATE_TEXT_BUTTON = "📝 Tekstversie (in een privégesprek)"

LOCAL_NAMES = (
    "Let op: de naam en de opzet verschillen per gemeente. Misschien heet het bij jou: {names}."
)
LOCAL_NAME_HERE = "In {gemeente} heet dit: {name}."
LOCAL_ROUTE = (
    "Let op: namen en afspraken verschillen per gemeente. Vraag je IB'er of zorgcoördinator naar "
    "de route die bij jullie geldt."
)

LABEL_WHEN = "Wanneer schakel je ze in"
LABEL_REACH = "Zo bereik je ze"
LABEL_STEPS = "Wie eerst, wie daarna"
LABEL_PREPARE = "Bereid voor"
LABEL_AGREE = "Spreek af"
LABEL_PARTNERS = "Partners"
LABEL_REACH_PARTNERS = "Zo bereik je de eerste partners"
LABEL_SOURCE = "Bron"
LABEL_SUGGESTIONS = "Misschien bedoel je"
LABEL_FIRST_STEPS = "Eerste stappen"
MORE = "📖 Meer"
LESS = "🔼 Minder"

PRIVACY_REMINDER = (
    "Tip: noem in een chat geen namen of andere gegevens van leerlingen of ouders. Beschrijf de "
    "situatie algemeen, bijvoorbeeld \"een leerling uit groep 6\"."
)

REPHRASE_HINT = (
    "Tip: noem het onderwerp in een paar woorden, bijvoorbeeld \"leerling spijbelt\", \"gezin "
    "met geldzorgen\" of \"samenwerken met de bibliotheek\"."
)

# --- Telegram ---------------------------------------------------------------------------------

WELCOME = (
    "Hoi! Ik ben Wijkwijzer. Ik help je kiezen wie je in de wijk inschakelt rond leerlingen en "
    "gezinnen.\n"
    "• Stel je vraag in gewone woorden, bijvoorbeeld \"wie bel ik bij verzuim?\".\n"
    "• Of blader zonder typen: /partners, /situaties en /tips.\n"
    "• Kies met /wijk je wijk: dan zie je de lokale contacten, en met /praatplaat en /kaart "
    "het netwerk van je wijk.\n"
    "• Bij zorgen over veiligheid krijg je altijd eerst de noodroute.\n\n"
    "Noem geen namen of andere gegevens van leerlingen of ouders: beschrijf de situatie "
    "algemeen, zoals \"een leerling uit groep 6\"."
)

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Wie bel ik als een gezin het thuis zwaar heeft?",
    "Hoe snel moet ik verzuim melden?",
    "Wat doet de brugfunctionaris?",
    "Hoe begin ik met samenwerken in de wijk?",
)

HELP = (
    "<b>Zo werkt Wijkwijzer</b>\n"
    "Typ je vraag gewoon in de chat. Je krijgt wie je kunt inschakelen, wanneer en hoe, of de "
    "route die je volgt.\n\n"
    "/partners – partners per domein en leeftijd\n"
    "/situaties – routes voor situaties in de klas en thuis\n"
    "/tips – tips voor samenwerken met de wijk\n"
    "/tip – een willekeurige tip\n"
    "/zoek &lt;vraag&gt; – zoeken (handig in groepen)\n"
    "/wijk – kies je wijk voor lokale contactroutes\n"
    "/praatplaat – je wijk als plaatje\n"
    "/kaart – de sociale kaart van je wijk als PDF\n"
    "/privacy – wat ik bewaar\n"
    "/over – bronnen en hoe actueel ze zijn\n\n"
    "Delen: typ in een andere chat @{bot} en je vraag, en kies een antwoord om door te sturen."
)

PRIVACY = (
    "<b>Wat Wijkwijzer bewaart</b>\n"
    "• Per onderwerp: hoe vaak het als antwoord kwam en hoeveel 👍 en 👎 het kreeg. Zonder je "
    "vraag, je naam, je gebruikers-id of een chat-id.\n"
    "• Vragen waarop ik geen antwoord had: 90 dagen, voor de beheerders van de kennisbank. "
    "Zonder wie ze stelde. Telefoonnummers, adressen, data, namen en andere gegevens haal ik er "
    "eerst uit; onbekende woorden ook, tot drie verschillende mensen ze gebruikten. Daarvoor "
    "bewaar ik 90 dagen een versleutelde code van jou en van die woorden, niet de woorden zelf.\n"
    "• Kies je met /wijk een wijk of school: je gebruikers-id met die keuze, tot je hem wist "
    "of /vergeetmij gebruikt.\n"
    "• Ben je lid of redacteur van een wijk: die rol, wie je uitnodigde, en welke routes en "
    "markeringen je veranderde (met datum), tot /vergeetmij. Daarna blijven de routes bij de "
    "wijk, zonder jouw gebruikers-id.\n"
    "• Alle andere vragen worden niet opgeslagen en niet gelogd. Foutmeldingen in het logboek "
    "noemen alleen het soort fout, nooit je bericht.\n\n"
    "Let op: berichten gaan via de servers van Telegram en zijn niet end-to-end versleuteld. "
    "Noem daarom nooit namen of andere gegevens van leerlingen of ouders.\n\n"
    "/mijngegevens laat zien wat er over jou is opgeslagen; /vergeetmij wist het. Beide werken "
    "alleen in een privégesprek met mij."
)

MY_DATA = "<b>Wat Wijkwijzer over jou bewaart</b>\n{lines}"
MY_DATA_NOTHING = "Er is niets over jou opgeslagen."
MY_DATA_WIJK = "• Je gekozen wijk: {wijk}"
MY_DATA_ROUTES = "• Contactroutes die jij hebt toegevoegd: {count} (die blijven bij de wijk)"
MY_DATA_AUDIT = "• Wijzigingen die jouw id noemen (routes, rollen, markeringen): {count}"
MY_DATA_INVITES = "• Uitnodigingscodes die jij maakte: {made}; die jij gebruikte: {used}"
MY_DATA_MARKS = "• Markeringen op de praatplaat die jij zette: {count}"
MY_DATA_VOTES = "• 👍/👎 die je gaf (90 dagen, als versleutelde code): {count}"
MY_DATA_WORDS = (
    "• Versleutelde codes van onbekende woorden uit je vragen (90 dagen, zonder de woorden "
    "zelf): {count}"
)
FORGET_ASK = (
    "Weet je het zeker? Dan wis ik je gekozen wijk en school, je rollen en de codes van je "
    "woorden. Contactroutes en wijzigingen die je maakte blijven bij de wijk, maar zonder jouw "
    "gebruikers-id."
)
FORGET_NOT_YOURS = "Deze knop is van iemand anders. Typ zelf /vergeetmij als je dat wilt."
FORGET_YES = "Ja, wis mijn gegevens"
FORGET_NO = "Nee"
FORGET_DONE = "Je gegevens zijn gewist."
FORGET_KEPT = "Er is niets gewist."

OVER = (
    "<b>Over Wijkwijzer</b>\n"
    "De antwoorden komen uit een kennisbank die in eigen woorden is geschreven op basis van deze "
    "bronnen (laatst gecontroleerd op {reviewed}):\n{sources}\n\n"
    "Telefoonnummers en openingstijden kunnen veranderen: controleer ze bij twijfel op de site "
    "van de organisatie. Namen van teams verschillen per gemeente."
)

NON_TEXT = (
    "Ik kan alleen tekst lezen. Typ je vraag in een paar woorden, bijvoorbeeld \"wat doet het "
    "CJG?\"."
)
STALE_BUTTON = "Deze knop werkt niet meer. Stel je vraag opnieuw of kijk bij /help."
FEEDBACK_THANKS = "Dank je! Zo wordt Wijkwijzer beter."
SLOW_DOWN_BUTTON = "Even rustig aan: probeer het over een paar seconden opnieuw."
FEEDBACK_CHANGED = "Aangepast: je stem telt nu andersom."
FEEDBACK_WITHDRAWN = "Je stem is ingetrokken."
FEEDBACK_ASK = (
    "Jammer dat \"{title}\" je niet hielp. Wat miste je? Antwoord op dit bericht in één zin "
    "(mag ook niet). Noem geen namen."
)
FEEDBACK_NOTED = "Dank je, dat geef ik door aan de beheerders van de kennisbank."
FEEDBACK_PLACEHOLDER = "Wat miste je?"
SLOW_DOWN = (
    "Even rustig aan: je stuurt veel berichten tegelijk. Over een paar seconden kan het weer."
)
ERROR = "Er ging iets mis aan mijn kant. Probeer het zo nog eens."
STORAGE_BUSY_FORM = (
    "Opslaan lukt nu even niet: de opslag is bezet. Je invoer is bewaard; druk over een minuut "
    "nog eens op Opslaan."
)
STORAGE_BUSY = (
    "Ik kan dat nu even niet opslaan of opzoeken: de opslag is bezet. Probeer het over een "
    "minuut nog eens; er is niets veranderd."
)
SEARCH_USAGE = "Typ na /zoek je vraag, bijvoorbeeld: /zoek leerplichtambtenaar"
GROUP_INTRO = (
    "Hoi allemaal! Ik ben Wijkwijzer: ik vertel wie je in de wijk kunt inschakelen rond "
    "leerlingen en gezinnen. In deze groep reageer ik alleen op commando's (zoals /zoek "
    "verzuim), als je me noemt of als je op mijn bericht reageert. Noem geen namen van "
    "leerlingen of ouders."
)
INLINE_EMPTY_TITLE = "Stel een vraag om een antwoord te delen"
BROWSE_PARTNERS = "<b>Partners</b> – kies een domein en leeftijd"
BROWSE_KIND: dict[str, str] = {
    "situation": "<b>Situaties</b> – kies wat er speelt",
    "tip": "<b>Tips</b> voor samenwerken met de wijk",
    "example": "<b>Praktijkvoorbeelden</b>",
    "fact": "<b>Feiten</b>: meldcode, leerplicht, regelingen en privacy",
}
ALL = "Alles"
PREVIOUS = "◀️ Vorige"
NEXT = "Volgende ▶️"
NOTHING_HERE = "Hier staat (nog) niets."

WIJK_CHOOSE = (
    "<b>Kies je wijk</b> in {gemeente}. Dan zie je onder de antwoorden ook de lokale "
    "contactroutes: wie en hoe, hier."
)
WIJK_EXAMPLE = (
    "Let op: dit is een voorbeeldlijst. De beheerder van deze bot zet er de echte wijken van "
    "de gemeente in."
)
WIJK_NONE = "Geen wijk"
WIJK_SET = "Je wijk is nu {wijk}. Lokale contactroutes verschijnen onder de antwoorden."
WIJK_CLEARED = "Je wijk is gewist. Je ziet weer alleen de algemene antwoorden."
WIJK_UNAVAILABLE = "Wijken zijn voor deze bot (nog) niet ingesteld."
SCHOOL_CHOOSE = "Wil je ook je school kiezen? Dat is niet nodig."
SCHOOL_NONE = "Geen school"
SCHOOL_SET = "Je school is nu {school}."
SCHOOL_CLEARED = "Er is geen school gekozen."
MY_DATA_SCHOOL = "• Je gekozen school: {school}"
MY_DATA_ROLE = "• {role} van {wijk}"

PLATE_NO_WIJK = "Alle partners, niets gemarkeerd. Kies je wijk om te zien wat er is."
MARK_INTRO = (
    "<b>Praatplaat markeren</b>\nDruk op een partner om te wisselen: 🟦 is er nu, 🟧 gewenst, "
    "⬜ niet gemarkeerd. /praatplaat laat het resultaat zien."
)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welkom en voorbeeldvragen"),
    ("partners", "Partners per domein en leeftijd"),
    ("situaties", "Routes voor situaties"),
    ("tips", "Tips voor samenwerken met de wijk"),
    ("tip", "Een willekeurige tip"),
    ("zoek", "Zoek een antwoord"),
    ("wijk", "Kies je wijk voor lokale contactroutes"),
    ("praatplaat", "Je wijk als plaatje"),
    ("kaart", "De sociale kaart als PDF"),
    ("help", "Zo werkt Wijkwijzer"),
    ("privacy", "Wat Wijkwijzer bewaart"),
    ("mijngegevens", "Wat er over jou is opgeslagen"),
    ("vergeetmij", "Wis je gegevens"),
    ("over", "Bronnen en actualiteit"),
)

# Added to the menu of an editor's or an admin's private chat (command scope of that chat).
EDITOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("route", "Contactroutes van je wijk beheren"),
    ("markeren", "Partners op de praatplaat markeren"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("uitnodigen", "Een code voor een redacteur of lid maken"),
    ("redacteuren", "Redacteuren en leden bekijken of intrekken"),
)

# --- editors and invitations -------------------------------------------------------------------

NOT_ALLOWED = "Dat mag alleen een beheerder of een redacteur van deze wijk."
ROUTE_QUESTION = (
    "Je bent een route aan het invullen. Was dit een vraag? Dan stop ik eerst met de route; "
    "stel je vraag daarna opnieuw."
)
ROUTE_TIMEOUT = "Je route-invoer is gestopt omdat het even stil bleef. Er is niets veranderd."
ROUTE_CONFLICT = (
    "Iemand anders heeft deze route net gewijzigd: {field} is nu \"{value}\". Er is niets "
    "opgeslagen. Begin opnieuw met /route om het te bekijken."
)
ROUTE_FIELD_NAMES: dict[str, str] = {
    "organisation": "de naam", "phone": "het telefoonnummer", "email": "het e-mailadres",
    "website": "de website", "hours": "de inlooptijden", "note": "de notitie",
    "internal": "intern of openbaar", "wijk_id": "de wijk", "entry_id": "de partner",
}
PRIVATE_ONLY = (
    "Dat doe ik alleen in een privégesprek, zodat niemand anders meeleest. Stuur me een "
    "bericht: @{bot}"
)
INVITE_USAGE = (
    "Gebruik: /uitnodigen &lt;wijk-id&gt; [lid]. Zonder 'lid' maak je een code voor een "
    "redacteur (mag routes wijzigen); met 'lid' een code voor schoolpersoneel (ziet ook interne "
    "routes). Met /uitnodigen beheerder maak je een code voor een beheerder van alle wijken. "
    "Wijken: {wijken}"
)
INVITE_MADE = (
    "<b>Eenmalige code voor {wijk}</b> ({role}, geldig tot {expires}):\n<code>{code}</code>\n"
    "Stuur de ontvanger deze link (één tik): {link}\nOf laat hem typen: /code {code}"
)
ROLE_NAMES: dict[str, str] = {"editor": "redacteur", "member": "lid", "admin": "beheerder"}
CODE_USAGE = "Typ na /code de code die je kreeg, bijvoorbeeld: /code ABCD-2345"
CODE_OK = "Welkom! Je bent nu {role} van {wijk}."
CODE_BAD = "Deze code werkt niet: hij is onbekend, al gebruikt of verlopen. Vraag een nieuwe."
EDITORS_TITLE = "<b>Redacteuren en leden</b>"
EDITORS_NONE = "Er zijn nog geen redacteuren of leden."
REVOKED = "Ingetrokken."
