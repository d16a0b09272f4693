"""Text helpers for screening: tokens, light stemming, the skills lexicon, Markdown to text,
and the redaction that keeps names, pronouns and personal data out of what is scored.

Everything here is pure Python and fast: the default scorer runs on the career-site apply path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from hireloop.domain.skills import SkillEntry, parse_entries, skill_entries

# Tokens keep the characters that make skill names: c++, c#, .net, node.js, 3.5.
_TOKEN_RE = re.compile(r"\.?[A-Za-z0-9](?:[A-Za-z0-9+#]|\.(?=[A-Za-z0-9]))*")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Accents stripped (é -> e), ligatures expanded; case kept."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def raw_tokens(text: str) -> list[str]:
    """Tokens with their original case (accents folded)."""
    return _TOKEN_RE.findall(fold(text))


def tokens(text: str) -> list[str]:
    return [t.lower() for t in raw_tokens(text)]


# Words that say nothing about fit: English function words plus résumé and job-ad filler.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "across",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "here",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "like",
        "made",
        "make",
        "makes",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "near",
        "need",
        "needs",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "per",
        "plus",
        "same",
        "should",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "able",
        "ability",
        "abilities",
        "across",
        "role",
        "roles",
        "position",
        "job",
        "jobs",
        "work",
        "working",
        "worked",
        "company",
        "companies",
        "team",
        "teams",
        "candidate",
        "candidates",
        "experience",
        "experienced",
        "experiences",
        "year",
        "years",
        "month",
        "months",
        "strong",
        "excellent",
        "good",
        "great",
        "proven",
        "solid",
        "skill",
        "skills",
        "knowledge",
        "understanding",
        "responsible",
        "responsibilities",
        "responsibility",
        "including",
        "include",
        "includes",
        "new",
        "using",
        "use",
        "used",
        "looking",
        "join",
        "offer",
        "offers",
        "opportunity",
        "opportunities",
        "environment",
        "based",
        "day",
        "daily",
        "high",
        "level",
        "required",
        "requirement",
        "requirements",
        "preferred",
        "preference",
        "ideal",
        "ideally",
        "nice",
        "bonus",
        "must-have",
        "least",
        "minimum",
        "min",
        "equivalent",
        "relevant",
        "related",
        "various",
        "multiple",
        "key",
        "etc",
        "e.g",
        "i.e",
        "ie",
        "eg",
        "we're",
        "you'll",
        "you're",
        "our",
        "ourselves",
        "help",
        "helping",
        "within",
        "across",
        "plus",
        "ability",
    ]
)

# Title words about level, not about the job itself.
SENIORITY = frozenset(
    [
        "senior",
        "sr",
        "junior",
        "jr",
        "lead",
        "principal",
        "staff",
        "head",
        "chief",
        "intern",
        "internship",
        "trainee",
        "entry",
        "mid",
        "mid-level",
        "level",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "1",
        "2",
        "3",
        "apprentice",
        "graduate",
    ]
)

# Title words that mean the same thing for matching.
TITLE_SYNONYMS = {
    "developer": "engineer",
    "programmer": "engineer",
    "dev": "engineer",
    "swe": "engineer",
    "representative": "agent",
    "rep": "agent",
    "advisor": "agent",
    "adviser": "agent",
    "specialist": "agent",
    "associate": "agent",
    "support": "service",
    "care": "service",
    "instructor": "teacher",
    "educator": "teacher",
    "tutor": "teacher",
    "rn": "nurse",
    "back-end": "backend",
    "front-end": "frontend",
    "maths": "math",
    "mathematics": "math",
    "recruiting": "recruiter",
    "recruitment": "recruiter",
    "hr": "human",
    "ux": "ux",
    "sales": "sales",
    "accounting": "accountant",
    "bookkeeper": "accountant",
    "warehouse": "warehouse",
    "logistics": "logistics",
    "supervisor": "manager",
    "coordinator": "manager",
}


@lru_cache(maxsize=16384)  # the same words come back in every CV
def stem(word: str) -> str:
    """A deliberately light suffix stripper: nursing/nurses/nurse -> nurs, teacher/teaching ->
    teach, management/manager/managing -> manag, engineering/engineer -> engineer."""
    n = len(word)
    if n > 5 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif n > 5 and word.endswith("ing"):
        word = word[:-3]
    elif n > 5 and word.endswith("ed"):
        word = word[:-2]
    elif n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    n = len(word)
    if n > 7 and word.endswith("ment"):
        word = word[:-4]
    elif n > 5 and word.endswith("er") and not word.endswith("eer"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, no bare numbers)."""
    out = []
    for t in tokens(text):
        if t in STOPWORDS or len(t) < 2 or t.replace(".", "").isdigit():
            continue
        out.append(stem(t))
    return out


