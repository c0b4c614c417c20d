"""Safety signals: acute danger, abuse and neglect, suicide, abuse by staff.

This check runs over the whole message before any matching and never depends on it: a question
that carries a signal always gets the notice, whatever else is found. The notices ship with the
code, so a replaced knowledge directory cannot switch them off.

Two detectors, either of which suffices: hand-written patterns (precise, and independent of any
file) and a learned multi-label model (bot/model.py, trained on the corpus), which also catches
the indirect ways people describe what they saw. The model speaks in two tiers: a clear signal
gives the full notice, a possible one a short notice that still names the number and the first
person to involve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process

from bot.features import MAX_FEATURE_CHARS
from bot.normalize import fold

if TYPE_CHECKING:
    from bot.model import TextModel

Level = Literal["acute", "suicide", "staff", "meldcode"]
Tier = Literal["clear", "possible"]

# Most urgent first: the reply's `level` is the first one that fired.
LEVELS: tuple[Level, ...] = ("acute", "suicide", "staff", "meldcode")

NOTICES: dict[Level, str] = {
    "acute": (
        "🚨 Is er nu gevaar? Bel direct 112. Zorg eerst voor je eigen veiligheid en die van de "
        "kinderen, waarschuw dan de directie en volg het veiligheidsprotocol van je school. "
        "Politie zonder spoed: 0900-8844."
    ),
    "suicide": (
        "⚠️ Praat een leerling over zelfdoding of doet een leerling zichzelf pijn? Neem het "
        "altijd serieus. Laat de leerling bij direct gevaar niet alleen en bel 112. Bel "
        "113 Zelfmoordpreventie: 113 of 0800-0113 (gratis, dag en nacht, anoniem), ook voor "
        "advies aan jou; chatten kan via 113.nl. Betrek meteen de IB'er of zorgcoördinator "
        "volgens het protocol van je school; met de ouders volgt de route naar huisarts of "
        "jeugdarts."
    ),
    "staff": (
        "⚠️ Vermoed je seksueel misbruik of geweld door iemand die op school werkt? Elke "
        "medewerker moet dit direct melden bij het bevoegd gezag (het schoolbestuur). Het "
        "bestuur overlegt met de vertrouwensinspecteur van de Inspectie van het Onderwijs, "
        "0900-111 3111 (werkdagen 8-17 uur), en doet aangifte bij een redelijk vermoeden. Je "
        "mag de vertrouwensinspecteur ook zelf om advies vragen."
    ),
    "meldcode": (
        "⚠️ Zorgen over mishandeling, verwaarlozing of huiselijk geweld? Volg eerst de meldcode "
        "van je school en betrek de aandachtsfunctionaris (vaak de IB'er of zorgcoördinator). "
        "Advies vragen of melden kan bij Veilig Thuis: 0800-2000 (gratis, dag en nacht, ook "
        "anoniem). Vertelt een kind zelf over geweld, dan meld je. De vijf stappen: 1) signalen "
        "in kaart brengen, 2) collega raadplegen en zo nodig Veilig Thuis om advies vragen, "
        "3) gesprek met de leerling en/of ouders, 4) wegen met het afwegingskader, 5) beslissen: "
        "hulp organiseren en/of melden. Bij acuut gevaar: 112."
    ),
}

# For a possible signal: one or two sentences that still name the number and the first person.
SHORT_NOTICES: dict[Level, str] = {
    "acute": "🚨 Is er nu gevaar voor iemand? Bel dan direct 112 en waarschuw de directie.",
    "suicide": (
        "⚠️ Maak je je zorgen dat een leerling zichzelf iets aandoet? Bespreek het meteen met je "
        "IB'er of zorgcoördinator. 113 Zelfmoordpreventie geeft ook jou advies: 113 of "
        "0800-0113."
    ),
    "staff": (
        "⚠️ Gaat het om gedrag van iemand die op school werkt? Meld het bij het bevoegd gezag "
        "(het schoolbestuur). De vertrouwensinspecteur geeft advies: 0900-111 3111."
    ),
    "meldcode": (
        "⚠️ Twijfel je of een kind veilig is? Bespreek het met je aandachtsfunctionaris. Veilig "
        "Thuis geeft advies: 0800-2000 (gratis, dag en nacht)."
    ),
}

# What a question with a signal is about, in the knowledge base's words: the matcher adds these
# so that "vertelde dat haar vader haar slaat" finds the route for suspected abuse, not "gedrag".
TOPICS: dict[Level, str] = {
    "acute": "acuut gevaar noodnummers 112",
    "suicide": "suicide zelfdoding psychische klachten",
    "staff": "seksueel misbruik door een medewerker",
    "meldcode": "vermoeden kindermishandeling huiselijk geweld meldcode",
}

# The entry that holds each level's route: what a message with that signal is answered with
# when it names no other topic.
ROUTE_ENTRIES: dict[Level, str] = {
    "acute": "noodnummers",
    "suicide": "hulplijn-113",
    "staff": "misbruik-door-medewerker",
    "meldcode": "vermoeden-mishandeling",
}

KINDERTELEFOON = (
    "Ben je zelf een kind of jongere? Bel of chat gratis en anoniem met De Kindertelefoon: "
    "0800-0432 (8 tot 18 jaar)."
)

# Patterns run on folded text (lowercase, no accents, punctuation as single spaces).
_FAMILY = (r"(vader|moeder|papa|mama|pa|ma|stiefvader|stiefmoeder|ouders?|broer|zus|oom|tante|"
           r"opa|oma|vriend|dad|mom|mum|father|mother|parents?|uncle|stepfather)")
_HITS = (r"((slaat|slaan|sloeg|sloegen)(?! (alarm|aan|op|in als|toe))|schopt|schoppen|schopte|"
         r"mishandelt|misbruikt|bedreigt|knijpt|duwt|mept|meppen|hits|hit|beats|beat|hurts|"
         r"abuses)")
_HIT_PASSIVE = (r"(geslagen|geschopt|mishandeld|misbruikt|gewurgd|geknepen|gemept|bedreigd|"
                r"hit|beaten|abused)")
_WEAPON = (r"\b(mes|messen|steekwapen|wapen|wapens|pistool|vuurwapen|geweer|vuurwerkbom|knife|"
           r"knives|guns?|weapons?)\b")
_WEAPON_CONTEXT = (r"\b(bij zich|op zak|in (zijn|haar|z n|d r) (tas|zak|jas|broek|kluisje)|"
                   r"getrokken|trekt|trok|zwaait|zwaaide|dreigt|dreigde|bedreigt|bedreigd|"
                   r"steekt|stak|gestoken|schiet|schoot|gevochten|vechten|vecht|ruzie|staat|stond|"
                   r"loopt|rent|binnen|plein|hek|ingang|gang|has|had|brought|carrying|pulled|"
                   r"threaten\w*|waving|stabbed|school|gate|door|entrance|playground)\b")
_PATTERNS: dict[Level, tuple[str, ...]] = {
    "acute": (
        rf"{_WEAPON}.{{0,40}}{_WEAPON_CONTEXT}|{_WEAPON_CONTEXT}.{{0,40}}{_WEAPON}",
        r"\b(steekpartij|neergestoken|gestoken|schietpartij|schoten gelost|stabbing|stabbed)\b",
        r"\b(wordt|is|moet) (nu )?(gereanimeerd|reanimeren)\b|\b(heeft|hebben) een overdosis\b|"
        r"\boverdosis (genomen|geslikt|ingenomen)\b",
        r"\b(bommelding|gijzel\w*|ontvoerd|ontvoering|not breathing)\b",
        r"\b(ademt|ademhaling)\b.{0,20}\b(raar|niet|slecht|moeilijk|zwaar|nauwelijks|"
        r"vreemd)\b|\b(erg|heel|ernstig|zeer) benauwd\b|\bkrijgt geen (lucht|adem)\b",
        r"\bademt niet\b|\bin brand\b|\b(er is|er is nu|nu) brand\b|\bbrand (gesticht|"
        r"uitgebroken)\b|\bernstig gewond\b",
        r"\bbuiten bewustzijn\b|\bniet (meer )?aanspreekbaar\b|\breageert (nergens|niet meer)\b",
        r"\b(dronken|onder invloed|bezopen|stoned|drunk)\b.{0,50}\b(auto|rijden|rijdt|ophalen|"
        r"haalt|stuur|drive|driving)\b|\b(auto|rijden|rijdt|ophalen|stuur)\b.{0,50}"
        r"\b(dronken|onder invloed|bezopen|stoned)\b",
        r"\bbloedt (hevig|veel)\b",
        r"\b(water|kanaal|sloot|vijver|gracht) gevallen\b",
        r"\b(acuut|direct|onmiddellijk) gevaar\b|\bin levensgevaar\b|\bnu in gevaar\b",
        r"\bdreigt\b.{0,30}\b(vermoorden|doden|dood te maken|neer te steken|te steken|geweld|"
        r"te slaan|in elkaar)\b",
        r"\bagressie\w*\b.{0,40}\b(plein|school\w*|klas|deur|hek|gebouw|gang|poort|ingang)\b",
        r"\b(plein|school\w*|klas|deur|hek|gebouw|gang|poort|ingang)\b.{0,40}\bagressie\w*\b",
        r"\b(wordt|worden) (nu|op dit moment) (geslagen|mishandeld|bedreigd|aangevallen)\b",
        r"\b(nu|op dit moment|nu net|right now)\b.{0,40}\b(gevochten|vechtpartij|geslagen|"
        r"aangevallen|bedreigt|bedreigen|slaat|slaan|schopt|schoppen|vechten|vecht|valt aan|"
        r"vallen aan|threaten\w*|attack\w*|hitting|fighting)\b",
        r"\b(bedreigt|bedreigen|slaat|slaan|schopt|schoppen|vechten|vecht)\b.{0,40}\b(nu|op dit "
        r"moment|right now)\b",
        r"\b(gevochten|vechtpartij)\b.{0,40}\b(nu|op dit moment)\b",
        r"\bkind (is )?(vermist|zoek|kwijt)\b|\bvermist kind\b",
        r"\b(knuppel|honkbalknuppel|bijl|stok|stokken|boksbeugel)\b.{0,40}\b(agressie\w*|dreig\w*|"
        r"slaan|slaat|zwaait|bedreig\w*)\b",
        r"\b(agressie\w*|dronken|dreig\w*)\b.{0,40}\b(knuppel|honkbalknuppel|bijl|stok|"
        r"boksbeugel)\b",
        r"\b(mee (te )?(trekken|sleuren|nemen)|meegetrokken|meegenomen|in (een|zijn) auto "
        r"(te )?(trekken|lokken))\b.{0,40}\b(kind|leerling|meisje|jongen)\b",
        r"\b(onbekende|vreemde) (man|vrouw|persoon)\b.{0,50}\b(kind|kinderen|leerling\w*|"
        r"meisje|jongen|hek|plein)\b.{0,30}\b(trekken|trekt|lokken|lokt|meenemen|neemt)\b",
        r"\b(op het dak|op de rand|op de brug|op het spoor)\b.{0,40}\b(springen|spring\w*|"
        r"dreigt)\b|\bdreigt te springen\b",
        r"\bemergency\b|\bin danger\b|\bright now\b.{0,40}\b(fight\w*|attack\w*|hit\w*)\b",
        r"\b(niet (thuis)?gekomen|niet thuisgekomen|nergens (te )?vinden|is zoek|is weg van|"
        r"spoorloos|weggelopen)\b.{0,60}\b(kind|jongen|meisje|kleuter|leerling|zoon|dochter|"
        r"hem|haar|moeder|vader)\b",
        r"\b(kind|jongen|meisje|kleuter|leerling|peuter)\b.{0,60}\b(nergens (te )?vinden|"
        r"niet thuisgekomen|is weg van|weggelopen|vermist|kwijt)\b",
        r"\b(op|in)( elkaar| hem| haar)? (in )?(te )?slaan\b|\bop elkaar in\b|"
        r"\b(vechtpartij|knokpartij|vechten|slaan elkaar)\b.{0,30}\b(nu|op dit moment|plein|"
        r"schoolplein|hek|poort)\b",
        r"\b(onbekende|vreemde|verwarde) (man|vrouw|persoon)\b.{0,60}\b(school|gang|plein|"
        r"klas|kleuters|gebouw)\b|\bindringer\b|\bwil niet weggaan\b",
        r"\b(shoot up|school shooting|bomb threat|schietpartij)\b|\bdreig\w* .{0,30}"
        r"\b(schieten|school op te blazen|aanslag|bom)\b|\b(bom|bomb)\b.{0,20}\b(in|bij|onder) "
        r"(de |het )?(school|gebouw|tas|kluisje)\b",
        r"\b(pillen|medicijnen|tabletten|strip)\b.{0,30}\b(geslikt|ingenomen|genomen|"
        r"slikken)\b|\b(geslikt|ingenomen)\b.{0,20}\b(pillen|medicijnen|tabletten)\b",
        r"\b(dronken|onder invloed)\b.{0,50}\b(meenemen|ophalen|schreeuwt|agressief)\b",
        r"\bdreig\w*\b.{0,60}\b(iets aan te doen|aan te doen|te pakken|vermoorden|te slaan|"
        r"kapot te maken)\b",
        r"\b(fight\w*|attack\w*)\b.{0,40}\bright now\b",
    ),
    "suicide": (
        r"\b(niet|nooit) meer\b.{0,20}\b(leven|bestaan|wakker (te )?worden|er (te )?zijn|"
        r"hier (te )?zijn)\b",
        r"\ber\b.{0,15}\bniet meer\b.{0,15}\bzijn\b",
        r"\b(sneetjes|sneden|snee|snees|krassen|wondjes|littekens)\b.{0,30}\b(arm|armen|"
        r"onderarm|onderarmen|pols|polsen|bovenbeen|benen|dijen)\b",
        r"\b(end (it|it all|my life|his life|her life)|give\w* (his|her|their) (stuff|things|"
        r"belongings) away|geeft (zijn|haar) spullen weg|weggeven van spullen)\b",
        r"\b(dood (willen|wil|zijn|gaan)|wil(de|t)? (graag )?dood|wou dood)\b",
        r"\beinde? aan\b.{0,25}\b(maken|leven)\b",
        r"\bzichzelf\b.{0,15}\b(pijn|aandoen|aan te doen|snijden|verwonden|beschadigen|"
        r"krassen|ophangen)\b",
        r"\b(snijdt|snijd|snij|snijden|krast|krassen|kerft|kerven|beschadigt|verwondt) "
        r"(zich|zichzelf)\b|\bsnijwond\w*\b",
        # the same in a subordinate clause, where the verb comes last ("dat ze zich krast")
        r"\b(zich|zichzelf)\b.{0,20}\b(snijdt|snijden|krast|krassen|kerft|beschadigt|verwondt|"
        r"brandt|slaat)\b",
        r"\b(liever|beter) dood\b|\bwas ik (maar )?dood\b|\bdood (wil|willen|zijn|gaan)\b|"
        r"\bniet meer wakker\b|\bdreigt te springen\b|\bzichzelf (wat |iets )?aan te doen\b",
        r"\b(goodbye|farewell|suicide) (letter|note|message)\b|\bafscheids(brief|briefje|"
        r"bericht)\w*\b.{0,60}\b(leerling|kind|zoon|dochter|hij|zij|ze|gevonden|geschreven|"
        r"gestuurd|appt|gepost)\b|\b(leerling|kind|hij|zij|ze)\b.{0,60}\bafscheids(brief|briefje|"
        r"bericht)\w*\b|\b(want|wants|wanted) to die\b|\bhurt\w* (him|her|them|my)sel(f|ves)\b|"
        r"\b(cuts|cutting) (him|her|them)sel(f|ves)\b",
        r"\bkill\w* (him|her|my|them|your)sel(f|ves)\b|\bend (his|her|my|their) life\b",
        r"\b(praat|praten|schrijft|schrijven|heeft het|tekent) over (de )?dood\b",
        r"\b(zich|zichzelf) (op te )?hangen\b",
        r"\bvan (een|de) (brug|flat) (te )?springen\b",
        r"\b(gaat|ga|wil|dreigt te) springen\b|\bop (het|de) (dak|brug|spoor|rand)\b",
        r"\b(pillen|medicijnen|tabletten)\b.{0,30}\b(geslikt|ingenomen)\b",
        r"\bniemand (zou|zal)\b.{0,20}\bmissen\b|"
        r"\b(zich|zichzelf|hij|zij|ze) .{0,15}\bop(ge)?hangen\b"
        r".{0,20}\b(wil|willen|wilde|gaat|dreigt|proberen|probeerde)\b",
        r"\bthank(s|ed|ing)? (you )?(every(one|body)|all of you|you all) for everything\b|"
        r"\b(bedankt|bedankte|dankt|dank) (iedereen|jullie allemaal|jullie) voor alles\b",
        r"\b(geeft|gaf|weggeven|weg te geven)\b.{0,25}\bspullen\b|\bspullen\b.{0,10}\bweg\b"
        r".{0,40}\bniet meer nodig\b",
    ),
    "staff": (),  # proximity rule below
    "meldcode": (
        rf"\b{_FAMILY}\b.{{0,40}}\b{_HITS}\b",
        rf"\b{_HITS}\b.{{0,25}}\b(mij|me|zoon|dochter|{_FAMILY})\b",
        r"\b(geslagen|geschopt|geknepen|gewurgd) (door|thuis)\b|\bthuis geslagen\b",
        rf"\b{_FAMILY}\b.{{0,40}}\b{_HIT_PASSIVE}\b|\b{_HIT_PASSIVE}\b.{{0,25}}\bdoor "
        rf"(zijn |haar |de |een )?{_FAMILY}\b",
        r"\b(klappen|slaag|tikken|een pak slaag|een tik|meppen)\b.{0,15}\b(krijgt|krijgen|kreeg|"
        r"kregen|gekregen|geeft|geven|gaf)\b|\b(krijgt|krijgen|kreeg|kregen|gekregen)\b"
        r".{0,15}\b(klappen|slaag|tikken|een pak slaag|een tik|meppen)\b",
        r"\b(steeds|vaak|weer|regelmatig|nieuwe|onverklaarbare|rare) blauwe "
        r"plek\w*\b|\bblauwe plek\w* (op|in) (zijn|haar) (gezicht|nek|rug|arm|armen|buik)\b|"
        r"\b(heeft|had|met|zit vol|onder de) (weer )?(brandwond|brandplek)\w*\b|\bstriemen\b|"
        r"\b(has|had|with|covered in) bruis(es|ed)?\b|"
        r"\bsigaret\w*\b.{0,30}\b(plek\w*|wond\w*|brand\w*)\b|\b(plek\w*|wond\w*)\b.{0,30}"
        r"\bsigaret\w*\b",
        r"\b(vieze|volle) luier\w*\b|\bzere billen\b|\bondervoed\w*\b|\buitgehongerd\b|"
        r"\bongewassen\b|\bniet (gewassen|verzorgd)\b",
        r"\b(krijgt|kreeg|krijgen) (thuis )?(geen|nooit) (eten|te eten)\b|\bopgesloten\b|"
        r"\bvastgebonden\b|\bopsluiten\b|\block\w* (her|him|them|me) (in|up)\b",
        rf"\b{_FAMILY}\b.{{0,40}}\b(zit|zat|zitten|gezeten) aan (haar|hem|mij|me|zijn|"
        r"de kinderen)\b",
        rf"\b{_FAMILY}\b.{{0,30}}\baan (haar|hem|mij|me|zijn) (lijf |lichaam )?(zit|zat|zitten)\b",
        r"\b(onzedelijk\w*|ontucht\w*|seksueel getint\w*|betast\w*|molest\w*|touched her|"
        r"touched him|touches her|touches him)\b",
        r"\b(bang|durft niet|wil niet|angstig|angst)\b.{0,15}\b(naar huis|thuis)\b|"
        r"\bonveilig\w* thuis\w*\b|\bafraid to go home\b|\bscared to go home\b",
        r"\b(vieze|stinkende|dezelfde vieze) kleren\b|\bstinkt\b|\b(steeds|altijd|vaak|elke dag|"
        r"chronisch) honger\b|\bhonger\b.{0,30}\b(vieze|vies|stinkt|alleen thuis)\b",
        r"\b(alleen|allen) thuis\b.{0,40}\b(nacht|nachts|s nachts|dagen|weekend|kleuter|"
        r"baby|peuter)\b|\b(kleuter|peuter|baby|jong kind)\b.{0,40}\b(alleen|allen) thuis\b",
        r"\bpolitie\b.{0,60}\b(ruzie|geweld|gezin|thuis|bij hen)\b|\bruzie\b.{0,40}\bpolitie\b|"
        r"\b(kind|kinderen) (zat|zaten|zit|staat) (er )?tussen\b",
        rf"\b{_FAMILY}\b.{{0,40}}\bmet (hem|haar|mij|me) doet\b|\b(rare|vreemde|enge) dingen\b"
        rf".{{0,40}}\b{_FAMILY}\b|\b{_FAMILY}\b.{{0,40}}\b(rare|vreemde|enge) dingen\b",
        r"\bmoet\b.{0,40}\btrouwen\b|\btrouwen met (een )?(neef|oom|oudere man|man)\b|"
        r"\bforced marriage\b",
        r"\bonveilige (thuis)?situatie\b|\bthuis (is )?(niet )?onveilig\b",
        r"\b(afgetuigd|in elkaar geslagen|klappen|slaag|de riem|met de riem|"
        r"blauw oog|blauwe ogen)\b",
        rf"\b{_FAMILY}\b.{{0,30}}\b(drinkt|zuipt|onder invloed|dronken)\b",
        r"\b(schreeuwen|ruzie)\b.{0,40}\b(gooien|slaan|smijten|politie|elke avond|geweld)\b",
        r"\b(geschreeuw\w*|gegil\w*|gehuil\w*|gekrijs\w*)\b.{0,60}\b(buren|gezin|urenlang|elke "
        r"(avond|nacht)|weer|kinderen)\b",
        r"\b(gaf|geeft|geven|gaven|kreeg|krijgt|krijgen) (hem |haar |het kind |zijn zoon |zijn "
        r"dochter |de jongen |het meisje |mij |me |ze |m )?(een )?(harde |flinke )?(klap|klappen|"
        r"mep|draai om de oren)\b",
        rf"\b(bang|angstig)\b.{{0,30}}\b(stief)?{_FAMILY}\b|\bniet (meer )?naar huis\b",
        r"\bopgeslote?n?\b|\bopgesloten\b|\bin (zijn|haar) kamer (op)?(ge)?sloten\b",
        # shut in or put out as a punishment
        r"\b(sluit|sloot|sluiten)\b.{0,20}\bop\b.{0,20}\b(kamer|kast|kelder|schuur|badkamer|wc|"
        r"hok)\b|\bop ?sluit\w*\b.{0,25}\b(kamer|kast|kelder|schuur|badkamer|wc|hok)\b|"
        r"\bin de (kast|kelder|schuur)\b.{0,25}\b(zitten|staan|slapen|zit|zat)\b|"
        r"\bals straf\b.{0,40}\b(kast|kelder|buiten|opgesloten|geen eten|zonder eten)\b|"
        r"\b(wordt|werd|worden|zet (hem|haar|ze)|zetten (hem|haar|ze))\b.{0,25}\bbuiten ?"
        r"(ge)?zet\w*\b|\b(gets|got|is|was|being) locked (in|out)\b|\blocked in (her|his|"
        r"their) room\b",
        r"\b(always|constantly|very) hungry\b|\b(takes|took|steals|stole|stealing|taking) food "
        r"from\b",
        r"\b(zonder eten|geen eten|honger|ondervoed)\b.{0,40}\b(elke dag|steeds|altijd|"
        r"echt|thuis|nooit)\b|\b(elke dag|steeds|altijd)\b.{0,30}\b(zonder eten|honger)\b",
        r"\b(is|was|zijn|waren|blijft|bleef|zit|zat|laten|gelaten) (vaak |steeds |weer |de hele "
        r"dag |'s avonds |s avonds )?alleen thuis\b|\bniemand (thuis|is thuis)\b|"
        r"\bthuis is nooit iemand\b|"
        r"\bdagen weg\b|\bin (haar|zijn) eentje\b.{0,30}\b(broertjes|zusjes|zorgt)\b",
        r"\b(geen|niet naar de) (dokter|huisarts|tandarts)\b|\bdoen er niks aan\b|"
        r"\bniet (op)?gehaald\b|\bniet opgehaalt\b",
        r"\b(plassertje|piemel|kruis|billen|borsten|ondergoed)\b|\bseksu?ele? (tekening\w*|"
        r"tekenigen|gedrag)\b|\bsexuele tekenigen\b|\bsexy (foto|fotos)\b",
        r"\b(man|vrouw|volwassene) van (1[89]|[2-9]\d)\b|\b(veel )?oudere (man|vriend|"
        r"jongens|mannen|gasten)\b|\bvolwassene?\b.{0,30}\b(sexting|relatie|foto)\b",
        r"\b(dure spullen|nieuwe iphone|veel geld)\b.{0,60}\b(vriend|man|mannen)\b|"
        r"\b(mannen|man)\b.{0,30}\b(opgehaald|ophalen)\b",
        r"\b(drugs|pakketjes)\b.{0,30}\b(rondbrengen|brengen|dealen|koerier)\b",
        r"\buitgehuwelijkt\b|\b(arranged|forced) (a )?marriage\b|\bmoet trouwen\b|"
        r"\b(familie|broer|vader)\b.{0,30}\b(iets aandoet|aandoen|vermoorden|eer)\b",
        r"\bbesnij\w*\b|\bsomalie\b.{0,60}\bbang\b",
        r"\bwerken\b.{0,30}\b(s nachts|nachts|tot laat)\b",
        r"\b(in het buitenland|achtergelaten)\b.{0,80}\b(niet wilde|wil niet|tegen haar wil|"
        r"gedwongen)\b",
        r"\b(comes|came|goes) into (her|his) (room|bed)\b|\bnobody (at home )?looks after\b|"
        r"\b(comes to school )?hungry every day\b|\b(into|in) (her|his) room at night\b",
        rf"\b{_FAMILY}\b.{{0,20}}\b(raakt|aanraken|aangeraakt|betast)\b|\b(raakt|aanraken)\b"
        r".{0,30}\b(plassertje|piemel|kruis|billen|borsten)\b",
    ),
}

# Words that name a topic rather than describe a case ("meldcode kindermishandeling", "een les
# over suïcide"): a hit counts when the safety model does not find the message harmless, or
# always when no model is loaded.
_TOPIC_PATTERNS: dict[Level, tuple[str, ...]] = {
    "acute": (
        r"\b(bewusteloos|hartstilstand|verdrinkt|verdronken|verdrinken|is drowning|aangereden|"
        r"flauwgevallen|epileptisch\w*|stuip|stuipen|anafylact\w*|allergische reactie|onwel|"
        r"ademnood|stikt|stikken|verslikt|unconscious|seizure|choking)\b",
    ),
    "meldcode": (
        r"\b(sexting|grooming|loverboy\w*|pooier\w*|uitbuiting|uitgebuit|mensenhandel|"
        r"gedwongen|dwingen|forced|trafficking)\b",
        r"\bblauwe plekken\b|\bbrand(wond|plek)\w*\b|\bbruises\b|\b(kinderarbeid|child "
        r"labou?r)\b|\balleen thuis\b",
        r"\b(kinder)?mishandel\w*\b|\bhuiselijk\w* geweld\b|\bgeweld (thuis|in het gezin)\b|"
        r"\b(thuis|in het gezin)\b.{0,12}\bgeweld\b",
        r"\bverwaarlo\w*\b|\bneglect\w*\b|\babus\w*\b|\bdomestic violence\b",
        r"\b(seksueel|sexueel) (misbruik\w*|geweld|grensoverschrijdend\w*)\b|\bmisbruik\w*\b",
        r"\b(aangerand|aanranding|verkracht\w*|incest|loverboy\w*|mensenhandel|grooming|"
        r"zedendelict\w*|zedenzaak|zedenzaken)\b",
        r"\b(uithuwelijk\w*|gedwongen huwelijk|eergerelateerd\w*|meisjesbesnijdenis|"
        r"genitale verminking|besnijdenis)\b",
        r"\bnaaktfoto\w*\b|\bsextortion\b",
    ),
    "suicide": (
        r"\b(suicid\w*|suizid\w*|zelfmoord\w*|zelfdoding\w*|suicidaal|suicidale)\b",
        r"\b(zelfbeschadiging|zelfverwonding|automutilatie|self harm|selfharm|wants to die|"
        r"suicide)\b",
    ),
}

_STAFF_SUBJECT = re.compile(
    r"\b(leerkracht\w*|leraar|leraren|docent\w*|juf|meester|collega\w*|gymleraar|gymdocent|"
    r"concierge|stagiair\w*|mentor|directeur|onderwijsassistent\w*|invaller|medewerker\w*|"
    r"teacher|staff|vrijwilliger|overblijfmoeder|overblijfkracht|stagair\w*|stagiaire?|"
    r"trainer|coach|bestuurder|ib er|iber|zorgcoordinator|logopedist|begeleider|"
    r"invalkracht\w*|overblijf\w*|teachers|colleagues?|collegue|stagiare|intern|"
    r"teaching assistant|caretaker|janitor|volunteer|principal|headteacher|bus driver)\b"
)
# What someone does *to* a child: the nearest person named before it is the actor ("de juf
# vertelde dat de stiefvader haar misbruikt" is the stepfather, not the teacher).
_STAFF_DIRECTED = re.compile(
    r"\b(ongepast\w*|aanrak\w*|aangeraakt|raakt\b.{0,20}\baan|betast\w*|zit\b.{0,15}\baan|"
    r"seksue\w*|sexue\w*|misbruik\w*|grensoverschrijdend\w*|aanrand\w*|verkracht\w*|"
    r"mishandelt|slaat|sloeg|geslagen|touch\w*|abus\w*|onzedelijk\w*|ontucht\w*|"
    r"(zit|zat|zitten|gezeten) aan|aan (een |de |haar |hem )?\w* ?(heeft |hebben |zou hebben )?"
    r"(gezeten|zitten)\b|duwt|duwde|knijpt|kneep|rukt|rukte|schopt|schopte|tikt\b.{0,20}\bhard|"
    r"hits|hit|slaps|slapped|kicks|kicked|beats|hurts|grabs|grabbed|pushes|pushed|shoves|shoved)"
)
# What happens *between* an adult at school and a pupil: any staff member near it is involved.
_STAFF_CONTACT = re.compile(
    r"\b(zoen\w*|relatie met (een )?leerling|naaktfoto\w*|intiem\w*|appt\b.{0,20}\bprive|"
    r"(iets|een relatie|verkering) (heeft |hebben |had )?met (een |die |dat |de )?(meisje|jongen|"
    r"leerling\w*|pupil|student)|"
    r"afspreken met (haar|hem)|met (haar|hem) afspreken|"
    r"s avonds laat\b.{0,30}\b(berichtjes|appjes|berichten|appen)|(berichtjes|appjes)\b.{0,40}"
    r"\bafspreken|verliefd|hartjes|kusjes|schatje|liefdes\w*|(rare|vreemde|naakt\w*|ongepaste|"
    r"stiekeme|intieme) (foto|fotos|foto s|filmpjes|beelden|berichten)|heart emojis|"
    r"(foto|fotos|foto s|filmpjes)\b.{0,40}\b(wc|toilet\w*|kleedkamer\w*|douche\w*)|"
    r"kleedkamer\w*|opmerkingen over (hun|haar|zijn) lichaam|iets met (een|die|de) leerling\w*|"
    r"messag\w*|snapchat|\bdm\b|in (zijn|haar) gezicht)"
)
# People outside the school who may be the actor instead.
_OTHER_ACTOR = re.compile(
    rf"\b({_FAMILY[1:-1]}|buurman|buurvrouw|buren|neef|nicht|klasgeno\w*|medeleerling\w*|"
    r"vriendje|man|mannen|jongens|onbekende|vreemde|stiefopa|pleegvader|pleegmoeder)\b"
)
_BETWEEN_CHILDREN = re.compile(
    r"\b(tussen|onder) (de |twee )?(leerlingen|kinderen|kleuters|peuters|jongeren|klasgenoten|"
    r"pupils|children|kids)\b")
_STAFF_WINDOW = 80  # characters between the person and the act
_STAFF_BY = re.compile(r"\W*(\w+\W+){0,3}?door\b")  # "... aangeraakt door de gymleraar"

_FIRST_PERSON_CHILD = re.compile(
    r"\bik ben (\d{1,2}|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien)"
    r"( jaar)?\b|\b(mijn|me) (vader|moeder|papa|mama|stiefvader|stiefmoeder) (slaat|schopt|"
    r"misbruikt|mishandelt)\b|\b(slaat|schopt|misbruikt|mishandelt) (mij|me)\b|"
    r"\bik word (geslagen|geschopt|gepest|misbruikt|mishandeld|bedreigd)\b|"
    r"\bik ben bang (om naar huis|voor (mijn|me) )|\bik wil (dood|niet meer leven)\b"
)

# Single words that typos must not hide ("kindermishandling", "zelfmoort", "suicde").
_FUZZY_WORDS: dict[str, Level] = {
    "kindermishandeling": "meldcode",
    "mishandeling": "meldcode",
    "huiselijk": "meldcode",
    "mishandeld": "meldcode",
    "verwaarlozing": "meldcode",
    "verwaarloosd": "meldcode",
    "misbruikt": "meldcode",
    "misbruik": "meldcode",
    "aangerand": "meldcode",
    "verkrachting": "meldcode",
    "zelfmoord": "suicide",
    "zelfdoding": "suicide",
    "suicide": "suicide",
    "suicidaal": "suicide",
    "zelfbeschadiging": "suicide",
    "steekpartij": "acute",
    "schietpartij": "acute",
    "vuurwapen": "acute",
}
_FUZZY_CUTOFF = 86.0

# One alternation per level: a single scan of the message instead of one per pattern.
_COMPILED: dict[Level, re.Pattern[str]] = {
    level: re.compile("|".join(f"(?:{p})" for p in patterns))
    for level, patterns in _PATTERNS.items() if patterns
}
_TOPIC_COMPILED: dict[Level, re.Pattern[str]] = {
    level: re.compile("|".join(f"(?:{p})" for p in patterns))
    for level, patterns in _TOPIC_PATTERNS.items()
}


@dataclass(frozen=True, slots=True)
class SafetyNotice:
    level: Level  # the most urgent one that fired (a clear one before a possible one)
    levels: tuple[Level, ...]  # every one that fired, most urgent first
    text: str  # every notice that fired: full notices, then short ones
    child_reader: bool  # the message may come from a child: the Kindertelefoon comes first
    tier: Tier = "clear"  # "possible": only the model saw a possible signal

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "text": self.text, "tier": self.tier}


def _staff_signal(folded: str) -> bool:
    """Abuse or misconduct whose actor works at the school."""
    subjects = list(_STAFF_SUBJECT.finditer(folded))
    if not subjects:
        return False
    for subject in subjects:
        lo, hi = max(0, subject.start() - _STAFF_WINDOW), subject.end() + _STAFF_WINDOW
        if _STAFF_CONTACT.search(folded, lo, hi):
            return True
    others = list(_OTHER_ACTOR.finditer(folded))
    for act in _STAFF_DIRECTED.finditer(folded):
        before = [(m.end(), True) for m in subjects
                  if act.start() - _STAFF_WINDOW <= m.start() and m.end() <= act.start()]
        before += [(m.end(), False) for m in others
                   if act.start() - _STAFF_WINDOW <= m.start() and m.end() <= act.start()]
        if before and max(before)[1]:
            return True
        if _STAFF_BY.match(folded, act.end()) and any(
                m.start() >= act.end() and m.start() - act.end() <= 40 for m in subjects):
            return True
    return False


def _fuzzy_levels(tokens: Iterable[str]) -> set[Level]:
    found: set[Level] = set()
    choices = list(_FUZZY_WORDS)
    for token in tokens:
        if len(token) < 6:
            continue
        match = process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
        if match is not None:
            found.add(_FUZZY_WORDS[match[0]])
    return found


def detect_levels(text: str) -> tuple[Level, ...]:
    """Every level whose pattern describes a case anywhere in `text`, most urgent first."""
    folded = fold(text)
    if not folded:
        return ()
    fired: set[Level] = {level for level, pattern in _COMPILED.items() if pattern.search(folded)}
    if _staff_signal(folded):
        fired.add("staff")
    return tuple(level for level in LEVELS if level in fired)


def topic_levels(text: str) -> tuple[Level, ...]:
    """Levels whose topic words occur in `text` (typos included), most urgent first."""
    folded = fold(text)
    if not folded:
        return ()
    fired = {level for level, pattern in _TOPIC_COMPILED.items() if pattern.search(folded)}
    fired |= _fuzzy_levels(set(folded.split()))
    return tuple(level for level in LEVELS if level in fired)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the patterns and the model found: full notices and short ones."""

    clear: frozenset[Level]
    possible: frozenset[Level]


