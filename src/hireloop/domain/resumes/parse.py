"""Structured résumé parsing: plain text in, :class:`ParsedResume` out.

Rule-based and pure Python: every regular expression is compiled and every vocabulary
loaded once, at import; a call does no file I/O.

How it reads a résumé:

1. The text is cut into lines, and lines that are section headings (English, French,
   German, Spanish, Portuguese, Dutch, Indonesian and Tagalog words) split it into
   sections. What comes before the first heading, and any "Contact" section, is the header.
2. The header gives the name (the first line that looks like a person's name), and the
   whole text gives the email, the phone (E.164 through ``identity.normalize_phone``), the
   links and the location.
3. Experience and education sections are split into entries. A line is either a heading
   line of an entry (title, employer, school, degree, dates, location) or a description
   line (bullets, sentences). Date ranges anchor the entries; the fragments of the heading
   lines (split on ``|``, dashes, commas, "at", tabs …) are given a role by what they
   contain (title words, legal suffixes and organisation words, degree names, school
   words, known places) and, when nothing tells, by the order the other entries of the
   same section use.
4. Skills are matched against ``data/skills.txt`` (aliases map to a canonical name);
   languages, certifications and the summary come from their sections.

Nothing is invented: a field that cannot be read is left absent, and ``warnings`` says
what was unclear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from hireloop.domain.candidates.identity import normalize_email, normalize_phone
from hireloop.domain.resumes.schemas import (
    Links,
    ParsedResume,
    PersonName,
    Position,
    Schooling,
)
from hireloop.domain.skills import skill_entries

PARSER_VERSION = "rules-1.0"

# --------------------------------------------------------------------------------------
# Text folding: accents off, one character for one character (indices stay aligned).
# --------------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)
        if (
            len(base) > 1
            and base[0].isascii()
            and base[0].isalpha()
            and all(unicodedata.combining(c) for c in base[1:])
        ):
            table[code] = base[0]
    table.update(
        {
            ord("İ"): "I",
            ord("ı"): "i",
            ord("Ł"): "L",
            ord("ł"): "l",
            ord("Ø"): "O",
            ord("ø"): "o",
            ord("Đ"): "D",
            ord("đ"): "d",
            ord("’"): "'",
            ord("‘"): "'",
            ord("ʼ"): "'",
        }
    )
    return table


_FOLD = _build_fold_table()


def _fold(text: str) -> str:
    """Accent-free copy of ``text`` with the same length (for regexes on any language)."""
    if text.isascii():  # the table maps non-ASCII characters only
        return text
    return text.translate(_FOLD)


def _key(text: str) -> str:
    """Lookup key: folded, lower-cased, inner whitespace collapsed."""
    return " ".join(_fold(text).lower().split())


def _words(text: str) -> set[str]:
    return {w for w in text.split() if w}


def _phrases(text: str) -> set[str]:
    """``"new york|paris"`` -> {"new york", "paris"} (whitespace collapsed)."""
    return {" ".join(item.split()) for item in text.split("|") if item.strip()}


# --------------------------------------------------------------------------------------
# Section headings
# --------------------------------------------------------------------------------------

_HEADINGS_RAW = {
    "summary": """
        summary|professional summary|career summary|executive summary|summary of qualifications
        |profile|professional profile|personal profile|career profile|about|about me|objective
        |career objective|objectives|professional objective|overview|personal statement|introduction
        |profil|profil professionnel|resume professionnel|a propos|a propos de moi|objectif
        |objectif professionnel|presentation|synthese|kurzprofil|profil und ziele|uber mich
        |zusammenfassung|berufliches profil|perfil|perfil profesional|resumen|resumen profesional
        |sobre mi|objetivo|objetivo profesional|extracto|resumo|resumo profissional|sobre mim
        |perfil profissional|objetivo profissional|profiel|samenvatting|over mij|persoonlijk profiel
        |ringkasan|profil singkat|tentang saya|ringkasan profil|tujuan|buod|layunin|tungkol sa akin
    """,
    "experience": """
        experience|experiences|work experience|professional experience|employment|employment history
        |work history|career history|relevant experience|relevant work experience|career
        |professional background|work experience and internships|positions held|job history
        |experience and internships|professional history|employment record|internships|internship
        |experience professionnelle|experiences professionnelles|experience pro|parcours professionnel
        |parcours|emplois|postes occupes|experiences pro|berufserfahrung|berufliche erfahrung
        |berufliche erfahrungen|berufspraxis|beruflicher werdegang|werdegang|praxiserfahrung
        |praktische erfahrung|berufliche stationen|taetigkeiten|experiencia|experiencia laboral
        |experiencia profesional|historial laboral|trayectoria profesional|experiencias
        |experiencia de trabajo|experiencia|experiencia profissional|historico profissional
        |experiencias profissionais|trajetoria profissional|werkervaring|ervaring|werk ervaring
        |professionele ervaring|arbeidsverleden|loopbaan|pengalaman kerja|pengalaman
        |riwayat pekerjaan|pengalaman profesional|riwayat kerja|karanasan|karanasan sa trabaho
        |mga karanasan|work experiences
    """,
    "education": """
        education|academic background|education and training|educational background
        |academic qualifications|academic history|education history|studies|academic record
        |education & training|educational qualifications|formation|formations|formation academique
        |etudes|diplomes|parcours academique|diplomes et formations|formation et diplomes|cursus
        |ausbildung|bildung|bildungsweg|schulbildung|studium|akademischer werdegang|schule und studium
        |ausbildung und studium|educacion|formacion|formacion academica|estudios|estudios realizados
        |educacion y formacion|educacao|formacao|formacao academica|escolaridade|opleiding
        |opleidingen|onderwijs|opleiding en cursussen|pendidikan|riwayat pendidikan
        |latar belakang pendidikan|pendidikan formal|edukasyon|pinag-aralan|natapos na pag-aaral
    """,
    "skills": """
        skills|technical skills|key skills|core skills|core competencies|competencies|competences
        |areas of expertise|expertise|technologies|tech stack|skills and tools|skills & tools
        |hard skills|soft skills|it skills|computer skills|skills and abilities|skills summary
        |skill set|skillset|professional skills|top skills|key competencies|relevant skills|tools and technologies
        |technical proficiencies|qualifications|key qualifications|strengths|abilities
        |competences techniques|competences cles|savoir-faire|outils|competences informatiques
        |informatique|kenntnisse|faehigkeiten|fahigkeiten|fachkenntnisse|it-kenntnisse
        |edv-kenntnisse|kompetenzen|qualifikationen|fachliche kompetenzen|besondere kenntnisse
        |habilidades|competencias|conocimientos|aptitudes|habilidades tecnicas|conocimientos tecnicos
        |competencias tecnicas|informatica|competencias|conhecimentos|habilidades e competencias
        |vaardigheden|competenties|kennis|kennis en vaardigheden|keahlian|kemampuan|keterampilan
        |kasanayan|mga kasanayan
    """,
    "languages": """
        languages|language skills|language|spoken languages|language proficiency|langues
        |competences linguistiques|langues etrangeres|sprachen|sprachkenntnisse|fremdsprachen
        |idiomas|lenguas|idiomas hablados|linguas|talen|talenkennis|bahasa|kemampuan bahasa
        |penguasaan bahasa|wika|mga wika
    """,
    "certifications": """
        certifications|certification|certificates|certificate|licenses|licences
        |licenses and certifications|licenses & certifications|certifications and licenses
        |certifications & licenses|accreditations|professional certifications
        |certifications and training|courses and certifications|training and certifications
        |certificats|certifications professionnelles|zertifikate|zertifizierungen|zertifikate und
        |weiterbildungen|weiterbildung|certificaciones|certificados|certificacoes|certificaten
        |sertifikasi|sertifikat|sertipikasyon|mga sertipiko
    """,
    "contact": """
        contact|contact information|contact details|contact info|personal details
        |personal information|personal data|coordonnees|informations personnelles|contact
        |kontakt|personliche daten|persoenliche daten|kontaktdaten|angaben zur person|datos personales
        |contacto|informacion de contacto|dados pessoais|contato|contacto|persoonlijke gegevens
        |contactgegevens|data pribadi|kontak|informasi pribadi|impormasyon
    """,
    "interests": """
        interests|hobbies|hobbies and interests|interests and hobbies|references|personal interests
        |centres d'interet|centres d'interets|loisirs|references|hobbys|interessen|referenzen
        |intereses|referencias|pasatiempos|interesses|hobby's|referenties|minat|hobi|referensi
        |libangan|sanggunian|freizeit|vrije tijd
    """,
    "other": """
        projects|personal projects|key projects|publications|awards|honors|honours|awards and honors|achievements|key achievements
        |accomplishments|volunteer|volunteering|volunteer experience|activities
        |extracurricular activities|additional information|other|memberships|affiliations
        |professional affiliations|conferences|leadership|military service|patents|courses|training
        |centres d'interet|centres d'interets|loisirs|references|projets|benevolat|activites
        |distinctions|publications|hobbys|interessen|referenzen|projekte|ehrenamt|sonstiges
        |auszeichnungen|intereses|referencias|proyectos|pasatiempos|voluntariado|premios
        |interesses|referencias|projetos|premios|hobby's|referenties|projecten|nevenactiviteiten
        |minat|hobi|referensi|proyek|organisasi|pengalaman organisasi|libangan|sanggunian
        |mga proyekto|declaration|signature
    """,
}


def _build_headings() -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, raw in _HEADINGS_RAW.items():
        for item in raw.split("|"):
            item = " ".join(item.split())
            if item:
                out.setdefault(item, kind)
                out.setdefault(item.replace(" and ", " & "), kind)
    return out


_HEADINGS = _build_headings()
_HEADING_CLEAN = re.compile(r"^[\W\d_]+|[\s:：.\-–—_|]+$")
_SPACED_LETTERS = re.compile(r"^(?:\w ){3,}\w$")
_LABEL_LINE = re.compile(r"^\s*([^\W\d][^:：]{1,40}?)\s*[:：]\s*(\S.*)$")


def _heading_kind(line: str) -> str | None:
    if len(line) > 60:
        return None
    text = line
    if _SPACED_LETTERS.match(text):
        text = text.replace(" ", "")
    key = _key(_HEADING_CLEAN.sub("", text)).replace("’", "'")
    key = key.replace("/", " & ") if "/" in key else key
    return _HEADINGS.get(key)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_MONTHS_RAW = {
    1: "january jan janv janvier januar jaenner janner enero ene janeiro januari",
    2: "february feb fevrier fevr fev februar febrero fevereiro februari pebrero",
    3: "march mar mars maerz marz marzo marco maart mrt maret marso",
    4: "april apr avril avr abril abr",
    5: "may mai mayo maio mei",
    6: "june jun juin juni junio junho hunyo",
    7: "july jul juillet juil juli julio julho hulyo",
    8: "august aug aout agosto ago augustus agustus agu agt",
    9: "september sep sept septembre septiembre setiembre setembro set setyembre",
    10: "october oct octobre oktober octubre outubro out okt oktubre",
    11: "november nov novembre noviembre novembro nobyembre",
    12: "december dec decembre dezember dez diciembre dic dezembro desember des disyembre",
}
_MONTHS: dict[str, int] = {}
for _num, _names in _MONTHS_RAW.items():
    for _name in _names.split():
        _MONTHS.setdefault(_name, _num)

_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_RE = rf"(?:{_MONTH_ALT})\.?"
_YEAR_RE = r"(?:19[5-9]\d|20[0-4]\d)"
_D_TEXT = (
    rf"(?<!rio de )(?:\d{{1,2}}(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?)?{_MONTH_RE}(?:\s+de|\s*,)?\s*"
    rf"(?:{_YEAR_RE}|['’]\d{{2}}(?!\d))"
)
_D_FULLNUM = rf"\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]{_YEAR_RE}"
_D_MY = rf"(?:0?[1-9]|1[0-2])\s?[/.]\s?{_YEAR_RE}|(?:0[1-9]|1[0-2])-{_YEAR_RE}"
_D_YM = rf"{_YEAR_RE}[/.\-](?:0[1-9]|1[0-2]|[1-9])(?![\d])"
_D_SEASON = rf"(?:spring|summer|fall|autumn|winter|ete|hiver|printemps|automne|sommer|winter|herbst|fruhling|verano|invierno|otono|primavera)\s+{_YEAR_RE}"
_DATE = (
    rf"(?<![\w/.\-])(?:{_D_TEXT}|{_D_FULLNUM}|{_D_YM}|{_D_MY}|{_D_SEASON}|{_YEAR_RE})(?![\w/]|\.\d)"
)
_PRESENT = (
    r"(?:present|presently|the present|current(?:ly)?|now|today|ongoing|to date|till date"
    r"|till now|until now|date|aujourd'hui|ce jour|a ce jour|a present|actuel(?:lement)?|en cours"
    r"|maintenant|heute|jetzt|aktuell|dato|laufend|actualidad|actualmente|actual|presente"
    r"|la fecha|hoy|atual(?:mente)?|o momento|momento|agora|heden|nu|huidig|sekarang|kini"
    r"|saat ini|kasalukuyan|ngayon)(?![\w])"
)
_SEP = (
    r"(?:\s*(?:-{1,2}|–|—|~|→|->|‐|‑|−|/)\s*|\s+(?:to|till|until|through|thru|au|a|jusqu'?(?:a|au)"
    r"|bis(?:\s+zum)?|al|hasta|ate|tot|t/m|sampai|hingga|s/d|s\.d\.?|hanggang|sa|y|and|et|und)\s+)"
)
_RANGE = re.compile(
    rf"(?:(?:from|since|du|de|depuis|von|vom|desde|van|vanaf|dari|mula sa|mula|entre)\s+)?"
    rf"(?P<a>{_DATE}){_SEP}(?:(?:le|el|o|the)\s+)?(?P<b>{_DATE}|{_PRESENT})",
    re.IGNORECASE,
)
_SINCE = re.compile(
    rf"(?:since|seit|depuis|desde|sinds|vanaf|sejak|mula noong|from|starting)\s+(?P<a>{_DATE})",
    re.IGNORECASE,
)
_OPEN_RANGE = re.compile(rf"(?P<a>{_DATE})\s*(?:-{{1,2}}|–|—|~)\s*(?:\.\.\.|…)?\s*$", re.IGNORECASE)
_SINGLE = re.compile(_DATE, re.IGNORECASE)
_PRESENT_ONLY = re.compile(rf"^{_PRESENT}$", re.IGNORECASE)
# Every form of _DATE holds a year or an apostrophe year ("Mar '19"): a line without one
# has no date, and is not tried against the patterns above (long alternations of month
# names tried at every position: most of the parser's time on lines without dates).
_YEAR_HINT = re.compile(rf"{_YEAR_RE}|['’]\d{{2}}")

_P_TEXT = re.compile(
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?)?({_MONTH_ALT})\.?"
    rf"(?:\s+de|\s*,)?\s*(?:({_YEAR_RE})|['’](\d{{2}}))",
    re.IGNORECASE,
)
_P_FULLNUM = re.compile(rf"(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-]({_YEAR_RE})")
_P_MY = re.compile(rf"(\d{{1,2}})\s?[/.\-]\s?({_YEAR_RE})")
_P_YM = re.compile(rf"({_YEAR_RE})[/.\-](\d{{1,2}})")
_P_YEAR = re.compile(_YEAR_RE)
_MONTH_FIRST_REGIONS = {"US", "PH", "CA", "FM", "PW", "MH"}

_DURATION = re.compile(
    r"\(?\s*(?:\d+\s*(?:\+\s*)?(?:yrs?|years?|mos?|months?|ans?|mois|jahre?|monate?|anos?|meses"
    r"|años|anos|jaar|maanden|tahun|bulan|taon|buwan)\.?\s*(?:and\s+|,\s*|et\s+|und\s+)?)+\)?",
    re.IGNORECASE,
)


@dataclass
class _Span:
    start: str | None
    end: str | None
    current: bool
    single: bool = False


def _parse_one_date(text: str, month_first: bool) -> str | None:
    text = text.strip()
    m = _P_TEXT.search(text)
    if m:
        month = _MONTHS.get(m.group(2).lower().rstrip("."))
        if m.group(3):
            year = int(m.group(3))
        else:
            yy = int(m.group(4))
            year = 2000 + yy if yy <= 49 else 1900 + yy
        return f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    m = _P_FULLNUM.fullmatch(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if a > 12 and 1 <= b <= 12:
            return f"{year}-{b:02d}"
        if b > 12 and 1 <= a <= 12:
            return f"{year}-{a:02d}"
        month = a if month_first else b
        return f"{year}-{month:02d}" if 1 <= month <= 12 else year
    m = _P_YM.fullmatch(text)
    if m:
        month = int(m.group(2))
        return f"{m.group(1)}-{month:02d}" if 1 <= month <= 12 else m.group(1)
    m = _P_MY.fullmatch(text)
    if m:
        month = int(m.group(1))
        return f"{m.group(2)}-{month:02d}" if 1 <= month <= 12 else m.group(2)
    m = _P_YEAR.search(text)
    return m.group(0) if m else None


def _find_dates(folded: str, month_first: bool) -> tuple[_Span | None, int, int]:
    """The first date range (or lone date) in a folded line, and where it sits."""
    if not _YEAR_HINT.search(folded):
        return None, -1, -1
    m = _RANGE.search(folded)
    if m:
        start = _parse_one_date(m.group("a"), month_first)
        b = m.group("b")
        if _PRESENT_ONLY.match(b.strip()):
            return _Span(start, None, True), m.start(), m.end()
        return _Span(start, _parse_one_date(b, month_first), False), m.start(), m.end()
    m = _SINCE.search(folded)
    if m:
        return _Span(_parse_one_date(m.group("a"), month_first), None, True), m.start(), m.end()
    m = _OPEN_RANGE.search(folded)
    if m:
        return _Span(_parse_one_date(m.group("a"), month_first), None, False), m.start(), m.end()
    m = _SINGLE.search(folded)
    if m:
        span = _Span(_parse_one_date(m.group(0), month_first), None, False, single=True)
        return span, m.start(), m.end()
    return None, -1, -1


# --------------------------------------------------------------------------------------
# Vocabularies: titles, organisations, schools, degrees, places, languages
# --------------------------------------------------------------------------------------

_TITLE_WORDS = _words(
    """
    engineer engineers developer developers programmer architect manager managers director head
    lead leader chief officer president vp svp evp ceo cto cfo coo cio cmo ciso founder co-founder
    cofounder owner partner consultant advisor adviser analyst scientist researcher specialist
    expert associate assistant coordinator administrator admin agent representative rep
    executive supervisor technician tech designer writer editor accountant auditor bookkeeper clerk
    cashier teller nurse physician doctor therapist pharmacist caregiver carer driver operator
    mechanic electrician plumber carpenter welder machinist teacher tutor lecturer professor
    instructor trainer intern trainee apprentice recruiter sourcer generalist receptionist secretary
    salesperson salesman saleswoman buyer planner dispatcher controller comptroller strategist
    marketer merchandiser chef cook waiter waitress server bartender barista housekeeper janitor
    guard attendant worker laborer labourer handler picker packer loader storekeeper courier pilot
    paralegal lawyer attorney counsel solicitor notary economist statistician actuary underwriter
    broker banker trader photographer illustrator animator producer journalist reporter translator
    interpreter librarian devops sre tester steward stewardess midwife dentist surgeon paramedic emt
    phlebotomist radiographer sonographer veterinarian postdoc volunteer freelancer contractor
    stylist cosmetologist beautician hairdresser officer investigator inspector surveyor estimator
    foreman superintendent custodian nanny babysitter counselor counsellor psychologist
    dietitian nutritionist optometrist hygienist therapist aide sonographer technologist
    programmer copywriter copyeditor proofreader webmaster dba administrator ambassador advocate
    associate consultant ux ui qa sdet scrum master product owner vp pm cna lpn rn md
    telemarketer closer setter specialist escalations csr tsr agent analyst fellow resident
    ingenieur ingenieure developpeur developpeuse chef responsable directeur directrice gestionnaire
    conseiller conseillere charge chargee assistante commerciale commercial technicien technicienne
    comptable stagiaire alternant alternante consultante analyste infirmier infirmiere vendeur
    vendeuse caissier caissiere serveur serveuse cuisinier cuisiniere chauffeur magasinier
    preparateur preparatrice operateur operatrice teleconseiller teleconseillere adjoint adjointe
    secretaire enseignant enseignante professeur formateur formatrice redacteur redactrice
    graphiste concepteur conceptrice architecte animateur animatrice employe employee ouvrier
    ouvriere cariste manutentionnaire aide-soignant aide-soignante auxiliaire pharmacien medecin
    avocat avocate juriste acheteur acheteuse logisticien controleur auditrice administrateur
    administratrice coordinateur coordinatrice superviseur superviseure mecanicien electricien
    plombier soudeur boulanger agente ingenieure-conseil
    entwickler entwicklerin softwareentwickler softwareentwicklerin ingenieurin leiter leiterin
    teamleiter teamleiterin abteilungsleiter geschaftsfuhrer geschaeftsfuehrer berater beraterin
    kaufmann kauffrau sachbearbeiter sachbearbeiterin mitarbeiter mitarbeiterin referent referentin
    assistent assistentin praktikant praktikantin werkstudent werkstudentin auszubildender
    auszubildende verkaufer verkauferin verkaeufer verkaeuferin buchhalter buchhalterin
    krankenpfleger krankenschwester pflegefachkraft pflegefachfrau pflegefachmann fachkraft
    techniker technikerin mechaniker mechatroniker elektriker lagerist lageristin fahrer fahrerin
    berufskraftfahrer lehrer lehrerin dozent dozentin projektleiter projektleiterin projektmanager
    projektmanagerin architektin analystin managerin koch kochin kellner kellnerin erzieher
    erzieherin arzt arztin steuerberater controllerin disponent disponentin expertin spezialist
    spezialistin gruppenleiter vorarbeiter monteur schlosser elektroniker informatiker
    fachinformatiker fachinformatikerin betreuer betreuerin kundenberater kundenberaterin
    baker butcher florist tailor seamstress farmer miner painter roofer mason glazier locksmith
    gardener landscaper groundskeeper porter bellhop concierge doorman valet usher host hostess
    dishwasher busser sommelier butler maid cleaner stocker crew lifeguard coach artist musician
    drafter draftsman geologist chemist biologist physicist mathematician coder moderator
    annotator transcriptionist encoder typist collector appraiser adjuster examiner lender
    curator archivist dispatcher estimator inspector installer repairer servicer sorter packer
    machinist fabricator assembler millwright boilermaker ironworker lineman linesman rigger
    signaler flagger bricklayer plasterer tiler upholsterer cabinetmaker joiner optician
    audiologist chiropractor podiatrist anesthetist anaesthetist radiologist sonographer
    technologist orderly medic hygienist dietician doula
    farmaceutico farmaceutica farmacista quimico quimica biologo biologa psicologo psicologa
    nutricionista fisioterapeuta odontologo odontologa veterinario veterinaria arquitecto
    arquiteto arquiteta economista periodista jornalista traductor tradutor redactor redactora
    redator redatora disenador desenhista publicitario publicitaria
    cientista cientifico cientifica cozinheiro cozinheira soldador soldadora eletricista
    mecanico mecanica pedreiro carpinteiro pintor pintora garcom garconete copeiro faxineiro
    faxineira porteiro recepcionista estoquista almoxarife conferente repositor repositora
    operador empacotador entregador motoboy frentista zelador zeladora cuidador cuidadora
    babysitter baba tecnica tecnico assistente analista gestor gestora consultora
    fontanero fontanera albanil carpintero carpintera pintor mecanico camarera limpiador
    limpiadora reponedor reponedora almacenista mensajero cuidador cuidadora chofer cajero
    cientifico cientifica investigador investigadora docente tutor tutora
    elektricien lasser kok timmerman schilder loodgieter bezorger kassamedewerker vakkenvuller
    schoonmaker beveiliger pedagogisch begeleider verzorgende
    ingenieur-conseil boucher charcutier patissier fleuriste couturier couturiere jardinier
    agent concierge gardien menuisier charpentier macon peintre carreleur couvreur plaquiste
    livreur manutentionnaire cariste magasiniere preparatrice conducteur conductrice
    educateur educatrice puericultrice sage-femme kinesitherapeute orthophoniste
    baecker backer metzger friseur friseurin gartner gaertner maler tischler schreiner
    zimmermann maurer dachdecker fliesenleger klempner installateur hausmeister reinigungskraft
    pflegehelfer pflegehelferin altenpfleger altenpflegerin hebamme zahnarzt apotheker
    kassierer kassiererin lagerhelfer kommissionierer staplerfahrer zusteller kurier
    auxiliar operario operaria repartidor repartidora mozo moza garcom garconete balconista
    desarrollador desarrolladora ingeniero ingeniera gerente jefe jefa director directora analista
    asesor asesora asistente tecnico tecnica coordinador coordinadora supervisor supervisora
    consultor consultora vendedor vendedora cajero cajera contador contadora enfermero enfermera
    medico medica abogado abogada profesor profesora maestro maestra practicante becario becaria
    ejecutivo ejecutiva representante administrador administradora operador operadora conductor
    conductora chofer mesero mesera camarero camarera cocinero cocinera disenador disenadora
    programador programadora especialista encargado encargada dependiente dependienta
    recepcionista secretario secretaria auditor auditora gestor gestora teleoperador teleoperadora
    desenvolvedor desenvolvedora engenheiro engenheira diretor diretora coordenador coordenadora
    consultor vendedora atendente estagiario estagiaria professora enfermeiro enfermeira motorista
    advogado advogada lider analista gerente
    ontwikkelaar medewerker medewerkster adviseur beheerder verkoper verkoopster stagiair
    teamleider projectleider verpleegkundige leraar lerares docent boekhouder monteur
    magazijnmedewerker klantenservicemedewerker directeur
    staf staff karyawan pegawai manajer kepala pengembang insinyur guru perawat sopir kasir
    pelayan koki tenaga ahli petugas penjaga
    """
)
_TITLE_HEAD_WORDS = _words(
    """head director chief vp svp evp president chef responsable jefe jefa gerente directeur
    directrice leiter leiterin directora director diretor diretora kepala manager manajer
    lead senior junior principal staff assistant associate"""
)
_TITLE_SUFFIXES = tuple(
    _words(
        """entwickler entwicklerin leiter leiterin berater beraterin ingenieur ingenieurin manager
    managerin mitarbeiter mitarbeiterin kaufmann kauffrau assistent assistentin referent
    referentin techniker technikerin fahrer fahrerin pfleger pflegerin fachkraft medewerker
    medewerkster adviseur ontwikkelaar beheerder specialist analyst developer engineer
    designer administrator koordinator koordinatorin verkaeufer verkaufer sachbearbeiter
    sachbearbeiterin elektriker mechaniker informatiker informatikerin planer planerin
    lehrer lehrerin"""
    )
)
_DEPARTMENT_WORDS = _words(
    """sales marketing engineering operations finance hr it product support customer success
    accounts research development r&d logistics procurement purchasing quality compliance legal
    administration design data analytics security infrastructure strategy partnerships growth
    business development people talent acquisition recruitment communications facilities
    emea apac latam americas europe north south east west international retail digital technology"""
)
_LEGAL_SUFFIXES = _words(
    """inc inc. incorporated llc l.l.c. llp lp ltd ltd. limited plc corp corp. corporation co co.
    company gmbh ag kg kgaa se sa s.a. sas s.a.s. sarl s.a.r.l. sarl. srl s.r.l. spa s.p.a. bv b.v.
    nv n.v. ab oy a/s as asa pty pty. pte pte. pvt pvt. bhd tbk k.k. kk ltda ltda. s.l. sl sa.
    s.c. sc cv s.a.b. sab sapi e.v. ev mbh ohg gbr ug eirl sasu"""
)
_ORG_WORDS = _words(
    """group groupe gruppe grupo holdings holding bank banque banco bancorp hospital hopital
    hospitals clinic clinique klinik klinikum krankenhaus clinica university universite
    universitat universitaet universidad universidade universiteit universitas college school
    institute institut instituto labs lab laboratories laboratory laboratoire technologies
    technology solutions services systems software consulting consultants partners associates
    agency studio studios media networks network logistics foods food pharmaceuticals pharma
    health healthcare insurance assurance assurances airlines airways motors industries industrie
    enterprises enterprise international global ventures capital foundation stiftung fondation
    fundacion fundacao ministry ministere ministerio government council department store stores
    restaurant restaurants hotel hotels resort cafe bakery retail supermarket supermarkets mart
    telecom telecommunications energy electric electronics manufacturing construction builders
    realty properties center centre communications outsourcing bpo marketing digital interactive
    analytics dynamics robotics automotive aerospace financial finance bancaire credit trust
    investments securities advisors advisory gmbh werke werk stadtwerke verlag versicherung
    versicherungen bahn post apotheke kanzlei praxis corporativo comercial constructora
    distribuidora farmacia tienda empresa compania companhia cia servicos servicios consultoria
    sistemas tecnologia tecnologias soluciones solucoes industrias alimentos transportes
    logistica seguros banca caja ayuntamiento gemeente zorg zorggroep ziekenhuis
    rumah sakit persero sekolah universitas yayasan koperasi kementerian
    municipality city county district authority agency police army navy force commission
    office offices bureau club association society church museum library theatre theater
    hub inc partners collective co-op cooperative factory mills works farms farm garage market
    pharmacy dental medical care home homes residence academy airport port shipping freight
    express cargo couriers transport trucking motors auto cars brewery winery kitchen grill bar
    salon spa boutique fashion apparel textiles chemicals steel mining oil gas power utilities
    water solar wind renewables games gaming entertainment studios publishing press news radio tv
    television films pictures records music sports fitness gym wellness nonprofit ngo charity
    """
)
_ORG_PREFIXES = _words("pt cv ud koperasi yayasan")
_SCHOOL_WORDS = _words(
    """university universite universitat universitaet universidad universidade universiteit
    universitas universita universiti college colegio collegium school schule ecole escuela escola
    institute institut instituto istituto academy academie akademie hochschule fachhochschule
    polytechnic politecnico polytechnique politecnica polytechnique lycee liceo gymnasium
    conservatory conservatoire seminary campus iut insa hec essec escp sciences-po sciencespo
    kolehiyo pamantasan unibersidad sekolah sma smk smp politeknik akademi mba-school tafe
    berufsschule berufskolleg realschule gesamtschule hogeschool roc ies cegep lyceum
    colegio preparatoria
    """
)
_LOCATION_MARKERS = _words("remote hybrid home-based homebased wfh teletravail telearbeit remoto")

_DEGREE_PATTERNS = [
    # English
    r"(?:bachelor|master)(?:'s)?(?:\s+degree)?\s+of\s+(?!in\b|the\b)[^\W\d_]+"
    r"(?:\s+(?!in\b|en\b|from\b|at\b|with\b)[^\W\d_]{3,}){0,2}",
    r"bachelor(?:'s)?(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|business administration"
    r"|commerce|technology|fine arts|laws|education|nursing|applied science|computer applications"
    r"|architecture|music|social work|medicine|pharmacy|public health|business|accountancy"
    r"|information technology|computer science|elementary education|secondary education"
    r"|science in nursing))?",
    r"master(?:'s)?(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|business administration"
    r"|commerce|technology|fine arts|laws|education|public health|public administration|philosophy"
    r"|social work|architecture|music|finance|management|nursing|information technology))?"
    r"(?:\s+(?:[12]|ii|i)(?!\w))?",
    r"associate(?:'s)?\s+(?:degree|of\s+(?:arts|science|applied science))",
    r"doctor\s+of\s+(?:philosophy|medicine|education|pharmacy|business administration)",
    r"doctorate|ph\.?\s?d\.?|d\.?\s?phil\.?|m\.?\s?b\.?\s?a\.?|e\.?m\.?b\.?a\.?",
    r"b\.?\s?sc\.?(?:\s?\(hons?\.?\))?|m\.?\s?sc\.?|b\.?\s?eng\.?|m\.?\s?eng\.?|b\.?\s?tech\.?"
    r"|m\.?\s?tech\.?|b\.?\s?com\.?|m\.?\s?com\.?|b\.?\s?b\.?\s?a\.?|b\.?\s?c\.?\s?a\.?"
    r"|m\.?\s?c\.?\s?a\.?|ll\.?\s?b\.?|ll\.?\s?m\.?|j\.?\s?d\.?|m\.?\s?d\.?|b\.?\s?s\.?\s?n\.?"
    r"|m\.?\s?s\.?\s?n\.?|b\.?\s?ed\.?|m\.?\s?ed\.?|m\.?\s?p\.?\s?h\.?|m\.?\s?phil\.?|b\.?\s?f\.?\s?a\.?"
    r"|m\.?\s?f\.?\s?a\.?|b\.?\s?arch\.?|m\.?\s?arch\.?|bsba|bsit|bscs|bsa|bsed|bsee|bsme|bsce|bsn"
    r"|b\.\s?s\.|b\.\s?a\.|m\.\s?s\.|m\.\s?a\.|a\.\s?a\.|a\.\s?s\.|bs|ba|ms|ma|mba|msc|bsc|meng|beng",
    r"high school diploma|senior high school|junior high school|high school|secondary school"
    r"|ged|a[- ]levels?|gcses?|higher national diploma|hnd|postgraduate diploma|graduate diploma"
    r"|graduate certificate|postgraduate certificate|pg diploma|diploma|advanced diploma"
    r"|higher secondary(?: school)?(?: certificate)?|secondary school certificate|hsc|ssc|sslc"
    r"|b\.\s?e\.|m\.\s?e\.|b\.\s?e\b|m\.\s?e\b"
    r"|vocational (?:certificate|diploma)|certificate iv|certificate iii",
    # French
    r"master\s+(?:professionnel|recherche|specialise)|mastere(?:\s+specialise)?"
    r"|licence(?:\s+professionnelle)?|baccalaureat(?:\s+(?:professionnel|scientifique|technologique"
    r"|general|s|es|l|stmg|sti2d))?|bac\s?\+\s?\d|bac(?:\s+(?:pro|s|es|l|stmg))?|bts|dut|but|deug|dea"
    r"|dess|doctorat|diplome d'ingenieur|diplome d'etat(?:\s+d'\w+)?|diplome|cap|bep|classe preparatoire"
    r"|titre professionnel",
    # German
    r"diplom(?:-[a-z]+)?|magister|staatsexamen|erstes staatsexamen|zweites staatsexamen|promotion"
    r"|abitur|fachabitur|allgemeine hochschulreife|fachhochschulreife|mittlere reife"
    r"|realschulabschluss|hauptschulabschluss|berufsausbildung|ausbildung|meister(?:brief)?"
    r"|staatlich gepruefter|staatlich gepr[uü]fte?r?",
    # Spanish / Portuguese
    r"licenciatura|licenciado|licenciada|grado|master universitario|maestria|doctorado"
    r"|ingenieria|tecnico superior|tecnico|bachillerato|diplomatura|titulo|tecnicatura"
    r"|bacharelado|bacharel|mestrado|doutorado|pos-graduacao|pos graduacao|especializacao"
    r"|tecnologo|ensino medio|graduacao|ensino superior",
    # Dutch
    r"hbo|mbo|wo|vwo|havo|vmbo|propedeuse|doctoraal",
    # Indonesian / Filipino
    r"sarjana(?:\s+(?:teknik|ekonomi|komputer|hukum|pendidikan|sains|terapan))?|s1|s2|s3"
    r"|s\.\s?kom\.?|s\.\s?t\.?|s\.\s?e\.?|s\.\s?h\.?|s\.\s?pd\.?|diploma iii|diploma iv|d3|d4"
    r"|ab|a\.b\.|sma|smk|smea",
]
_DEGREE_RE = re.compile(
    r"(?<![\w])(?:" + "|".join(_DEGREE_PATTERNS) + r")(?![\w])",
    re.IGNORECASE,
)
_DEGREE_CONNECTOR = re.compile(
    r"^(?:in|en|em|of|de|im|in der|der|des|du|di|na|ng|sa|major in|majoring in|zur|zum|als"
    r"|with a major in|specialisation|specialization|option|mention)\s+|^d'|^\s*[,:–—\-()]\s*",
    re.IGNORECASE,
)
# Degree abbreviations that are also ordinary words: only trusted in context.
_WEAK_DEGREES = {"ma", "ms", "ba", "bs", "ab", "but", "cap", "wo", "ged", "grado", "titulo", "md"}


def _load_lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


_COUNTRIES_RAW = """
US: united states|united states of america|usa|u.s.a.|u.s.|estados unidos|etats-unis|vereinigte staaten|amerika
GB: united kingdom|uk|u.k.|england|scotland|wales|great britain|royaume-uni|reino unido|grossbritannien
FR: france|frankreich|francia|frankrijk|prancis
DE: germany|deutschland|allemagne|alemania|alemanha|duitsland|jerman
ES: spain|espana|espagne|spanien|espanha|spanje|spanyol
PT: portugal
IT: italy|italia|italie|italien
NL: netherlands|the netherlands|nederland|pays-bas|niederlande|holland|paises bajos|belanda
BE: belgium|belgique|belgie|belgien|belgica
CH: switzerland|suisse|schweiz|suiza|svizzera
AT: austria|osterreich|oesterreich|autriche
IE: ireland|irlande
LU: luxembourg
PL: poland|polska|pologne|polen
SE: sweden|sverige|suede
NO: norway|norge|norvege
DK: denmark|danmark|danemark
FI: finland|suomi|finlande
CZ: czech republic|czechia|tschechien
RO: romania|roumanie
GR: greece|grece
TR: turkey|turkiye|turquie
RU: russia|russie
UA: ukraine
PH: philippines|the philippines|pilipinas|filipinas
ID: indonesia|indonesie|indonesien
MY: malaysia|malaisie
SG: singapore|singapour
TH: thailand|thailande
VN: vietnam|viet nam
IN: india|inde|indien
PK: pakistan
BD: bangladesh
LK: sri lanka
CN: china|chine|people's republic of china
HK: hong kong
TW: taiwan
JP: japan|japon
KR: south korea|korea|republic of korea|coree du sud
AU: australia|australie|australien
NZ: new zealand|nouvelle-zelande
CA: canada
MX: mexico|mexique|mexiko
BR: brazil|brasil|bresil|brasilien
AR: argentina|argentine|argentinien
CL: chile|chili
CO: colombia|colombie|kolumbien
PE: peru|perou
VE: venezuela
EC: ecuador
UY: uruguay
CR: costa rica
DO: dominican republic|republica dominicana
GT: guatemala
ZA: south africa|afrique du sud|sudafrika
NG: nigeria
KE: kenya
GH: ghana
EG: egypt|egypte|agypten
MA: morocco|maroc|marokko|marruecos
TN: tunisia|tunisie
DZ: algeria|algerie
SN: senegal
CI: cote d'ivoire|ivory coast
CM: cameroon|cameroun
AE: united arab emirates|uae|emirats arabes unis
SA: saudi arabia|arabie saoudite
QA: qatar
IL: israel
LB: lebanon|liban
JO: jordan
"""
_COUNTRIES: dict[str, str] = {}
for _line in _COUNTRIES_RAW.strip().splitlines():
    _code, _names = _line.split(":", 1)
    for _name in _names.split("|"):
        _COUNTRIES[_name.strip()] = _code.strip()

_STATE_CODES = _words(
    """al alabama ak alaska az arizona ar arkansas ca california co colorado ct connecticut de
    delaware fl florida ga georgia hi hawaii id idaho il illinois in indiana ia iowa ks
    kansas ky kentucky la louisiana me maine md maryland ma massachusetts mi michigan mn
    minnesota ms mississippi mo missouri mt montana ne nebraska nv nevada nh nj nm ny nc nd
    oh ohio ok oklahoma or oregon pa pennsylvania ri sc sd tn tennessee tx texas ut utah vt
    vermont va virginia wa wv wi wisconsin wy wyoming dc on ontario qc quebec bc ab alberta
    mb manitoba ns nb nl pe sk nsw vic qld wa sa tas act"""
)
_REGION_NAMES = _phrases(
    """new york|new jersey|new mexico|new hampshire|north carolina|south carolina|north dakota
    |south dakota|west virginia|rhode island|british columbia|nova scotia|new south wales
    |ile-de-france|bavaria|bayern|catalonia|cataluna|andalucia|metro manila|ncr|cebu|java
    |jawa barat|bali|sao paulo|rio de janeiro|minas gerais"""
)
_CITIES = _phrases(
    """new york|nyc|los angeles|chicago|houston|phoenix|philadelphia|san antonio|san diego
    |dallas|san jose|austin|jacksonville|san francisco|columbus|fort worth|indianapolis
    |charlotte|seattle|denver|washington|boston|el paso|nashville|detroit|portland|las vegas
    |memphis|louisville|baltimore|milwaukee|albuquerque|tucson|fresno|sacramento|atlanta
    |miami|oakland|minneapolis|tulsa|cleveland|tampa|orlando|pittsburgh|cincinnati|st. louis
    |saint louis|raleigh|salt lake city|kansas city|omaha|honolulu|newark|buffalo|richmond
    |boise|anchorage|spokane|madison|toronto|montreal|vancouver|calgary|ottawa|edmonton
    |winnipeg|quebec city|halifax|london|manchester|birmingham|leeds|glasgow|edinburgh
    |liverpool|bristol|cardiff|belfast|sheffield|nottingham|cambridge|oxford|dublin|cork
    |galway|paris|lyon|marseille|toulouse|nice|nantes|strasbourg|montpellier|bordeaux|lille
    |rennes|reims|grenoble|dijon|angers|nimes|clermont-ferrand|le havre|tours|limoges|amiens
    |metz|besancon|orleans|rouen|caen|nancy|avignon|brest|la defense|boulogne-billancourt
    |versailles|berlin|hamburg|munich|munchen|muenchen|cologne|koln|koeln|frankfurt
    |frankfurt am main|stuttgart|dusseldorf|duesseldorf|dortmund|essen|leipzig|bremen
    |dresden|hannover|hanover|nuremberg|nurnberg|nuernberg|duisburg|bochum|wuppertal
    |bielefeld|bonn|munster|karlsruhe|mannheim|augsburg|wiesbaden|heidelberg|freiburg|mainz
    |kiel|rostock|potsdam|regensburg|ulm|vienna|wien|graz|linz|salzburg|innsbruck|zurich
    |geneva|geneve|genf|basel|bern|lausanne|madrid|barcelona|valencia|sevilla|seville
    |zaragoza|malaga|murcia|palma|bilbao|alicante|cordoba|valladolid|vigo|gijon|granada
    |a coruna|vitoria|santander|salamanca|pamplona|lisbon|lisboa|porto|braga|coimbra|faro
    |amsterdam|rotterdam|the hague|den haag|utrecht|eindhoven|groningen|tilburg|almere|breda
    |nijmegen|leiden|delft|haarlem|arnhem|maastricht|brussels|bruxelles|brussel|antwerp
    |antwerpen|ghent|gent|liege|bruges|leuven|luxembourg|rome|roma|milan|milano|naples
    |napoli|turin|torino|florence|firenze|bologna|venice|venezia|warsaw|warszawa|krakow
    |wroclaw|gdansk|poznan|lodz|prague|praha|budapest|bucharest|sofia|athens|istanbul|ankara
    |izmir|stockholm|gothenburg|oslo|copenhagen|kobenhavn|helsinki|moscow|kyiv|kiev|manila
    |quezon city|makati|makati city|taguig|taguig city|pasig|pasig city|cebu city|davao
    |davao city|mandaluyong|paranaque|las pinas|caloocan|antipolo|iloilo|iloilo city|bacolod
    |cagayan de oro|baguio|angeles city|clark|alabang|ortigas|bgc|bonifacio global city
    |muntinlupa|san juan|marikina|valenzuela|dasmarinas|bacoor|imus|santa rosa|calamba
    |batangas|lipa|jakarta|surabaya|bandung|medan|semarang|makassar|palembang|tangerang
    |depok|bekasi|bogor|yogyakarta|denpasar|malang|batam|pekanbaru|balikpapan|south jakarta
    |jakarta selatan|kuala lumpur|petaling jaya|penang|george town|johor bahru|singapore
    |bangkok|chiang mai|ho chi minh city|hanoi|da nang|saigon|mumbai|delhi|new delhi
    |bangalore|bengaluru|hyderabad|chennai|kolkata|pune|ahmedabad|jaipur|noida|gurgaon
    |gurugram|kochi|lucknow|chandigarh|karachi|lahore|islamabad|dhaka|colombo|beijing
    |shanghai|shenzhen|guangzhou|hangzhou|chengdu|wuhan|hong kong|taipei|tokyo|osaka|kyoto
    |yokohama|seoul|busan|sydney|melbourne|brisbane|perth|adelaide|canberra|auckland
    |wellington|christchurch|mexico city|ciudad de mexico|cdmx|guadalajara|monterrey|puebla
    |tijuana|leon|queretaro|merida|cancun|sao paulo|rio de janeiro|brasilia|salvador
    |fortaleza|belo horizonte|manaus|curitiba|recife|porto alegre|campinas|florianopolis
    |buenos aires|cordoba|rosario|mendoza|santiago|valparaiso|bogota|medellin|cali
    |barranquilla|cartagena|lima|arequipa|caracas|quito|guayaquil|montevideo|san jose
    |santo domingo|guatemala city|panama city|san salvador|johannesburg|cape town|durban
    |pretoria|lagos|abuja|ibadan|port harcourt|nairobi|mombasa|accra|kumasi|cairo|alexandria
    |casablanca|rabat|marrakech|tunis|algiers|dakar|abidjan|douala|yaounde|addis ababa
    |kampala|kigali|dar es salaam|dubai|abu dhabi|riyadh|jeddah|doha|tel aviv|jerusalem
    |beirut|amman|kuwait city|muscat"""
)

_LANGUAGES_RAW = """
English: english|anglais|englisch|ingles|engels|inggris|ingles|angol|inglese
French: french|francais|franzosisch|franzoesisch|frances|frances|frans|perancis|pranses|francese
German: german|allemand|deutsch|aleman|alemao|duits|jerman|aleman|tedesco
Spanish: spanish|espagnol|spanisch|espanol|castellano|espanhol|spaans|spanyol|espanyol|kastila|spagnolo
Portuguese: portuguese|portugais|portugiesisch|portugues|portugees|portugis|portoghese
Italian: italian|italien|italienisch|italiano|italiaans|italia
Dutch: dutch|neerlandais|niederlandisch|niederlaendisch|neerlandes|holandes|nederlands|belanda|flemish|flamand
Filipino: filipino|tagalog|pilipino|wikang filipino
Cebuano: cebuano|bisaya|visayan|binisaya
Ilocano: ilocano|ilokano|iloko
Hiligaynon: hiligaynon|ilonggo
Indonesian: indonesian|indonesien|indonesisch|indonesio|bahasa indonesia|indonesia
Malay: malay|bahasa melayu|bahasa malaysia|malais|malaiisch
Javanese: javanese|jawa|bahasa jawa|javanais
Sundanese: sundanese|sunda|bahasa sunda
Chinese: chinese|chinois|chinesisch|chino|chines|chinees|mandarin|mandarin chinese|cantonese|mandarin|putonghua|zhongwen|tionghoa|mandarijn
Japanese: japanese|japonais|japanisch|japones|japans|jepang|giapponese
Korean: korean|coreen|koreanisch|coreano|koreaans|korea
Vietnamese: vietnamese|vietnamien|vietnamesisch|vietnamita|vietnamees
Thai: thai|thailandais|thailandisch|tailandes
Hindi: hindi
Urdu: urdu|ourdou
Bengali: bengali|bangla
Tamil: tamil|tamoul
Telugu: telugu
Marathi: marathi
Punjabi: punjabi
Gujarati: gujarati
Malayalam: malayalam
Kannada: kannada
Arabic: arabic|arabe|arabisch|arabe|arabisch|arab|arabo|arabisch
Hebrew: hebrew|hebreu|hebraisch|hebreo|hebraico
Persian: persian|farsi|persan|persisch
Turkish: turkish|turc|turkisch|tuerkisch|turco|turks|turki
Russian: russian|russe|russisch|ruso|russo|russisch|rusia
Ukrainian: ukrainian|ukrainien|ukrainisch|ucraniano
Polish: polish|polonais|polnisch|polaco|polones|pools
Czech: czech|tcheque|tschechisch|checo
Slovak: slovak|slovaque|slowakisch
Hungarian: hungarian|hongrois|ungarisch|hungaro
Romanian: romanian|roumain|rumanisch|rumaenisch|rumano|romeno
Bulgarian: bulgarian|bulgare|bulgarisch|bulgaro
Serbian: serbian|serbe|serbisch|serbio
Croatian: croatian|croate|kroatisch|croata
Greek: greek|grec|griechisch|griego|grego|grieks
Swedish: swedish|suedois|schwedisch|sueco|zweeds|svenska
Norwegian: norwegian|norvegien|norwegisch|noruego|noors|norsk
Danish: danish|danois|danisch|daenisch|danes|deens|dansk
Finnish: finnish|finnois|finnisch|finlandes|fins|suomi
Icelandic: icelandic|islandais
Catalan: catalan|catala|katalanisch
Basque: basque|euskara|vasco|baskisch
Galician: galician|galego|gallego
Swahili: swahili|kiswahili
Yoruba: yoruba
Igbo: igbo
Hausa: hausa
Amharic: amharic
Zulu: zulu|isizulu
Afrikaans: afrikaans
Somali: somali
Luxembourgish: luxembourgish|luxembourgeois|luxemburgisch
Irish: irish|gaeilge
Welsh: welsh|gallois
Latin: latin|latein|latin
Sign language: sign language|asl|american sign language|langue des signes|lsf|gebardensprache|dgs
Creole: creole|haitian creole|kreyol|creole haitien
Nepali: nepali
Sinhala: sinhala|sinhalese
Burmese: burmese|myanmar
Khmer: khmer
Lao: lao|laotian
Mongolian: mongolian
Kazakh: kazakh
Uzbek: uzbek
Georgian: georgian
Armenian: armenian
Albanian: albanian
Lithuanian: lithuanian
Latvian: latvian
Estonian: estonian
Slovenian: slovenian|slovene
Maltese: maltese
Berber: berber|tamazight|kabyle
Wolof: wolof
Lingala: lingala
Kinyarwanda: kinyarwanda
Pashto: pashto
Kurdish: kurdish
Tetum: tetum
Waray: waray
Kapampangan: kapampangan|pampango
Bikol: bikol|bicolano
Pangasinan: pangasinan
"""
_LANGUAGES: dict[str, str] = {}
for _line in _LANGUAGES_RAW.strip().splitlines():
    _canon, _names = _line.split(":", 1)
    for _name in _names.split("|"):
        _LANGUAGES.setdefault(_name.strip(), _canon.strip())
_LANGUAGE_MAX_WORDS = max(len(k.split()) for k in _LANGUAGES)

_LEVEL_WORDS = _words(
    """native mother tongue first language fluent fluency proficient proficiency advanced
    intermediate upper lower pre-intermediate beginner basic elementary conversational working
    professional full limited business good excellent very fair notions notion bilingual bilingue
    langue maternelle courant courante lu ecrit parle scolaire debutant intermediaire avance
    avancee maternelle muttersprache fliessend flieBend fliessend verhandlungssicher gut gute sehr
    grundkenntnisse kenntnisse muttersprachlich erweitert nativo nativa lengua materna materna
    fluido fluida avanzado avanzada intermedio intermedia basico basica alto medio bajo nativo
    fluente avancado basico intermediario moedertaal vloeiend goed redelijk basis moeder
    taal penutur asli lancar aktif pasif dasar menengah mahir katutubo matatas and with level
    spoken written reading writing speaking a1 a2 b1 b2 c1 c2 ielts toefl toeic delf dalf
    goethe dele cefr jlpt n1 n2 n3 n4 n5 hsk score certified certificate"""
)

# --------------------------------------------------------------------------------------
# Skills vocabulary (data/skills.txt, read by hireloop.domain.skills), loaded once
# --------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[0-9a-z+#][0-9a-z+#.&'/\-]*[0-9a-z+#]|[0-9a-z+#]")
_DOTNET_RE = re.compile(r"(?<![\w.])\.net\b", re.IGNORECASE)


def _skill_tokens(text: str) -> list[str]:
    text = _DOTNET_RE.sub(" dotnet ", _fold(text).lower())
    return _TOKEN_RE.findall(text)


@dataclass
class _Vocabulary:
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)  # case-sensitive single words
    first_tokens: set[str] = field(default_factory=set)
    max_len: int = 1


def _load_vocabulary() -> _Vocabulary:
    vocab = _Vocabulary()
    for entry in skill_entries():
        for term in entry.exact:
            vocab.exact[term] = entry.name
        for term in entry.aliases:
            tokens = tuple(_skill_tokens(term))
            if not tokens:
                continue
            vocab.phrases.setdefault(tokens, entry.name)
            vocab.first_tokens.add(tokens[0])
            vocab.max_len = max(vocab.max_len, len(tokens))
    return vocab


_VOCAB = _load_vocabulary()
_EXACT_RE = (
    re.compile(
        r"(?<![\w+#.&'/-])("
        + "|".join(re.escape(k) for k in sorted(_VOCAB.exact, key=len, reverse=True))
        + r")(?![\w+#.&'-])"
    )
    if _VOCAB.exact
    else None
)


def _match_skills(text: str, out: dict[str, None]) -> None:
    tokens = _skill_tokens(text)
    phrases = _VOCAB.phrases
    firsts = _VOCAB.first_tokens
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        matched = 0
        if tok in firsts:
            for size in range(min(_VOCAB.max_len, n - i), 0, -1):
                canon = phrases.get(tuple(tokens[i : i + size]))
                if canon is not None:
                    out.setdefault(canon, None)
                    matched = size
                    break
        if not matched and "/" in tok:
            for part in tok.split("/"):
                canon = phrases.get((part,))
                if canon is not None:
                    out.setdefault(canon, None)
        i += matched or 1
    if _EXACT_RE is not None:
        for m in _EXACT_RE.finditer(text):
            out.setdefault(_VOCAB.exact[m.group(1)], None)


# --------------------------------------------------------------------------------------
# Contact details
# --------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
)
_PHONE_RE = re.compile(r"(?<![\w+/.])(?:\+|00)?\s?\(?\+?\d[\d\s().\-/]{5,22}\d(?![\w/])")
_PHONE_LABEL = re.compile(
    r"(?:phone|tel|tél|telephone|téléphone|mobile|mob|cell|cellphone|portable|handy|telefon"
    r"|telefono|teléfono|celular|movil|móvil|whatsapp|hp|no\. hp|gsm|contact no|contact number"
    r"|mobile no|tlp|telepono|numero|número|☎|📞|✆)",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"(?:(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub|profile)/[^\s|,;()<>]+"
    r"|(?:https?://)?(?:www\.)?github\.com/[^\s|,;()<>]+"
    r"|https?://[^\s|,;()<>]+"
    r"|www\.[^\s|,;()<>]+)",
    re.IGNORECASE,
)
_BARE_URL_RE = re.compile(
    r"(?<![@\w.\-])[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|io|dev|me|net|org|co|app|site|xyz"
    r"|page|tech|design|online|info|blog|fr|de|es|nl|ph|id|br|pt|uk|co\.uk|ca|au|eu|be|ch|it|mx)"
    r"(?:/[^\s|,;()<>]*)?(?![\w@])",
    re.IGNORECASE,
)
_SOCIAL_OTHER = (
    "twitter.com",
    "x.com",
    "facebook.com",
    "instagram.com",
    "tiktok.com",
    "youtube.com",
)
_PORTFOLIO_HOSTS = ("behance.net", "dribbble.com", "gitlab.com", "bitbucket.org", "medium.com")
_NAME_LABEL = re.compile(
    r"^(?:full name|name|nom(?: complet)?|nom et prenom|prenom et nom|nombre(?: completo)?|nome"
    r"(?: completo)?|naam|nama(?: lengkap)?|pangalan|vor- und nachname)\s*[:：]\s*",
    re.IGNORECASE,
)
_ADDRESS_LABEL = re.compile(
    r"^(?:address|location|city|based in|residence|adresse|lieu|ville|wohnort|anschrift|adresse"
    r"|direccion|dirección|ubicacion|ubicación|ciudad|endereco|endereço|cidade|adres|woonplaats"
    r"|alamat|domisili|tirahan|lokasyon)\s*[:：]\s*",
    re.IGNORECASE,
)
_DOC_TITLES = _phrases(
    """curriculum vitae|curriculum vitae et studiorum|resume|cv|c.v.|lebenslauf
    |tabellarischer lebenslauf|curriculo|curriculum|hoja de vida|daftar riwayat hidup
    |riwayat hidup|personal data sheet|bio-data|biodata|resume of|my resume
    |professional resume"""
)
_PARTICLES = _words(
    """van von der den de del della di da das dos do du la le el al bin binti bint ibn ben y e
    zu ter ten op het 't st. mac ap ould abu dela delos de los los las degli dei vom zum zur
    af"""
)
_NAME_STOP = (
    _TITLE_WORDS
    | _ORG_WORDS
    | {w for w in _LEGAL_SUFFIXES if len(w.strip(".")) > 3 or w in {"inc", "llc", "ltd", "plc"}}
    | _SCHOOL_WORDS
    | _DEPARTMENT_WORDS
    | _words(
        """curriculum vitae resume page phone email e-mail address mobile date birth nationality
        summary professional experience objective profile references available upon request
        contact skills personal information details data street road avenue tel city country
        senior junior lead principal software customer service sales web full stack frontend
        backend front back end data call center centre bpo nurse registered certified licensed
        and the of for with in to my our your at on by from new york thank you dear sir madam
        mr mrs ms dr prof herr frau monsieur madame seit since linkedin github portfolio
        website curriculum lebenslauf candidate applicant position job role hiring open
        marital status single married male female gender age religion birthday born
        available immediately years year experience cv"""
    )
)
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_]\.|[^\W\d_](?:[^\W\d_]|['’\-.](?=[^\W\d_]))*\.?)$")
_CJK_NAME = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,4}$")
_SPLIT_NAME_LINE = re.compile(r"\s+[|•·–—]\s+|\s+-\s+|\t|\s{3,}")


def _is_name_token(token: str) -> bool:
    if not _NAME_TOKEN.match(token):
        return False
    if token.lower() in _PARTICLES:
        return True
    return token[0].isupper()


_NAME_PART_SPLIT = re.compile(r"([\-'’])")


def _tidy_name_case(tokens: list[str]) -> list[str]:
    def title(tok: str) -> str:
        if tok.lower() in _PARTICLES:
            return tok.lower()
        parts = _NAME_PART_SPLIT.split(tok.lower())
        return "".join(p[:1].upper() + p[1:] if p not in "-'’" else p for p in parts)

    out = [title(t) for t in tokens]
    if out and out[0].islower():
        out[0] = out[0][:1].upper() + out[0][1:]
    return out


_DOC_TITLE_PREFIX = re.compile(
    r"^(?:curriculum vitae|resume|r[ée]sum[ée]|cv|lebenslauf|curr[íi]culo|hoja de vida"
    r"|daftar riwayat hidup)\s*(?:[:\-–—|]\s*|\s+(?:of|de|von|van)\s+|\s+)(?=\S)",
    re.IGNORECASE,
)


def _name_from_line(line: str) -> PersonName | None:
    text = _DOC_TITLE_PREFIX.sub("", line.strip())
    text = _NAME_LABEL.sub("", text).strip(" \t:;,|*•")
    if not text or len(text) > 70:
        return None
    if "@" in text or "http" in text or "www." in text or any(ch.isdigit() for ch in text):
        return None
    if _CJK_NAME.match(text.replace(" ", "")):
        return PersonName(full=text)
    key = _key(text)
    if key in _DOC_TITLES or _heading_kind(text) or _is_location(key):
        return None
    if key.startswith(("curriculum vitae", "resume", "cv ")):
        return None
    # "LAST, First" (the family name first, as many forms write it)
    if text.count(",") == 1:
        left, right = (p.strip() for p in text.split(","))
        lt, rt = left.split(), right.split()
        if (
            1 <= len(lt) <= 3
            and 1 <= len(rt) <= 3
            and all(_is_name_token(t) for t in lt + rt)
            and not (_words(_key(text).replace(",", " ")) & _NAME_STOP)
            and (left.isupper() or len(rt) <= 2)
            and not _is_location(_key(left))
        ):
            first = _tidy_name_case(rt) if right.isupper() else rt
            last = _tidy_name_case(lt) if left.isupper() else lt
            return PersonName(
                full=" ".join(first + last), first=" ".join(first), last=" ".join(last)
            )
        return None
    tokens = text.split()
    if not 2 <= len(tokens) <= 6:
        return None
    if not all(_is_name_token(t) for t in tokens):
        return None
    lowered = [_key(t).strip(".") for t in tokens]
    if set(lowered) & _NAME_STOP:
        return None
    core = [t for t in tokens if t.lower() not in _PARTICLES]
    if len(core) < 2 or tokens[-1].lower() in _PARTICLES:
        return None
    if text.isupper():
        tokens = _tidy_name_case(tokens)
    return _split_name(tokens)


def _split_name(tokens: list[str]) -> PersonName:
    full = " ".join(tokens)
    # A token in capitals among mixed-case ones is the family name ("Jean DUPONT", "ZHANG Wei").
    caps = [i for i, t in enumerate(tokens) if len(t.rstrip(".")) > 1 and t.isupper()]
    if caps and len(caps) < len(tokens):
        last = [tokens[i] for i in caps]
        first = [t for i, t in enumerate(tokens) if i not in caps]
        return PersonName(full=full, first=" ".join(first), last=" ".join(last))
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return PersonName(full=full, first=" ".join(tokens[:cut]), last=" ".join(tokens[cut:]))


_POSTCODE_TAIL = re.compile(r"\s*\d[\d\s\-]*$")


def _is_location(key: str) -> bool:
    """Is this (folded, lower-cased) text a place: a city, a country, "City, Country"…?"""
    key = key.strip(" .,;()")
    if not key:
        return False
    if key in _CITIES or key in _COUNTRIES or key in _REGION_NAMES or key in _LOCATION_MARKERS:
        return True
    parts = [p.strip() for p in key.split(",") if p.strip()]
    if len(parts) >= 2:
        tail = parts[-1]
        tail = _POSTCODE_TAIL.sub("", tail)  # "TX 75201"
        if tail in _COUNTRIES or tail in _STATE_CODES or tail in _REGION_NAMES or tail in _CITIES:
            return all(
                len(p.split()) <= 4
                and not any(ch.isdigit() for ch in p)
                and not any(
                    (w in _ORG_WORDS and w != "city") or w in _LEGAL_SUFFIXES for w in p.split()
                )
                for p in parts[:-1]
            )
    return False


def _country_code(location: str | None) -> str | None:
    if not location:
        return None
    parts = [p.strip() for p in _key(location).split(",")]
    for part in reversed(parts):
        if part in _COUNTRIES:
            return _COUNTRIES[part]
    return None


# --------------------------------------------------------------------------------------
# Lines, sections, entries
# --------------------------------------------------------------------------------------

_BULLET_RE = re.compile(
    r"^(?:[\u2022\u2023\u25e6\u2043\u2219•▪●◦■□➢➤►▶✓✔✗❖◆◇○*+·‣⁃]|[-–—](?=\s)|o(?=\s)|\d{1,2}[.)](?=\s))\s*"
)
_SENTENCE_VERBS = _words(
    """managed developed led handled responsible designed built implemented created maintained
    supported provided assisted achieved improved increased reduced delivered coordinated
    organized organised trained mentored conducted performed prepared processed resolved answered
    ensured worked collaborated participated drove launched owned oversaw supervised negotiated
    generated analyzed analysed monitored tested wrote drafted planned executed administered
    achieved exceeded served greeted operated installed repaired cleaned loaded delivered handled
    gestion developpement mise realisation suivi participation conception accompagnement
    encadrement animation redaction pilotage verantwortlich betreuung entwicklung durchfuhrung
    leitung unterstutzung mitarbeit aufbau erstellung gestion desarrollo atencion elaboracion
    implementacion apoyo gestao desenvolvimento atendimento elaboracao
    verantwoordelijk ontwikkeling beheer ondersteuning menangani mengelola bertanggung membuat
    melakukan ran built drove wrote made took set grew won taught sold kept met gave brought
    began spoke held oversaw led ran hired cut saved shipped fixed helped used"""
)
_FIELD_LABEL = re.compile(
    r"^(?P<label>company|employer|organization|organisation|firm|title|position|job title|role"
    r"|designation|dates?|period|duration|location|entreprise|societe|employeur|poste|fonction"
    r"|intitule|periode|lieu|firma|arbeitgeber|unternehmen|position|funktion|zeitraum|ort"
    r"|empresa|compania|cargo|puesto|periodo|lugar|ubicacion|empregador|funcao|werkgever|functie"
    r"|perusahaan|jabatan|posisi|kumpanya|posisyon|school|university|institution|degree|major"
    r"|field of study|diploma|ecole|etablissement|diplome|specialite|schule|hochschule|abschluss"
    r"|studiengang|fachrichtung|escuela|universidad|titulo|carrera|especialidad|instituicao|curso"
    r"|sekolah|universitas|jurusan|gelar)\s*[:：]\s*",
    re.IGNORECASE,
)
_LABEL_ROLE = {
    **dict.fromkeys(
        [
            "company",
            "employer",
            "organization",
            "organisation",
            "firm",
            "entreprise",
            "societe",
            "employeur",
            "firma",
            "arbeitgeber",
            "unternehmen",
            "empresa",
            "compania",
            "empregador",
            "werkgever",
            "perusahaan",
            "kumpanya",
        ],
        "employer",
    ),
    **dict.fromkeys(
        [
            "title",
            "position",
            "role",
            "designation",
            "poste",
            "fonction",
            "intitule",
            "funktion",
            "cargo",
            "puesto",
            "funcao",
            "functie",
            "jabatan",
            "posisi",
            "posisyon",
        ],
        "title",
    ),
    "job title": "title",
    **dict.fromkeys(
        [
            "school",
            "university",
            "institution",
            "ecole",
            "etablissement",
            "schule",
            "hochschule",
            "escuela",
            "universidad",
            "instituicao",
            "sekolah",
            "universitas",
        ],
        "school",
    ),
    **dict.fromkeys(["degree", "diploma", "diplome", "abschluss", "titulo", "gelar"], "degree"),
    **dict.fromkeys(
        [
            "major",
            "specialite",
            "studiengang",
            "fachrichtung",
            "carrera",
            "especialidad",
            "curso",
            "jurusan",
        ],
        "major",
    ),
    "field of study": "major",
    **dict.fromkeys(["location", "lieu", "ort", "lugar", "ubicacion"], "location"),
}
_FRAGMENT_SPLIT = re.compile(
    r"\s+[|•·–—‖¦/]\s+|\s*\|\s*|\s+[-‐−]\s+|\t+|\s{3,}|\s+(?P<at>at|@|chez|bei|bij|pada|for)\s+"
    r"|\s+(?P<weak>en|na|no|em|di|sa|in)\s+(?=[A-Z0-9])|(?<=[a-z]) @(?=[A-Z])"
)
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_STRIP_CHARS = " \t,;:|-–—•·()[]/*_"


@dataclass
class _Line:
    text: str
    folded: str
    kind: str = "head"  # head | desc
    span: _Span | None = None
    rest: str = ""


@dataclass
class _Entry:
    heads: list[_Line] = field(default_factory=list)
    span: _Span | None = None
    desc: list[str] = field(default_factory=list)


def _strip_bullet(text: str) -> tuple[str, bool]:
    m = _BULLET_RE.match(text)
    if m and m.end() < len(text):
        return text[m.end() :].strip(), True
    return text, False


_ED_NOT_VERBS = _words(
    """registered licensed certified qualified chartered accredited authorized authorised
    advanced experienced dedicated motivated skilled seasoned detailed integrated applied
    united red"""
)
_NUMBER_TOKEN = re.compile(
    r"(?<![\w.])(?:[$€£]\d[\d,.]*|\d[\d,.]*\s?(?:%|k\b|m\b|\+|x\b)|\d[\d,.]*\s+[a-z])"
)
_DESC_STARTERS = _words(
    """gestion utilisation formation participation developpement mise suivi realisation accueil
    conseil amelioration redaction animation encadrement traitement preparation elaboration
    creation analyse pilotage coordination betreuung unterstutzung unterstuetzung einarbeitung
    verbesserung durchfuhrung durchfuehrung erstellung tagliche taegliche entwicklung planung
    bearbeitung beratung pflege organisation atencion uso gestion reduccion apoyo elaboracion
    manejo atendimento treinamento apoio gestao reducao elaboracao dagelijks werken ondersteuning
    fuhrung fuehrung verantwortung koordination steuerung aufbau durchfuhrung betreuung
    begeleiding menangani mengelola melayani membantu bertanggung"""
)


def _is_desc(text: str, bullet: bool) -> bool:
    if bullet:
        return True
    words = text.split()
    if len(text) > 110 or len(words) > 16:
        return True
    if text.endswith((";", "!")) and len(words) >= 5:
        return True
    if text.endswith(".") and len(words) >= 5:
        last = words[-1]
        abbreviation = "." in last[:-1] or _key(last) in _LEGAL_SUFFIXES or len(last) <= 4
        if not abbreviation or len(words) >= 10:
            return True
    first = words[0] if words else ""
    if first[:1].islower() and first not in _PARTICLES and not first.startswith(("e-", "i")):
        return len(words) >= 4
    key = _key(first).strip(",:")
    if len(words) >= 3 and (key in _SENTENCE_VERBS or key in _DESC_STARTERS):
        return True
    if len(words) >= 5 and key.endswith("ed") and len(key) > 4 and key not in _ED_NOT_VERBS:
        return True
    # Numbers ("59 clients", "12 %", "$33k") are a description's, not a heading's.
    return bool(len(words) >= 5 and _NUMBER_TOKEN.search(_fold(text)))


_EMPTY_PARENS = re.compile(r"\(\s*\|?\s*\)")
_DATE_LABEL = re.compile(r"^(?:dates?|period|periode|zeitraum|periodo)\s*[:：]\s*", re.IGNORECASE)


_TRAILING_CONNECTOR = re.compile(
    r"(?:\s(?:of|de|do|da|das|dos|du|des|del|della|der|die|fur|für|van|von|and|&|y|e|et|und|en"
    r"|for|the|la|le|el|at|in|zu|zur|zum)|[-–,/])$",
    re.IGNORECASE,
)
_LEADING_CONNECTOR = re.compile(
    r"^(?:of|de|do|da|das|dos|du|des|del|della|der|für|fur|van|von|and|&|y|e|et|und|zu|zur|zum"
    r"|la|le|el|the)\s+\S",
)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Undo line wrapping inside names: "Manipal Institute of" + "Technology"."""
    out: list[str] = []
    for line in lines:
        if out:
            prev = out[-1]
            if (
                len(prev) < 110
                and len(line) < 60
                and not _BULLET_RE.match(line)
                and not _heading_kind(line)
                and (_TRAILING_CONNECTOR.search(prev) or _LEADING_CONNECTOR.match(line))
                and not _BULLET_RE.match(prev)
                and len(prev.split()) + len(line.split()) <= 18
            ):
                out[-1] = f"{prev} {line}"
                continue
        out.append(line)
    return out