_COMPOUND = re.compile(r"\b(back|front|full)[\s-]+(end|stack)\b", re.I)


def title_tokens(title: str) -> frozenset[str]:
    out = set()
    for t in tokens(_COMPOUND.sub(r"\1\2", title)):
        if t in SENIORITY or t in STOPWORDS or t in ("and", "of", "the"):
            continue
        t = TITLE_SYNONYMS.get(t, t)
        out.add(stem(t))
    return frozenset(out)


# --------------------------------------------------------------------------- skills lexicon
# The skills and their synonyms come from the one vocabulary, ``resumes/data/skills.txt``
# (read by ``hireloop.domain.skills``): add a skill or a synonym THERE, and the résumé parser
# knows it too. A term written "=Term" there is also an ordinary word (Go, React, Swift):
# in free text it only counts when written with that exact capitalisation; in a skills list
# or a criterion it always counts.
#
# What follows is screening's own knowledge, and only that.

# Implications, not synonyms: a candidate who shows the key also has the skills it implies
# (Laravel is PHP, "drf" is Django). Keys and values are names from skills.txt.
IMPLIES: dict[str, tuple[str, ...]] = {
    "ASP.NET": (".NET",),
    "Laravel": ("PHP",),
    "Symfony": ("PHP",),
    "T-SQL": ("SQL",),
    "PL/SQL": ("SQL",),
    "MariaDB": ("MySQL",),
    "Django REST Framework": ("Django",),
    "React Native": ("React",),
    "Nuxt.js": ("Vue.js",),
    "Sass": ("CSS",),
    "Less.js": ("CSS",),
    "Helm": ("Kubernetes",),
    "Terraform": ("Infrastructure as Code",),
    "Amazon EC2": ("AWS",),
    "Amazon S3": ("AWS",),
    "AWS Lambda": ("AWS",),
    "Unix": ("Linux",),
    "Ubuntu": ("Linux",),
    "Debian": ("Linux",),
    "Red Hat": ("Linux",),
    "GitHub": ("Git",),
    "GitLab": ("Git",),
    "Bitbucket": ("Git",),
    "pytest": ("Unit Testing",),
    "JUnit": ("Unit Testing",),
    "Test-Driven Development": ("Unit Testing",),
    "Usability Testing": ("UX Research",),
    "Predictive Modeling": ("Machine Learning",),
    "Deep Learning": ("Machine Learning",),
    "Keras": ("TensorFlow",),
    "Regression Analysis": ("Statistics",),
    "VLOOKUP": ("Microsoft Excel",),
    "Pivot Tables": ("Microsoft Excel",),
    "Scrum": ("Agile",),
    "Kanban": ("Agile",),
    "PMP": ("Project Management",),
    "PRINCE2": ("Project Management",),
    "Patient Assessment": ("Patient Care",),
    "CPR": ("BLS",),
    "Epic Systems": ("EHR",),
    "Cerner": ("EHR",),
    "Variance Analysis": ("Financial Analysis",),
    "Financial Modeling": ("Financial Analysis",),
    "Invoicing": ("Accounts Receivable",),
    "SAP FI/CO": ("SAP",),
    "ACCA": ("CPA",),
    "Cold Calling": ("Prospecting",),
    "Facebook Ads": ("Paid Social",),
    "LinkedIn Ads": ("Paid Social",),
    "Mailchimp": ("Email Marketing",),
    "Marketo": ("Marketing Automation",),
    "Pardot": ("Marketing Automation",),
    "Cycle Counting": ("Inventory Management",),
    "Manhattan WMS": ("WMS",),
    "Procurement": ("Supply Chain Management",),
    "Dispatching": ("Logistics",),
    "OSHA": ("Health and Safety",),
    "Kaizen": ("Lean Manufacturing",),
    "5S": ("Lean Manufacturing",),
    "Customer Support": ("Customer Service",),
    "Help Desk": ("Ticketing Systems",),
    "ServiceNow": ("Ticketing Systems",),
    "Call Center": ("Phone Support",),
    "Inbound Calls": ("Phone Support",),
    "Complaint Handling": ("Conflict Resolution",),
    "Net Promoter Score": ("CSAT",),
    "Talent Acquisition": ("Recruiting",),
    "Boolean Search": ("Sourcing",),
    "Headhunting": ("Sourcing",),
    "Greenhouse": ("Applicant Tracking Systems",),
    "Lever": ("Applicant Tracking Systems",),
    "Taleo": ("Applicant Tracking Systems",),
    "SmartRecruiters": ("Applicant Tracking Systems",),
    "BambooHR": ("HRIS",),
    "Personio": ("HRIS",),
    "HACCP": ("Food Safety",),
    "ServSafe": ("Food Safety",),
    "Food Preparation": ("Cooking",),
}