def assess(text: str, model: TextModel | None = None) -> Assessment:
    """Patterns OR model: a described case or a clear model signal gives the full notice, unless
    the model is all but certain the message is harmless (the veto, fitted to lose at most
    half a percent of the signals the patterns catch); a topic word counts unless the model
    finds the message harmless; a possible model signal gives the short notice."""
    patterns = frozenset(detect_levels(text))
    clear: set[Level] = set(patterns)
    topics = set(topic_levels(text)) - clear
    if model is None:
        return Assessment(frozenset(clear | topics), frozenset())
    probs = model.probabilities(text)
    thresholds = model.meta.get("thresholds", {})
    # Words a pattern reads as a case can be harmless in their story (a drill, a fall seen by
    # staff): when the model is sure of that on every level, the hit does not count. Only
    # when the model read the whole message: it reads a bounded prefix, the patterns all of it.
    read_all = len(text) <= MAX_FEATURE_CHARS
    if patterns and read_all and \
            max(probs.values(), default=1.0) < float(model.meta.get("veto", 0.0)):
        clear -= patterns
        patterns = frozenset()
    # A "possible" signal needs something to go on: two different words of some length. On
    # "en" or "EN EN" the model only echoes its prior.
    substantial = len(set(re.findall(r"[^\W\d_]{3,}", fold(text)))) >= 2
    possible: set[Level] = set()
    for level in LEVELS:
        limits = thresholds.get(level)
        if not limits:
            clear |= topics & {level}
            continue
        p = probs.get(level, 0.0)
        # A topic word past what the model read counts as it does without a model.
        if p >= limits["clear"] or (level in topics and (
                p >= limits.get("topic", 0.0) or not read_all)):
            clear.add(level)
        elif p >= limits["possible"] and substantial:
            possible.add(level)
    # The actor decides the route: the model may hear "grensoverschrijdend gedrag" as a staff
    # matter, but when the message names other actors (family, children among themselves) and
    # nobody working at the school, it is the meldcode's.
    folded = fold(text)
    if not _STAFF_SUBJECT.search(folded) and (_OTHER_ACTOR.search(folded)
                                              or _BETWEEN_CHILDREN.search(folded)):
        for found in (clear, possible):
            if "staff" in found and "staff" not in patterns:
                found.discard("staff")
                found.add("meldcode")
    # A full notice already gives the route: a short "possible" one beside it would only blur
    # which route applies (a stepfather's abuse told by a mentor is not a staff matter).
    return Assessment(frozenset(clear), frozenset() if clear else frozenset(possible))


def check(text: str, model: TextModel | None = None) -> SafetyNotice | None:
    """The notice for `text`, or None when it carries no safety signal."""
    found = assess(text, model)
    if not found.clear and not found.possible:
        return None
    ordered_clear = [level for level in LEVELS if level in found.clear]
    ordered_possible = [level for level in LEVELS if level in found.possible]
    child = bool(_FIRST_PERSON_CHILD.search(fold(text)))
    parts = [NOTICES[level] for level in ordered_clear]
    parts += [SHORT_NOTICES[level] for level in ordered_possible]
    if any(level in ("meldcode", "suicide") for level in ordered_clear) or child:
        if child:
            parts.insert(0, KINDERTELEFOON)
        else:
            parts.append(KINDERTELEFOON)
    levels = tuple(level for level in LEVELS if level in found.clear | found.possible)
    first = (ordered_clear or ordered_possible)[0]
    return SafetyNotice(first, levels, "\n\n".join(parts), child,
                        "clear" if ordered_clear else "possible")