def _classify_lines(lines: list[str], month_first: bool) -> list[_Line]:
    out: list[_Line] = []
    prev: _Line | None = None
    for raw in _join_wrapped(lines):
        text, bullet = _strip_bullet(raw)
        if (
            not bullet
            and prev is not None
            and prev.kind == "desc"
            and prev.span is None
            and text[:1].islower()
            and not prev.text.endswith((".", "!", "?"))
            and not _RANGE.search(_fold(text))
        ):
            prev.text = f"{prev.text} {text}"  # a wrapped description line
            continue
        folded = _fold(text)
        line = _Line(text=text, folded=folded)
        span, a, b = (None, -1, -1)
        if not bullet or len(text) < 60:
            span, a, b = _find_dates(folded, month_first)
        if span is not None:
            rest = (text[:a] + " | " + text[b:]).strip()
            rest = _DURATION.sub(" ", rest)
            rest = _EMPTY_PARENS.sub(" ", rest)
            rest = _DATE_LABEL.sub("", rest.strip(" |"))
            rest = rest.strip(_STRIP_CHARS)
            if span.single and (_is_desc(text, bullet) or len(rest) > 70):
                span = None
            elif not span.single or len(rest) <= 70:
                line.span, line.rest = span, rest
        if line.span is None:
            line.rest = text
            line.kind = "desc" if _is_desc(text, bullet) else "head"
        out.append(line)
        prev = line
    return out