# Terms only screening reads, in the skills.txt format, checked after skills.txt (which wins
# on a shared alias). Spoken languages: the résumé parser keeps them in their own field, not
# in skills. Cues: ordinary words a job ad or a CV uses for a skill ("inventory",
# "benefits", "RN") that would be false skills in a parsed résumé's bullets and titles.
SCREENING_TERMS = """
English
French
Spanish
German
Portuguese
Italian
Mandarin | chinese
Arabic
Hindi
Japanese
Tagalog | filipino

Docker | containers | containerization
AWS | lambda
Bash | shell
A/B Testing | experimentation
Stakeholder Management | stakeholders
RN License | registered nurse | registered nurse license | =RN
Medication Administration | medications
Budgeting | budgets | budget
Forecasting | forecasts
CPA | cima
Pipeline Management | pipeline
Quota Attainment | quota
Retail Sales | cashier
Social Media Marketing | instagram | tiktok
Content Marketing | blog
Email Marketing | newsletters
Campaign Management | campaigns
Conversion Rate Optimization | landing pages
Warehouse Operations | warehouse
Inventory Management | inventory
Logistics | transportation | freight
Shipping and Receiving | shipping | outbound shipments
Order Picking | packing
Lean Manufacturing | lean
Team Leadership | supervising | supervision | supervised | managed a team | led a team
Troubleshooting | diagnostics
Conflict Resolution | complaints
Curriculum Development | curriculum
Electrical Wiring | installations
Switchgear | panels
Employee Relations | grievances | disciplinary
Compensation and Benefits | compensation | benefits
Cooking | line cook
"""


class Lexicon:
    """Alias n-grams -> canonical skill names; built once."""

    def __init__(
        self,
        entries: Iterable[SkillEntry],
        implies: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.loose: dict[tuple[str, ...], str] = {}  # matched anywhere (lower-cased)
        self.strict: dict[tuple[str, ...], tuple[str, str]] = {}  # (original casing, name)
        self.max_n = 1
        names: dict[str, None] = {}
        for entry in entries:
            names.setdefault(entry.name, None)
            for cased in entry.exact:
                key = tuple(tokens(cased))
                if key:
                    self.strict[key] = (" ".join(raw_tokens(cased)), entry.name)
                    self.max_n = max(self.max_n, len(key))
            for alias in entry.aliases:
                key = tuple(tokens(alias))
                if key:
                    self.loose.setdefault(key, entry.name)  # first definition wins
                    self.max_n = max(self.max_n, len(key))
        self.names = frozenset(names)
        self.implies = {k: tuple(v) for k, v in (implies or {}).items()}
        unknown = {n for k, v in self.implies.items() for n in (k, *v)} - self.names
        if unknown:
            raise ValueError(f"implications name unknown skills: {sorted(unknown)}")
        self._firsts = frozenset(k[0] for k in self.loose) | frozenset(k[0] for k in self.strict)
        self.alias_words = frozenset(w for k in (*self.loose, *self.strict) for w in k)

    def extract(self, text: str, *, short: bool = False) -> set[str]:
        """Canonical skill names found in ``text``, with the skills they imply. ``short``
        (a skills-list item, a criterion): ambiguous aliases count whatever their case."""
        raw = raw_tokens(text)
        low = [t.lower() for t in raw]
        found: set[str] = set()
        n_tok = len(low)
        i = 0
        while i < n_tok:
            tok = low[i]
            if tok not in self._firsts:
                i += 1
                continue
            step = 1
            for n in range(min(self.max_n, n_tok - i), 0, -1):
                key = tuple(low[i : i + n])
                name = self.loose.get(key)
                if name is None and key in self.strict:
                    cased, sname = self.strict[key]
                    if short or " ".join(raw[i : i + n]) == cased:
                        name = sname
                if name is not None:
                    found.add(name)
                    step = n
                    break
            i += step
        for name in list(found):
            found.update(self.implies.get(name, ()))
        return found

    def canonical(self, phrase: str) -> str | None:
        """The skill name when the whole phrase is a known alias."""
        key = tuple(tokens(phrase))
        if key in self.loose:
            return self.loose[key]
        if key in self.strict:
            return self.strict[key][1]
        return None


LEXICON = Lexicon((*skill_entries(), *parse_entries(SCREENING_TERMS)), IMPLIES)


@lru_cache(maxsize=4096)
def skills_in_item(item: str) -> frozenset[str]:
    """Skills named by one skills-list entry ("Python (Django, Flask)")."""
    return frozenset(LEXICON.extract(item, short=True))


def skills_in_list(items: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for item in items:
        out |= skills_in_item(item)
    return out


# --------------------------------------------------------------------------- Markdown
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`~>|]+")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪●]|\d+[.)])\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s*(.*?)\s*#*\s*$")
_BOLD_HEADING = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")


def markdown_to_text(md: str) -> str:
    lines = []
    for line in (md or "").splitlines():
        line = _MD_LINK.sub(r"\1", line)
        h = _HEADING.match(line)
        if h:
            line = h.group(1)
        b = _BULLET.match(line)
        if b:
            line = b.group(1)
        lines.append(_MD_MARKS.sub("", line).strip())
    return "\n".join(lines).strip()


_RESP_HEAD = re.compile(
    r"responsib|what you.?ll do|what you will do|you will|duties|the role|your role|your mission|"
    r"day.to.day|missions?\b|tasks",
    re.I,
)
_REQ_HEAD = re.compile(
    r"requirement|qualification|what we.?re looking|who you are|you have|must|profile|skills|"
    r"about you|what you bring|nice to have|bonus",
    re.I,
)


def markdown_sections(md: str) -> tuple[list[str], list[str], list[str]]:
    """(responsibilities, requirements, other bullets) from a Markdown job description."""
    resp: list[str] = []
    req: list[str] = []
    other: list[str] = []
    current = other
    for line in (md or "").splitlines():
        h = _HEADING.match(line) or _BOLD_HEADING.match(line)
        if h or (line.strip().endswith(":") and len(line.strip()) < 60 and not _BULLET.match(line)):
            head = h.group(1) if h else line
            if _RESP_HEAD.search(head):
                current = resp
            elif _REQ_HEAD.search(head):
                current = req
            else:
                current = other
            continue
        b = _BULLET.match(line)
        if b:
            item = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", b.group(1))).strip().rstrip(".;")
            if item:
                current.append(item)
    return resp, req, other


# --------------------------------------------------------------------------- years, degrees
_YEARS_RE = re.compile(
    r"(?:at least|minimum(?: of)?|min\.?|over|more than)?\s*(\d{1,2})(?:\.\d)?\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*\d{1,2}\s*)?(?:\+\s*)?(?:years?|yrs?|ans?|années?)\b",
    re.I,
)


def years_in(text: str) -> int | None:
    """The (lowest) number of years a requirement names: "3+ years", "2-4 yrs"."""
    m = _YEARS_RE.search(text or "")
    if not m:
        return None
    value = int(m.group(1))
    return value if 0 < value <= 40 else None


# Highest level first: the first match wins.
_DEGREE_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (5, re.compile(r"\b(ph\.?\s?d|doctorate|doctoral|dphil|md|doctor of)\b", re.I)),
    (
        4,
        re.compile(
            r"\b(master'?s?|msc|m\.sc|ms|m\.s|ma|m\.a|meng|m\.eng|mba|m\.b\.a|mphil|llm|med|"
            r"mpa|mph|postgraduate|post-graduate|pgce)\b",
            re.I,
        ),
    ),
    (
        3,
        re.compile(
            r"\b(bachelor'?s?|bsc|b\.sc|bs|b\.s|ba|b\.a|beng|b\.eng|btech|b\.tech|bcom|b\.com|"
            r"bba|bsn|llb|licence|license in|undergraduate degree|degree in|university degree)\b",
            re.I,
        ),
    ),
    (
        2,
        re.compile(
            r"\b(associate'?s?|hnd|hnc|diploma|adn|certificate|vocational|btec|nvq)\b", re.I
        ),
    ),
    (1, re.compile(r"\b(high school|secondary school|ged|a-levels?|baccalaur[eé]at|gcse)\b", re.I)),
)

DEGREE_NAMES = {
    1: "high school",
    2: "diploma or associate degree",
    3: "bachelor's degree",
    4: "master's degree",
    5: "doctorate",
}


def degree_level(text: str | None) -> int | None:
    """1 high school … 5 doctorate; None when the text names no degree."""
    if not text:
        return None
    folded = fold(text)
    for level, pattern in _DEGREE_PATTERNS:
        if pattern.search(folded):
            return level
    return None


def job_degree_level(value: str | None) -> int | None:
    """Taptalent's degreeLevel enum (Bachelor's, High School, M.B.A., Master's, Other, Ph.D.)."""
    if not value or value.strip().lower() in ("other", "none", "any", "n/a"):
        return None
    return degree_level(value)


# --------------------------------------------------------------------------- redaction
# The redaction patterns run over every CV applied. Those made of alternatives start with
# a look-ahead at the characters any alternative can start with (the same matches): the
# regex engine then skips the other positions at once instead of trying each alternative
# there (~2-3x faster on a CV; tests/domain/screening/test_redaction.py).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?=[hwlg])(?:(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com)/\S*)", re.I)
_PHONE = re.compile(
    r"(?=[+(\d])"
    r"(?:(?:\+|\b00)\d[\d\s().-]{7,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b0\d(?:[\s.]?\d{2}){4}\b)"
)
_PERSONAL_FIELD = re.compile(
    r"(?=[abcdegmnprs])"
    r"\b(?:date of birth|birth ?date|d\.?o\.?b\.?|place of birth|age|gender|sex|nationality|"
    r"citizenship|marital status|religion|photo|ethnicity|race|pronouns)\s*[:=]\s*[^\n|;]*",
    re.I,
)
_BORN = re.compile(r"(?=[bB])\bborn\s+(?:on|in)?\s*[\w ,./-]{0,30}?\d{4}\b", re.I)
_AGE_PHRASE = re.compile(r"(?=\d)\b\d{2}\s*(?:years old|yrs old|y/o)\b", re.I)
# Title case only: "MS" and "M.S." are degrees.
_HONORIFIC_WORDS = r"(?=[MDS])\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Madam|Mme|Mlle)"
_HONORIFIC = re.compile(r"(?=[MS])\b(?:Mr|Mrs|Ms|Miss|Mx|Sir|Madam|Mme|Mlle)\.?(?=\s+[A-Z])")
# An honorific left alone once the name after it is gone ("Ms —").
_LONE_HONORIFIC = re.compile(_HONORIFIC_WORDS + r"\.?(?=[ \t]*(?:$|[^\w\s]))", re.M)
_ALNUM = re.compile(r"[^\W_]")
_HONORIFIC_AHEAD = re.compile(_HONORIFIC_WORDS + r"\.?\s")
_WORD_RUN = re.compile(r"\w+")
_THEY_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do"}
_THEY_VERB = re.compile(r"(?=[tT])\b(they|They) (is|was|has|does)\b")
_PRONOUNS = {
    "he": "they",
    "she": "they",
    "him": "them",
    "his": "their",
    "her": "their",
    "hers": "theirs",
    "himself": "themselves",
    "herself": "themselves",
}
_PRONOUN_RE = re.compile(
    "(?=[" + "".join(sorted({w[0] for w in _PRONOUNS})) + r"])\b(" + "|".join(_PRONOUNS) + r")\b",
    re.I,
)


def _pronoun(m: re.Match[str]) -> str:
    word = m.group(1)
    out = _PRONOUNS[word.lower()]
    return out.capitalize() if word[0].isupper() else out


def _redact_name(out: str, sequences: list[tuple[str, ...]], parts: list[str]) -> str:
    """The person's name out of ``out`` (see ``redact``).

    Names differ with every candidate, so a pattern built from one is compiled for that
    candidate alone (about 0.2 ms each, most of a redaction's cost). A pattern is therefore
    only built when the words it needs are in the text, and a name part made of word
    characters only is removed by one pass of a shared pattern: ``\\bPart\\b`` matches
    exactly a whole run of word characters equal to ``Part``."""
    lowered = out.lower()
    # Every match below is case-insensitive at most, so a word absent from ``lowered``
    # cannot take part in one; replacing text with a space creates no new occurrence.
    present = [p for p in parts if p in lowered]
    if present and _HONORIFIC_AHEAD.search(out):
        alternatives = "(?i:" + "|".join(re.escape(p) for p in present) + ")"
        # After an honorific ("Ms Swift", "Mr Thi Lan"), any part is a name.
        out = re.sub(
            _HONORIFIC_WORDS + r"\.?\s+" + alternatives + r"(?:[\s-]+" + alternatives + r")*\b",
            " ",
            out,
        )
    # The full name, in order or reversed, with one middle name or initial between.
    sep = r"[\s,.'-]+(?-i:(?:[A-Z]\.?|[A-Z][a-z]+)[\s,.]+)?"
    for words in sequences:
        if len(words) < 2 or not all(w in lowered for w in words):
            continue
        for seq in dict.fromkeys((words, words[::-1])):
            pat = r"\b" + sep.join(re.escape(p) for p in seq) + r"\b"
            out = re.sub(pat, " ", out, flags=re.I)
    # Each part alone when written as a name (Title or UPPER case), unless it is also a
    # skill word ("Ruby"). The upper case of a part may be longer ("weiß" -> "WEISS").
    whole_words: set[str] = set()
    for p in parts:
        if any(w in LEXICON.alias_words for w in tokens(p)):
            continue
        title, upper = p[:1].upper() + p[1:], p.upper()
        if _WORD_RUN.fullmatch(p):
            whole_words.update((title, upper))
        elif title in out or upper in out:
            out = re.sub(r"\b(?:" + re.escape(title) + "|" + re.escape(upper) + r")\b", " ", out)
    if any(w in out for w in whole_words):
        out = _WORD_RUN.sub(lambda m: " " if m.group() in whole_words else m.group(), out)
    return out


def redact(text: str | None, names: Sequence[str] = ()) -> str:
    """The text without what must never be scored: the person's name (whole, and each part
    written as a name), e-mail, phone, links, personal-data fields (birth date, age, gender,
    nationality, marital status, photo) and gendered pronouns and honorifics (made neutral).

    A name part that is also a skill word (Ruby, Swift) is only removed as part of the full
    name, so a "Ruby Smith" keeps her "Ruby on Rails"."""
    if not text:
        return ""
    out = fold(text)
    if "@" in out:  # an address is on one line: only the lines with an @ are searched
        out = "\n".join(_EMAIL.sub(" ", ln) if "@" in ln else ln for ln in out.split("\n"))
    # Each pattern below is only run on a text with what any of its matches contains.
    lowered = out.lower()
    if "://" in out or "www." in lowered or ".com/" in lowered:
        out = _URL.sub(" ", out)
    if ":" in out or "=" in out:
        out = _PERSONAL_FIELD.sub(" ", out)
    out = _BORN.sub(" ", out)
    out = _AGE_PHRASE.sub(" ", out)
    out = _PHONE.sub(" ", out)
    # Each name as its words ("Eun-ji" and "Al-Sayed" stay whole), folded and lower-cased.
    sequences: list[tuple[str, ...]] = []
    for name in names:
        words = tuple(
            w for w in (x.strip(".,()'\"").lower() for x in fold(name or "").split()) if len(w) >= 2
        )
        if words and words not in sequences:
            sequences.append(words)
    parts = list(dict.fromkeys(w for seq in sequences for w in seq))
    if parts:
        out = _redact_name(out, sequences, parts)
    out = _HONORIFIC.sub(" ", out)
    out = _LONE_HONORIFIC.sub(" ", out)
    out = _PRONOUN_RE.sub(_pronoun, out)
    out = _THEY_VERB.sub(lambda m: m.group(1) + " " + _THEY_VERBS[m.group(2).lower()], out)
    # What is left of removed lines ("| |", "—") goes too, so that a CV with a personal-data
    # line and the same CV without it give the same text.
    lines = [" ".join(line.split()) if _ALNUM.search(line) else "" for line in out.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