def _group_entries(lines: list[_Line], merge_undated: bool = False) -> list[_Entry]:
    """Cut a section into entries: runs of heading lines, each followed by its description."""
    blocks: list[tuple[list[_Line], list[str]]] = []
    heads: list[_Line] = []
    desc: list[str] = []
    for line in lines:
        if line.kind == "desc":
            if not heads and not blocks:
                heads.append(line)  # a section that starts with prose: keep it as a head
                line.kind = "head"
                continue
            desc.append(line.text)
        else:
            if desc and heads:
                blocks.append((heads, desc))
                heads, desc = [], []
            elif desc and not heads:
                if blocks:
                    blocks[-1][1].extend(desc)
                desc = []
            heads.append(line)
    if heads:
        blocks.append((heads, desc))

    if merge_undated and any(ln.span is not None for hs, _ in blocks for ln in hs):
        # Among dated jobs, an undated run of short lines is a description written without
        # bullets ("Introduced Python to the team"), not a job of its own.
        merged: list[tuple[list[_Line], list[str]]] = []
        for hs, ds in blocks:
            if merged and all(ln.span is None for ln in hs):
                merged[-1][1].extend([ln.text for ln in hs] + ds)
            else:
                merged.append((hs, ds))
        blocks = merged

    # Where does the date line sit in an entry? Learn it from the blocks that have one entry.
    entries: list[_Entry] = []
    date_first_votes = 0
    for hs, _ in blocks:
        dated = [i for i, ln in enumerate(hs) if ln.span is not None]
        if len(dated) == 1 and len(hs) > 1:
            date_first_votes += 1 if dated[0] == 0 else -1
    for hs, ds in blocks:
        dated = [i for i, ln in enumerate(hs) if ln.span is not None]
        groups = [hs] if len(dated) <= 1 else _split_block(hs, dated, date_first_votes)
        for gi, group in enumerate(groups):
            entry = _Entry(heads=group)
            for ln in group:
                if ln.span is not None:
                    entry.span = ln.span
                    break
            if gi == len(groups) - 1:
                entry.desc = ds
            entries.append(entry)
    return entries


def _split_block(hs: list[_Line], dated: list[int], date_first_votes: int) -> list[list[_Line]]:
    k = len(dated)
    n = len(hs)
    if dated[0] == 0 or (date_first_votes > 0 and dated[-1] != n - 1):
        cuts = dated  # each entry starts at its date line
    elif dated[-1] == n - 1:
        cuts = [0] + [d + 1 for d in dated[:-1]]  # each entry ends with its date line
    elif n % k == 0 and all(d - i * (n // k) == dated[0] for i, d in enumerate(dated)):
        size = n // k
        cuts = [i * size for i in range(k)]
    else:
        cuts = [0] + [d + 1 for d in dated[:-1]]
    cuts = sorted(set(cuts))
    if cuts[0] != 0:
        cuts[0] = 0
    return [hs[a:b] for a, b in zip(cuts, [*cuts[1:], n], strict=True) if hs[a:b]]


# --------------------------------------------------------------------------------------
# Fragments and their roles
# --------------------------------------------------------------------------------------


@dataclass
class _Frag:
    text: str
    line: int
    order: int
    after_at: bool = False
    before_at: bool = False
    label: str | None = None
    tail: bool = False  # came after a comma or inside parentheses ("Acme, Springfield")


def _merge_commas(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        p = part.strip()
        if not p:
            continue
        k = _key(p)
        if out and (
            k in _LEGAL_SUFFIXES
            or k.rstrip(".") in _LEGAL_SUFFIXES
            or (
                len(k.split()) <= 3
                and all(w in _DEPARTMENT_WORDS for w in k.split())
                and _title_score(out[-1]) > 0
            )
            or (
                (k in _STATE_CODES or k in _COUNTRIES or k in _REGION_NAMES)
                and (k not in _CITIES or _key(out[-1]) in _CITIES)
                and _is_location(_key(out[-1]) + ", " + k)
            )
        ):
            out[-1] = out[-1] + ", " + p
        else:
            out.append(p)
    return out


def _fragments(lines: list[_Line], jobs: bool = True) -> list[_Frag]:
    frags: list[_Frag] = []
    order = 0
    for li, line in enumerate(lines):
        text = line.rest
        if not text:
            continue
        label = None
        m = _FIELD_LABEL.match(_fold(text))
        if m:
            label = _LABEL_ROLE.get(m.group("label").lower())
            text = text[m.end() :]
        pieces: list[tuple[str, bool, bool]] = []
        pos = 0
        at_next = False
        for sm in _FRAGMENT_SPLIT.finditer(text):
            piece = text[pos : sm.start()]
            is_at = bool(sm.group("at"))
            weak = sm.group("weak")
            if weak and (not jobs or not _weak_split_ok(piece, text[sm.end() :], weak)):
                continue
            if is_at and (not jobs or _school_score(piece) > 0):
                continue  # "University of Texas at Austin"
            pieces.append((piece, at_next, is_at or bool(weak)))
            at_next = is_at or bool(weak)
            pos = sm.end()
        pieces.append((text[pos:], at_next, False))
        for piece, after_at, before_at in pieces:
            inner = _PAREN_RE.findall(piece)
            piece_out = _PAREN_RE.sub(" ", piece)
            subs = _merge_commas(piece_out.split(","))
            for si, sub in enumerate([*subs, *inner]):
                sub = " ".join(sub.split()).strip(_STRIP_CHARS)
                if not sub or _is_noise(sub):
                    continue
                frags.append(_Frag(sub, li, order, after_at, before_at, label, tail=si > 0))
                order += 1
    return frags


def _weak_split_ok(left: str, right: str, word: str) -> bool:
    left_words = _key(left).split()
    if not left_words:
        return False
    if word == "in":
        return False
    return _title_score(left) > 0 and _title_score(right) == 0


_NOISE = {
    "present",
    "current",
    "and",
    "et",
    "und",
    "y",
    "e",
    "full-time",
    "part-time",
    "full time",
    "part time",
    "contract",
    "internship",
    "freelance",
    "temporary",
    "cdi",
    "cdd",
    "stage",
    "alternance",
    "interim",
    "vollzeit",
    "teilzeit",
    "jornada completa",
    "tiempo completo",
    "self-employed",
    "seasonal",
    "permanent",
    "remote",
}


def _is_noise(text: str) -> bool:
    return _key(text) in _NOISE or not any(ch.isalpha() for ch in text)


def _title_score(text: str) -> float:
    words = [w.strip(".,()") for w in _key(text).replace("/", " ").split()]
    words = [w for w in words if w and w not in {"(m/w/d)", "m/w/d", "h/f", "f/h", "m/f"}]
    if not words:
        return 0.0
    score = 0.0
    if words[-1] in _TITLE_WORDS or words[-1].endswith(_TITLE_SUFFIXES):
        score = 2.0
    elif words[0] in _TITLE_WORDS and len(words) > 1:
        score = 2.0  # "Asesor comercial", "Chef de projet", "Head of Sales"
    elif words[0] in _TITLE_HEAD_WORDS and len(words) > 1:
        score = 1.8
    elif any(w in _TITLE_WORDS for w in words) or any(
        len(w) > 8 and w.endswith(_TITLE_SUFFIXES) for w in words
    ):
        score = 1.0
    if score and len(words) > 7:
        score -= 0.5
    return score


_CAMEL = re.compile(r"[a-z][A-Z]")


def _company_score(text: str) -> float:
    raw_words = text.split()
    words = [w.strip(",()") for w in _key(text).split()]
    if not words:
        return 0.0
    score = 0.0
    last = words[-1]
    if (
        last in _LEGAL_SUFFIXES
        or last.rstrip(".") in _LEGAL_SUFFIXES
        or words[0] in _ORG_PREFIXES
        and len(words) > 1
        and raw_words[0].isupper()
    ):
        score = 3.0
    elif last in _ORG_WORDS or any(w in _ORG_WORDS for w in words):
        score = 2.0 if last in _ORG_WORDS else 1.5
        if words[0] in _TITLE_WORDS and len(words) > 1:
            score = 0.5  # "Gerente de tienda", "Auxiliar de logística": a title
        elif last in _TITLE_WORDS:
            score = 0.5
    elif "&" in text or "." in raw_words[-1][1:-1]:
        score = 0.8
    if not score and len(raw_words) == 1 and raw_words[0].isupper() and len(raw_words[0]) >= 2:
        score = 1.0
    if not score and len(raw_words) == 1 and _CAMEL.search(raw_words[0]):
        score = 0.8  # "PayPal", "LinkedIn", "McKinsey"
    return score


def _looks_like_place(text: str) -> bool:
    return _is_location(_key(text))


@dataclass
class _Roles:
    title: str | None = None
    employer: str | None = None
    location: str | None = None
    title_first: bool | None = None
    confident: bool = False


def _assign_job_roles(frags: list[_Frag], prefer_title_first: bool | None) -> _Roles:
    roles = _Roles()
    pool: list[_Frag] = []
    places: list[_Frag] = []
    for f in frags:
        if f.label == "location" or (f.label is None and _looks_like_place(f.text)):
            places.append(f)
            if roles.location is None:
                roles.location = f.text
            continue
        if f.label == "title" and roles.title is None:
            roles.title = f.text
            continue
        if f.label == "employer" and roles.employer is None:
            roles.employer = f.text
            continue
        pool.append(f)
    if (
        len(places) >= 2
        and not any(f.label == "employer" for f in frags)
        and not (
            places[1].tail
            and places[1].line == places[0].line
            and _key(places[1].text) not in _CITIES
        )
    ):
        # Two places in one heading: the first is an employer named like a city
        # ("Liverpool, Ciudad de México").
        first_place = places[0]
        pool.insert(0, first_place)
        roles.location = places[1].text
    if not pool:
        return roles
    ts = {id(f): _title_score(f.text) for f in pool}
    cs = {id(f): _company_score(f.text) for f in pool}
    for f in pool:
        if f.before_at:
            ts[id(f)] += 1.5
        if f.after_at:
            cs[id(f)] += 1.5
    title_f = employer_f = None
    if roles.title is None:
        cands = [f for f in pool if ts[id(f)] > 0 and ts[id(f)] > cs[id(f)]]
        if cands:
            title_f = max(cands, key=lambda f: (ts[id(f)] - cs[id(f)], -f.order))
    if roles.employer is None:
        cands = [f for f in pool if f is not title_f and cs[id(f)] > 0 and cs[id(f)] >= ts[id(f)]]
        if cands:
            employer_f = max(cands, key=lambda f: (cs[id(f)] - ts[id(f)], -f.order))
    rest = [f for f in pool if f is not title_f and f is not employer_f]
    roles.confident = title_f is not None and employer_f is not None
    if title_f is not None and employer_f is None and roles.employer is None and rest:
        employer_f = _pick_other(rest, title_f)
        rest.remove(employer_f)
    elif employer_f is not None and title_f is None and roles.title is None and rest:
        title_f = _pick_other(rest, employer_f)
        rest.remove(title_f)
    elif title_f is None and employer_f is None and rest:
        if roles.title is not None and roles.employer is None:
            employer_f = rest.pop(0)
        elif roles.employer is not None and roles.title is None:
            title_f = rest.pop(0)
        elif roles.title is None and roles.employer is None:
            first = rest.pop(0)
            second = rest.pop(0) if rest else None
            if prefer_title_first is None and second is not None:
                lean = _title_lean(first) - _title_lean(second)
                if lean:
                    prefer_title_first = lean > 0
            if prefer_title_first is False:
                employer_f, title_f = first, second
            else:
                title_f, employer_f = first, second
    if title_f is not None:
        roles.title = title_f.text
    if employer_f is not None:
        roles.employer = employer_f.text
    if title_f is not None and employer_f is not None:
        roles.title_first = title_f.order < employer_f.order
    if roles.location is None:
        for f in rest:
            words = f.text.split()
            if len(words) <= 3 and all(w[:1].isupper() for w in words) and f.order > 0:
                roles.location = f.text
                break
    return roles


def _pick_other(rest: list[_Frag], anchor: _Frag) -> _Frag:
    """The fragment that goes with ``anchor``: an "at" neighbour, else the nearest fragment
    that heads its line (a place comes after a comma: "Walmart, Springfield")."""
    for f in rest:
        if f.after_at or f.before_at:
            return f
    return min(rest, key=lambda f: (f.tail, abs(f.order - anchor.order), f.order))


def _title_lean(frag: _Frag) -> float:
    """Weak hints, for two fragments nothing else tells apart: a title is a phrase with
    lower-case words ("Cientista de dados"); an employer heads a line that names its city."""
    lean = 0.0
    words = frag.text.split()
    if any(w[:1].islower() and len(w) > 3 and w.lower() not in _PARTICLES for w in words[1:]):
        lean += 1.0
    if frag.tail:
        lean += 0.5
    return lean


# --------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------


def _school_score(text: str) -> float:
    words = [w.strip(",()") for w in _key(text).replace("-", " ").split()]
    if any(w in _SCHOOL_WORDS for w in words):
        found = _find_degree(text)
        if found is not None and not found[1] and _key(found[0]) == _key(text):
            return 0.0  # "SMA", "HBO": the degree, not a school's name
        return 2.0
    if any(w.endswith(("schule", "universitat", "hochschule")) for w in words):
        return 2.0
    return 0.0


def _find_degree(text: str) -> tuple[str, str] | None:
    """(degree, major) if ``text`` holds a degree name."""
    folded = _fold(text)
    for m in _DEGREE_RE.finditer(folded):
        found = text[m.start() : m.end()].strip()
        weak = _key(found).replace(".", "") in _WEAK_DEGREES
        at_start = m.start() == 0
        trusted = at_start and (
            found.isupper()
            or "." in found
            or (found[:1].isupper() and _key(found) in {"grado", "titulo"})
        )
        if weak and not trusted:
            continue
        before = text[: m.start()].strip(_STRIP_CHARS)
        after = text[m.end() :].strip()
        prev = after
        while True:
            after = _DEGREE_CONNECTOR.sub("", after, count=1).strip()
            if after == prev:
                break
            prev = after
        after = after.strip(_STRIP_CHARS)
        if before and m.start() > 0:
            if before.endswith("(") or text[m.start() - 1 : m.start()] == "(":
                major = before
            elif _key(before) in {"diplome", "diplom"}:
                found = text[: m.end()].strip()
                major = after
            else:
                continue
        else:
            major = after
        return found, major
    return None


def _assign_school_roles(frags: list[_Frag]) -> Schooling:
    school = degree = major = None
    for f in frags:
        if f.label == "school":
            school = school or f.text
        elif f.label == "degree":
            degree = degree or f.text
        elif f.label == "major":
            major = major or f.text
    rest: list[_Frag] = []
    for f in frags:
        if f.label in {"school", "degree", "major"}:
            continue
        if f.label == "location" or _looks_like_place(f.text):
            continue
        if school is None and _school_score(f.text) > 0:
            found = _find_degree_strict(f.text)
            if (
                found is None
                or _key(found[0]) in _SCHOOL_WORDS
                or found[0] == f.text[: len(found[0])]
                and _school_score(found[1]) > 0
            ):
                school = f.text
                continue
        if degree is None:
            found = _find_degree(f.text)
            if found is not None and _school_score(found[1]) == 0:
                degree = found[0]
                if found[1] and major is None:
                    major = found[1]
                continue
        rest.append(f)
    if school is None:
        for f in rest:
            if _school_score(f.text) > 0:
                school = f.text
                rest.remove(f)
                break
    if major is None and degree is not None:
        for f in rest:
            if _company_score(f.text) == 0 and len(f.text.split()) <= 6:
                major = f.text
                rest.remove(f)
                break
    if school is None and rest and (degree is not None or major is not None):
        cand = rest[0]
        if len(cand.text.split()) <= 8:
            school = cand.text
    return Schooling(school=school, degree=degree, major=major)


def _find_degree_strict(text: str) -> tuple[str, str] | None:
    found = _find_degree(text)
    if found is None:
        return None
    # "University of X" never holds a degree name; "MSc, University of X" does.
    if _key(found[0]) in _WEAK_DEGREES:
        return None
    return found


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


@dataclass
class _Section:
    kind: str
    heading: str
    lines: list[str] = field(default_factory=list)


def _split_sections(lines: list[str]) -> list[_Section]:
    sections = [_Section("header", "")]
    for line in lines:
        kind = _heading_kind(line)
        if kind:
            sections.append(_Section(kind, line))
            continue
        m = _LABEL_LINE.match(line)
        if m:
            label_kind = _heading_kind(m.group(1))
            if label_kind in {"skills", "languages", "certifications", "summary"}:
                # "Languages: English, French" — one line of another section.
                sections.append(_Section(label_kind, m.group(1), [m.group(2)]))
                sections.append(_Section(sections[-2].kind, "", []))
                continue
        sections[-1].lines.append(line)
    return [s for s in sections if s.lines or s.kind != "header" or s is sections[0]]


def parse_resume(text: str, *, default_region: str | None = None) -> ParsedResume:
    """Structured fields of a résumé's text. What is not found is left absent."""
    warnings: list[str] = []
    lines = _load_lines(text or "")
    sections = _split_sections(lines)
    by_kind: dict[str, list[_Section]] = {}
    for s in sections:
        by_kind.setdefault(s.kind, []).append(s)
    header_lines = [ln for s in sections if s.kind in {"header", "contact"} for ln in s.lines]

    name = _find_name(sections)
    if name is None:
        warnings.append("name not found")

    email = None
    m = _EMAIL_RE.search(text or "")
    if m:
        email = normalize_email(m.group(0).rstrip("."))
    else:
        warnings.append("email not found")

    location = _find_location(header_lines)
    region = default_region or _country_code(location)
    phone, phone_e164 = _find_phone(sections, region, warnings)

    links = _find_links(text or "", header_lines)

    month_first = (default_region or region or "").upper() in _MONTH_FIRST_REGIONS
    employment = [
        p
        for s in by_kind.get("experience", [])
        for p in _parse_positions(s.lines, month_first, warnings)
    ]
    education = [
        e
        for s in by_kind.get("education", [])
        for e in _parse_schooling(s.lines, month_first, warnings)
    ]
    if not by_kind.get("experience"):
        warnings.append("no employment section found")
    if not by_kind.get("education"):
        warnings.append("no education section found")

    skills: dict[str, None] = {}
    for s in by_kind.get("skills", []):
        _match_skills("\n".join(s.lines), skills)
    for s in sections:
        if s.kind in {"summary", "other", "certifications"}:
            _match_skills("\n".join(s.lines), skills)
    for position in employment:  # titles and descriptions, not employer names ("Salesforce")
        _match_skills(f"{position.title or ''}\n{position.description or ''}", skills)

    languages: list[str] = []
    for s in by_kind.get("languages", []):
        for lang in _parse_languages(s.lines):
            if lang not in languages:
                languages.append(lang)

    certifications: list[str] = []
    for s in by_kind.get("certifications", []):
        for cert in _parse_certifications(s.lines):
            if cert not in certifications:
                certifications.append(cert)

    summary = None
    summ = by_kind.get("summary")
    if summ:
        summary = " ".join(" ".join(_strip_bullet(ln)[0] for ln in s.lines) for s in summ).strip()
        summary = summary or None
    else:
        prose = [ln for ln in by_kind["header"][0].lines if len(ln.split()) >= 12 and "@" not in ln]
        if prose:
            summary = " ".join(prose)

    return ParsedResume(
        name=name,
        email=email,
        phone=phone,
        phone_e164=phone_e164,
        location=location,
        links=links,
        summary=summary,
        employment=employment,
        education=education,
        skills=list(skills),
        languages=languages,
        certifications=certifications,
        warnings=warnings,
        parser_version=PARSER_VERSION,
    )


def _find_name(sections: list[_Section]) -> PersonName | None:
    first_lines: list[str] = []
    for s in sections:
        if s.kind in {"header", "contact"}:
            first_lines.extend(s.lines[:12])
    for line in first_lines:
        if _NAME_LABEL.match(line):
            name = _name_from_line(line)
            if name:
                return name
    for i, line in enumerate(first_lines):
        for candidate in _name_candidates(line):
            name = _name_from_line(candidate)
            if name:
                return name
        # A name set in two lines, "MARIA" / "SANTOS"
        if i + 1 < len(first_lines):
            a, b = line.strip(), first_lines[i + 1].strip()
            if len(a.split()) == 1 and len(b.split()) == 1:
                name = _name_from_line(f"{a} {b}")
                if name:
                    return name
    # Two-column layouts can put the name after a sidebar: look once more, only at short
    # lines outside the experience and education sections, near the top.
    seen = 0
    for s in sections:
        if s.kind in {"experience", "education"}:
            continue
        for line in s.lines:
            seen += 1
            if seen > 40:
                return None
            name = _name_from_line(line) if _NAME_LABEL.match(line) else None
            if name:
                return name
    return None


def _name_candidates(line: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT_NAME_LINE.split(line) if p.strip()]
    if len(parts) > 1:
        if _key(parts[0]) in _DOC_TITLES and len(parts) > 1:
            return [parts[1]]  # "Curriculum Vitae – Jane Doe"
        return [parts[0]]
    return [line]


_HEADER_SPLIT = re.compile(r"\s*[|•·]\s*|\t|\s{3,}|\s+[-–—]\s+")


def _find_location(header_lines: list[str]) -> str | None:
    for line in header_lines:
        m = _ADDRESS_LABEL.match(_fold(line))
        if m:
            value = line[m.end() :].strip()
            if value:
                return value
    for line in header_lines:
        if "@" in line and len(line.split()) == 1:
            continue
        for part in _HEADER_SPLIT.split(line):
            part = part.strip(_STRIP_CHARS)
            if part and "@" not in part and _is_location(_key(part)):
                return part
    return None


_YEAR_PAIR = re.compile(r"(?:19|20)\d{2}\s*[-–/]\s*(?:19|20)\d{2}")


def _find_phone(
    sections: list[_Section], region: str | None, warnings: list[str]
) -> tuple[str | None, str | None]:
    ordered: list[str] = []
    for s in sections:
        if s.kind in {"header", "contact"}:
            ordered.extend(s.lines)
    for s in sections:
        if s.kind not in {"header", "contact", "experience", "education"}:
            ordered.extend(s.lines)
    best: tuple[int, str] | None = None
    for index, line in enumerate(ordered):
        for m in _PHONE_RE.finditer(line):
            raw = m.group(0).strip()
            digits = sum(ch.isdigit() for ch in raw)
            if not 7 <= digits <= 15:
                continue
            folded = _fold(raw)
            if _RANGE.search(folded) and not raw.startswith("+"):
                continue
            if _YEAR_PAIR.fullmatch(raw):
                continue
            labelled = bool(_PHONE_LABEL.search(line[: m.start()])) or raw.startswith(("+", "00"))
            rank = (0 if labelled else 1) * 1000 + index
            if best is None or rank < best[0]:
                best = (rank, raw)
    if best is None:
        warnings.append("phone not found")
        return None, None
    raw = best[1]
    e164 = normalize_phone(raw, region)
    if e164 is None:
        if not raw.startswith(("+", "00")) and region is None:
            warnings.append(f"phone {raw!r} has no country code and no default region was given")
        else:
            warnings.append(f"phone {raw!r} is not a possible number")
    return raw, e164


def _has_url_marker(low: str) -> bool:
    return "linkedin" in low or "github" in low or "http" in low or "www." in low


def _find_links(text: str, header_lines: list[str]) -> Links:
    links = Links()
    header_text = "\n".join(header_lines)
    seen: set[str] = set()
    # _URL_RE only on the lines that can hold one of its links (no match spans lines):
    # scanning the whole CV with it cost ~0.1 ms.
    url_lines = [line for line in text.split("\n") if _has_url_marker(line.lower())]
    sources = []
    if url_lines:
        sources.append(("\n".join(url_lines), _URL_RE))
    sources.append((header_text, _BARE_URL_RE))
    for source, regex in sources:
        strict = regex is _URL_RE
        for m in regex.finditer(source):
            url = m.group(0).rstrip(".,;:)")
            low = url.lower()
            bare = (
                not low.startswith(("http://", "https://", "www.")) and "linkedin.com/" not in low
            )
            bare = bare and "github.com/" not in low
            if bare and strict:
                continue  # a bare domain counts only in the header ("janedoe.dev")
            if bare and (
                _skill_tokens(url)[0] in _VOCAB.first_tokens
                and tuple(_skill_tokens(url)) in _VOCAB.phrases
            ):
                continue
            if "@" in source[max(0, m.start() - 1) : m.start()]:
                continue
            if not low.startswith(("http://", "https://")):
                url = "https://" + url
            norm = url.lower().rstrip("/")
            if norm in seen:
                continue
            seen.add(norm)
            if "linkedin.com/" in low:
                links.linkedin = links.linkedin or url
            elif "github.com/" in low:
                host_path = low.split("github.com/", 1)[1]
                if links.github is None and host_path.strip("/"):
                    links.github = url
                else:
                    links.other.append(url)
            elif any(h in low for h in _SOCIAL_OTHER):
                links.other.append(url)
            elif links.portfolio is None:
                links.portfolio = url
            else:
                links.other.append(url)
    return links


def _parse_positions(lines: list[str], month_first: bool, warnings: list[str]) -> list[Position]:
    classified = _classify_lines(lines, month_first)
    entries = _group_entries(classified, merge_undated=True)
    results: list[tuple[_Entry, _Roles, list[_Frag]]] = []
    votes = 0
    for entry in entries:
        frags = _fragments(entry.heads)
        roles = _assign_job_roles(frags, None)
        if roles.confident and roles.title_first is not None:
            votes += 1 if roles.title_first else -1
        results.append((entry, roles, frags))
    prefer = None if votes == 0 else votes > 0
    positions: list[Position] = []
    for entry, roles, frags in results:
        if not roles.confident and prefer is not None:
            roles = _assign_job_roles(frags, prefer)
        if roles.title is None and roles.employer is None:
            continue
        inherited = False
        if (
            roles.employer is None
            and positions
            and positions[-1].employer
            and len([f for f in frags if f.text not in (roles.title, roles.location)]) == 0
        ):
            # A second role under the same employer heading: "Infosys" / "Senior Analyst
            # (2021 – now)" / "Analyst (2018 – 2021)".
            roles.employer = positions[-1].employer
            inherited = True
        span = entry.span
        if span is None:
            warnings.append(f"no dates for position {_describe(roles.title, roles.employer)}")
        elif span.start is None:
            warnings.append(f"could not read the dates of {_describe(roles.title, roles.employer)}")
        if roles.employer is None:
            warnings.append(f"no employer found for {_describe(roles.title, None)}")
        elif roles.title is None:
            warnings.append(f"no job title found for {_describe(None, roles.employer)}")
        elif not roles.confident and not inherited:
            warnings.append(
                f"employer and title guessed from their order in {_describe(roles.title, roles.employer)}"
            )
        start = span.start if span else None
        end = span.end if span else None
        if span is not None and span.single:
            end = start
        if start and end and end < start:
            warnings.append(
                f"end date before start date in {_describe(roles.title, roles.employer)}"
            )
        description = "\n".join(entry.desc).strip() or None
        positions.append(
            Position(
                employer=roles.employer,
                title=roles.title,
                location=roles.location,
                start=start,
                end=end,
                current=bool(span and span.current),
                description=description,
            )
        )
    return positions


def _describe(title: str | None, employer: str | None) -> str:
    return repr(" @ ".join(p for p in (title, employer) if p) or "?")


def _parse_schooling(lines: list[str], month_first: bool, warnings: list[str]) -> list[Schooling]:
    classified = _classify_lines(lines, month_first)
    entries = _group_entries(classified)
    out: list[Schooling] = []
    for entry in entries:
        for part in _split_school_entry(entry):
            frags = _fragments(part.heads, jobs=False)
            school = _assign_school_roles(frags)
            if school.school is None and school.degree is None:
                continue
            span = part.span
            if span is not None:
                if span.single:
                    school.end = span.start
                else:
                    school.start, school.end = span.start, span.end
            out.append(school)
    return out


def _split_school_entry(entry: _Entry) -> list[_Entry]:
    """Undated lines "Degree, School" one after another are one schooling each."""
    if len(entry.heads) <= 1:
        return [entry]
    parts: list[_Entry] = []
    current = _Entry()
    has_school = has_degree = False
    for line in entry.heads:
        frags = _fragments([line], jobs=False)
        line_school = any(_school_score(f.text) > 0 for f in frags)
        line_degree = any(
            _school_score(f.text) == 0 and _find_degree_strict(f.text) is not None for f in frags
        )
        if (
            current.heads
            and ((line_school and has_school) or (line_degree and has_degree and not line_school))
            and (line.span is None or current.span is None)
        ):
            parts.append(current)
            current = _Entry()
            has_school = has_degree = False
        current.heads.append(line)
        if line.span is not None and current.span is None:
            current.span = line.span
        has_school |= line_school
        has_degree |= line_degree
    parts.append(current)
    if len(parts) > 1 and entry.span is not None:
        for p in parts:
            if p.span is None and len(parts) == 1:
                p.span = entry.span
    return parts


_LANG_SPLIT = re.compile(r"[,;|•·/\n]|\s+(?:and|et|und|y|e|en|dan|at)\s+|\s{2,}|\t")
_LANG_LEVEL = re.compile(r"\s*(?:[(:\-–—]|\s-\s).*$")


def _parse_languages(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text, _ = _strip_bullet(line)
        for item in _LANG_SPLIT.split(text):
            item = _PAREN_RE.sub(" ", item or "")
            item = _LANG_LEVEL.sub("", item).strip(_STRIP_CHARS)
            if not item:
                continue
            key = _key(item)
            words = key.split()
            found = None
            for size in range(min(_LANGUAGE_MAX_WORDS, len(words)), 0, -1):
                for start in range(0, len(words) - size + 1):
                    cand = " ".join(words[start : start + size])
                    if cand in _LANGUAGES:
                        found = _LANGUAGES[cand]
                        break
                if found:
                    break
            if found is None:
                kept = [
                    w for w, k in zip(item.split(), words, strict=False) if k not in _LEVEL_WORDS
                ]
                if len(kept) == 1 and kept[0][:1].isupper() and kept[0].isalpha():
                    found = kept[0]
            if found and found not in out:
                out.append(found)
    return out


_CERT_DATE_TAIL = re.compile(
    r"[\s,(–—\-|]*(?:issued|obtained|valid|expires?|since|obtenu|erhalten)?\s*$"
)


def _parse_certifications(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        text, _ = _strip_bullet(line)
        folded = _fold(text)
        span, a, b = _find_dates(folded, False)
        if span is not None:
            text = (text[:a] + " " + text[b:]).strip()
        text = _EMPTY_PARENS.sub("", text)
        text = " ".join(text.split()).strip(_STRIP_CHARS)
        text = _CERT_DATE_TAIL.sub("", text).strip(_STRIP_CHARS)
        if not text or len(text) > 150:
            continue
        items = [i.strip() for i in text.split(",")]
        if len(items) >= 3 and all(1 <= len(i.split()) <= 5 for i in items):
            out.extend(i for i in items if i)
        else:
            out.append(text)
    return out


__all__ = ["PARSER_VERSION", "parse_resume"]
