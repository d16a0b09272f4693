"""Résumé parsing: contact, employment, education, skills, languages — and never inventing.

The CVs here are written by hand, with the untidy formatting real ones have (uneven spacing,
mixed separators, wrapped lines, bullets of several kinds); they are not produced by the
benchmark's generator.
"""

from __future__ import annotations

import io

import docx
import pytest

from hireloop.domain.resumes.extract import extract_text
from hireloop.domain.resumes.parse import PARSER_VERSION, parse_resume
from hireloop.domain.resumes.schemas import ParsedResume

ENGLISH_CV = """\
JOHN  Q.  PUBLIC
Senior Software Engineer
San Francisco, CA  •  (415) 555-0134  •  John.Public@Example.com
linkedin.com/in/johnqpublic | github.com/jqpublic | https://johnpublic.dev

SUMMARY
Backend engineer with 9 years of experience building payment systems. Comfortable across
the stack, happiest with Python and Go.

PROFESSIONAL EXPERIENCE
Stripe — Senior Software Engineer                              Jan 2019 – Present
San Francisco, CA
  • Built the payouts API in Python and Go; moved Postgres clusters onto k8s
  • Mentored 4 engineers and ran the on-call rotation

Software Engineer, Northwind Traders Inc.                     06/2015 - 12/2018
  - Developed REST APIs with Django and JS (React) for 2M monthly users
  - Cut CI build time by 40% with GitHub Actions

Intern at Globex Corporation
Summer 2014

EDUCATION
B.S. in Computer Science — University of Michigan              2011 – 2015

SKILLS
Python, Go, JS, Postgres, Kubernetes, AWS, Docker, machine learning, python
Languages: English (native), Spanish (conversational)

CERTIFICATIONS
AWS Certified Solutions Architect – Associate (2021)
"""


def positions(parsed: ParsedResume) -> list[tuple[str | None, str | None]]:
    return [(p.employer, p.title) for p in parsed.employment]


def assert_nothing_invented(parsed: ParsedResume, text: str) -> None:
    """Every employer, title, school and degree is text that the CV contains."""
    flat = " ".join(text.split()).casefold()
    for p in parsed.employment:
        for value in (p.employer, p.title):
            assert value is None or " ".join(value.split()).casefold() in flat, value
    for s in parsed.education:
        for value in (s.school, s.degree, s.major):
            assert value is None or " ".join(value.split()).casefold() in flat, value
    if parsed.name and parsed.name.full:
        for token in parsed.name.full.split():
            assert token.casefold() in flat, token


def test_english_one_column_cv() -> None:
    parsed = parse_resume(ENGLISH_CV)
    assert parsed.parser_version == PARSER_VERSION
    assert parsed.name is not None
    assert parsed.name.full == "John Q. Public"
    assert (parsed.name.first, parsed.name.last) == ("John Q.", "Public")
    assert parsed.email == "john.public@example.com"
    assert parsed.phone == "(415) 555-0134"
    assert parsed.phone_e164 is None  # no country code and no region given
    assert parsed.location == "San Francisco, CA"
    assert positions(parsed) == [
        ("Stripe", "Senior Software Engineer"),
        ("Northwind Traders Inc.", "Software Engineer"),
        ("Globex Corporation", "Intern"),
    ]
    stripe, northwind, globex = parsed.employment
    assert (stripe.start, stripe.end, stripe.current) == ("2019-01", None, True)
    assert stripe.location == "San Francisco, CA"
    assert "payouts API" in (stripe.description or "")
    assert (northwind.start, northwind.end, northwind.current) == ("2015-06", "2018-12", False)
    assert (globex.start, globex.end) == ("2014", "2014")
    [school] = parsed.education
    assert (school.school, school.degree, school.major) == (
        "University of Michigan",
        "B.S.",
        "Computer Science",
    )
    assert (school.start, school.end) == ("2011", "2015")
    for skill in [
        "Python",
        "Go",
        "JavaScript",
        "PostgreSQL",
        "Kubernetes",
        "AWS",
        "Docker",
        "Machine Learning",
        "Django",
        "React",
        "GitHub Actions",
    ]:
        assert skill in parsed.skills
    assert len(parsed.skills) == len(set(parsed.skills))
    assert parsed.languages == ["English", "Spanish"]
    assert parsed.certifications == ["AWS Certified Solutions Architect – Associate"]
    assert parsed.summary and parsed.summary.startswith("Backend engineer with 9 years")
    assert parsed.links.linkedin == "https://linkedin.com/in/johnqpublic"
    assert parsed.links.github == "https://github.com/jqpublic"
    assert parsed.links.portfolio == "https://johnpublic.dev"
    assert_nothing_invented(parsed, ENGLISH_CV)


def test_the_same_cv_with_a_default_region_gets_an_e164_phone() -> None:
    parsed = parse_resume(ENGLISH_CV, default_region="US")
    assert parsed.phone_e164 == "+14155550134"
    assert not any("phone" in w for w in parsed.warnings)


def make_two_column_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Maria Clara dela Cruz")
    document.add_paragraph("Customer Service Team Leader")
    table = document.add_table(rows=1, cols=2)
    left = [
        "CONTACT",
        "+63 917 555 0199",
        "mariaclara.delacruz@gmail.com",
        "Quezon City, Philippines",
        "SKILLS",
        "Zendesk",
        "Salesforce",
        "Inbound calls",
        "Typing 65 wpm",
        "LANGUAGES",
        "English – fluent",
        "Tagalog – native",
        "Cebuano – basic",
    ]
    right = [
        "PROFILE",
        "Team leader with six years in BPO, coaching agents on US healthcare and retail accounts.",
        "WORK HISTORY",
        "Concentrix Philippines",
        "Team Leader | March 2021 – Present",
        "Coached 18 agents; raised CSAT from 82% to 91%",
        "Ran daily huddles and call calibrations",
        "TaskUs",
        "Customer Service Representative | Aug 2018 – Feb 2021",
        "Handled 70 inbound calls a day for a US telecom client",
        "EDUCATION",
        "Polytechnic University of the Philippines",
        "Bachelor of Science in Business Administration",
        "2014 – 2018",
    ]
    for col, lines in enumerate((left, right)):
        cell = table.cell(0, col)
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_two_column_docx_table_layout() -> None:
    text = extract_text(make_two_column_docx()).text
    parsed = parse_resume(text, default_region="PH")
    assert parsed.name is not None and parsed.name.full == "Maria Clara dela Cruz"
    assert parsed.name.last == "dela Cruz"
    assert parsed.phone_e164 == "+639175550199"
    assert parsed.email == "mariaclara.delacruz@gmail.com"
    assert parsed.location == "Quezon City, Philippines"
    assert positions(parsed) == [
        ("Concentrix Philippines", "Team Leader"),
        ("TaskUs", "Customer Service Representative"),
    ]
    lead, rep = parsed.employment
    assert (lead.start, lead.current) == ("2021-03", True)
    assert (rep.start, rep.end, rep.current) == ("2018-08", "2021-02", False)
    # Description lines written without bullets stay descriptions, not jobs.
    assert "Ran daily huddles" in (lead.description or "")
    [school] = parsed.education
    assert school.school == "Polytechnic University of the Philippines"
    assert (school.degree, school.major) == ("Bachelor of Science", "Business Administration")
    assert {"Zendesk", "Salesforce", "Inbound Calls", "Typing", "CSAT"} <= set(parsed.skills)
    assert parsed.languages == ["English", "Filipino", "Cebuano"]
    assert_nothing_invented(parsed, text)


def make_two_column_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(40, 800, "Olusegun Adeyemi")
    c.setFont("Helvetica", 10)
    sidebar = c.beginText(40, 770)
    for line in [
        "CONTACT",
        "olu.adeyemi@yahoo.com",
        "0803 555 0142",
        "Lagos, Nigeria",
        "SKILLS",
        "Forklift",
        "Inventory management",
        "SAP",
        "LANGUAGES",
        "English (fluent)",
        "Yoruba (native)",
    ]:
        sidebar.textLine(line)
    c.drawText(sidebar)
    main = c.beginText(220, 770)
    for line in [
        "EXPERIENCE",
        "Warehouse Supervisor",
        "Dangote Group, Lagos",
        "Feb 2020 - Present",
        "- Led a team of 14 pickers and 3 forklift operators",
        "Forklift Operator",
        "DHL Supply Chain",
        "Mar 2016 - Jan 2020",
        "- Loaded and unloaded 40 trucks a week",
        "EDUCATION",
        "University of Lagos",
        "BSc Logistics and Transport, 2015",
    ]:
        main.textLine(line)
    c.drawText(main)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_two_column_pdf_layout() -> None:
    text = extract_text(make_two_column_pdf()).text
    parsed = parse_resume(text, default_region="NG")
    assert parsed.name is not None and parsed.name.full == "Olusegun Adeyemi"
    assert parsed.phone_e164 == "+2348035550142"
    assert parsed.location == "Lagos, Nigeria"
    assert positions(parsed) == [
        ("Dangote Group", "Warehouse Supervisor"),
        ("DHL Supply Chain", "Forklift Operator"),
    ]
    assert [(p.start, p.current) for p in parsed.employment] == [
        ("2020-02", True),
        ("2016-03", False),
    ]
    [school] = parsed.education
    assert (school.school, school.degree, school.major, school.end) == (
        "University of Lagos",
        "BSc",
        "Logistics and Transport",
        "2015",
    )
    assert {"Forklift", "Inventory Management", "SAP"} <= set(parsed.skills)
    assert parsed.languages == ["English", "Yoruba"]
    assert_nothing_invented(parsed, text)


FRENCH_CV = """\
CURRICULUM VITAE
Élodie LEFÈVRE
Chargée de recrutement
12 rue des Lilas, 69003 Lyon  |  06 12 34 56 78  |  elodie.lefevre@orange.fr

PROFIL
Chargée de recrutement bilingue, 7 ans d'expérience en cabinet et en entreprise.

EXPÉRIENCES PROFESSIONNELLES
Chargée de recrutement chez Decathlon SA — Lyon
mars 2017 - aujourd'hui
- Gestion de 40 recrutements par an (CDI, alternance)
- Mise en place d'un ATS et du sourcing sur LinkedIn Recruiter

Assistante RH, Banque Populaire
Janv. 2014 – févr. 2017
- Suivi administratif du personnel, paie

FORMATION
Master 2 Ressources Humaines — Université Lumière Lyon 2 (2012 - 2014)
Licence en Psychologie, Université de Nantes, 2012

COMPÉTENCES
Recrutement, sourcing, entretiens, Excel avancé, SAP SuccessFactors

LANGUES
Français (langue maternelle) · Anglais (courant, TOEIC 950) · Espagnol : notions
"""


def test_french_cv() -> None:
    parsed = parse_resume(FRENCH_CV, default_region="FR")
    assert parsed.name is not None
    assert parsed.name.full == "Élodie LEFÈVRE"
    assert (parsed.name.first, parsed.name.last) == ("Élodie", "LEFÈVRE")
    assert parsed.phone_e164 == "+33612345678"
    assert positions(parsed) == [
        ("Decathlon SA", "Chargée de recrutement"),
        ("Banque Populaire", "Assistante RH"),
    ]
    first, second = parsed.employment
    assert (first.start, first.end, first.current) == ("2017-03", None, True)
    assert first.location == "Lyon"
    assert (second.start, second.end) == ("2014-01", "2017-02")
    assert [(s.school, s.degree, s.major, s.end) for s in parsed.education] == [
        ("Université Lumière Lyon 2", "Master 2", "Ressources Humaines", "2014"),
        ("Université de Nantes", "Licence", "Psychologie", "2012"),
    ]
    assert {"Recruiting", "Sourcing", "Interviewing", "Microsoft Excel"} <= set(parsed.skills)
    assert "SAP SuccessFactors" in parsed.skills
    assert parsed.languages == ["French", "English", "Spanish"]
    assert parsed.summary and parsed.summary.startswith("Chargée de recrutement bilingue")
    assert_nothing_invented(parsed, FRENCH_CV)


GERMAN_CV = """\
Lebenslauf

Persönliche Daten
Name:      Jürgen Weiß
Anschrift: Lindenstraße 4, 80331 München
Telefon:   0151 23456789
E-Mail:    j.weiss@gmx.de

Beruflicher Werdegang
seit 04/2020        Teamleiter Kundenservice
                    Allianz Direct GmbH, München
                    Führung von 12 Mitarbeitern im telefonischen Kundenservice
Sept. 2015 — Juni 2018
                    Kundenberater
                    Stadtwerke München GmbH
                    Beratung von Privatkunden zu Strom- und Gastarifen

Ausbildung
2012 – 2015         Ausbildung zum Kaufmann für Büromanagement, IHK München
2012                Abitur, Gymnasium Ottobrunn

Kenntnisse
MS Office, SAP, Salesforce, Zendesk, Reklamationsmanagement

Sprachen
Deutsch (Muttersprache), Englisch (verhandlungssicher), Türkisch (Grundkenntnisse)
"""


def test_german_cv() -> None:
    parsed = parse_resume(GERMAN_CV, default_region="DE")
    assert parsed.name is not None and parsed.name.full == "Jürgen Weiß"
    assert parsed.phone_e164 == "+4915123456789"
    assert parsed.email == "j.weiss@gmx.de"
    assert parsed.location == "Lindenstraße 4, 80331 München"
    assert positions(parsed) == [
        ("Allianz Direct GmbH", "Teamleiter Kundenservice"),
        ("Stadtwerke München GmbH", "Kundenberater"),
    ]
    lead, adviser = parsed.employment
    assert (lead.start, lead.end, lead.current) == ("2020-04", None, True)
    assert (adviser.start, adviser.end, adviser.current) == ("2015-09", "2018-06", False)
    assert "Führung von 12 Mitarbeitern" in (lead.description or "")
    degrees = [(s.degree, s.end) for s in parsed.education]
    assert ("Abitur", "2012") in degrees
    assert [s.school for s in parsed.education][-1] == "Gymnasium Ottobrunn"
    assert {"Microsoft Office", "SAP", "Salesforce", "Zendesk", "Complaint Handling"} <= set(
        parsed.skills
    )
    assert parsed.languages == ["German", "English", "Turkish"]
    assert_nothing_invented(parsed, GERMAN_CV)


def test_a_cv_without_a_detectable_name() -> None:
    text = """\
RESUME
Customer Service Representative
Email: agent.2019@example.com | Mobile: +1 (212) 555-0188

Work Experience
Call Center Agent - Alorica, Manila
2019 - 2022
"""
    parsed = parse_resume(text)
    assert parsed.name is None
    assert "name not found" in parsed.warnings
    assert parsed.email == "agent.2019@example.com"
    assert parsed.phone_e164 == "+12125550188"
    assert positions(parsed) == [("Alorica", "Call Center Agent")]


DATE_CASES = [
    ("Jan 2019 – Present", "2019-01", None, True),
    ("January 2019 - present", "2019-01", None, True),
    ("01/2019 - 03/2021", "2019-01", "2021-03", False),
    ("2019-01 to 2021-03", "2019-01", "2021-03", False),
    ("2018 – 2020", "2018", "2020", False),
    ("mars 2017 - aujourd'hui", "2017-03", None, True),
    ("seit 2020", "2020", None, True),
    ("seit 03/2021", "2021-03", None, True),
    ("Sept. 2015 — Juni 2018", "2015-09", "2018-06", False),
    ("2019.01 ~ 2021.03", "2019-01", "2021-03", False),
    ("enero 2018 - actualidad", "2018-01", None, True),
    ("Ene 2016 – Dic 2017", "2016-01", "2017-12", False),
    ("março de 2017 a dezembro de 2019", "2017-03", "2019-12", False),
    ("jan 2018 - heden", "2018-01", None, True),
    ("Januari 2019 - Sekarang", "2019-01", None, True),
    ("Since March 2020", "2020-03", None, True),
    ("Dec '18 – Now", "2018-12", None, True),
    ("05.2016 - 11.2019", "2016-05", "2019-11", False),
    ("Oct 2020 - Current", "2020-10", None, True),
    ("2021 - heute", "2021", None, True),
    ("De 2015 à 2018", "2015", "2018", False),
    ("juil. 2012 – août 2014", "2012-07", "2014-08", False),
    ("März 2017 bis Dezember 2019", "2017-03", "2019-12", False),
    ("Feb 2020 - actual", "2020-02", None, True),
]


@pytest.mark.parametrize(("written", "start", "end", "current"), DATE_CASES)
def test_date_formats(written: str, start: str, end: str | None, current: bool) -> None:
    text = f"Ana Reyes\nana@example.com\n\nExperience\nSales Associate at Target\n{written}\n"
    parsed = parse_resume(text)
    [job] = parsed.employment
    assert (job.start, job.end, job.current) == (start, end, current)
    assert (job.employer, job.title) == ("Target", "Sales Associate")


def test_dates_on_the_same_line_as_title_and_company() -> None:
    text = """Ana Reyes
Experience
Acme Logistics Ltd | Dispatcher | 2017 – 2019
Warehouse Associate, Amazon (Mar 2015 – Jan 2017)
"""
    parsed = parse_resume(text)
    assert positions(parsed) == [
        ("Acme Logistics Ltd", "Dispatcher"),
        ("Amazon", "Warehouse Associate"),
    ]
    assert [(p.start, p.end) for p in parsed.employment] == [
        ("2017", "2019"),
        ("2015-03", "2017-01"),
    ]


def test_title_line_then_company_line_and_company_then_title() -> None:
    text = """Ana Reyes
Work History
Registered Nurse
St. Luke's Medical Center, Quezon City
2016 – 2020
Kaiser Permanente
Charge Nurse
2020 – Present
"""
    parsed = parse_resume(text)
    assert positions(parsed) == [
        ("St. Luke's Medical Center", "Registered Nurse"),
        ("Kaiser Permanente", "Charge Nurse"),
    ]
    assert parsed.employment[0].location == "Quezon City"
    assert parsed.employment[1].current is True


INDIAN_CV = """\
Resume of PRIYA RAMANATHAN
Bengaluru, India | priya.r@outlook.com | +91 98450 12345

01. Work Experience:
Infosys Limited, Bengaluru
   Senior Data Analyst (Apr 2021 - Present)
      - Built Tableau dashboards used by 300 managers
   Data Analyst (Jul 2018 - Mar 2021)
      - Automated weekly reports with Python and SQL
Wipro Technologies | Hyderabad
Associate Consultant, 2016 – 2018

02. Education:
Anna University — B.E. Electronics and Communication (2012–2016), CGPA 8.4/10
Higher Secondary Certificate, Delhi Public School, 2012

03. Skills:
SQL • Python • Tableau • Power BI • Excel (advanced) • Statistics
Languages: English, Hindi, Tamil (native)
"""


def test_numbered_headings_and_several_roles_under_one_employer() -> None:
    parsed = parse_resume(INDIAN_CV, default_region="IN")
    assert parsed.name is not None and parsed.name.full == "Priya Ramanathan"
    assert parsed.phone_e164 == "+919845012345"
    assert positions(parsed) == [
        ("Infosys Limited", "Senior Data Analyst"),
        ("Infosys Limited", "Data Analyst"),
        ("Wipro Technologies", "Associate Consultant"),
    ]
    assert [(p.start, p.end, p.current) for p in parsed.employment] == [
        ("2021-04", None, True),
        ("2018-07", "2021-03", False),
        ("2016", "2018", False),
    ]
    assert parsed.employment[2].location == "Hyderabad"
    assert [(s.school, s.degree, s.major) for s in parsed.education] == [
        ("Anna University", "B.E.", "Electronics and Communication"),
        ("Delhi Public School", "Higher Secondary Certificate", None),
    ]
    assert parsed.skills[:6] == [
        "SQL",
        "Python",
        "Tableau",
        "Power BI",
        "Microsoft Excel",
        "Statistics",
    ]
    assert parsed.languages == ["English", "Hindi", "Tamil"]
    assert parsed.warnings == []
    assert_nothing_invented(parsed, INDIAN_CV)


def test_skills_are_canonical_and_matched_on_word_boundaries() -> None:
    text = """Ana Reyes
Skills
JS, TypeScript, Postgres, k8s, Golang, MS Excel, ReactJS, Node, C#, C++, CI/CD
javascript; JAVASCRIPT; machine learning and Machine-Learning
Interests: going to the gym, Javanese cooking
"""
    skills = parse_resume(text).skills
    for canonical in [
        "JavaScript",
        "TypeScript",
        "PostgreSQL",
        "Kubernetes",
        "Go",
        "Microsoft Excel",
        "React",
        "Node.js",
        "C#",
        "C++",
        "CI/CD",
        "Machine Learning",
    ]:
        assert canonical in skills
    assert len(skills) == len(set(skills))
    assert "Java" not in skills  # "JavaScript" and "Javanese" are not Java
    assert "C" not in skills  # "C#" and "C++" are not C


def test_phone_normalization_with_and_without_a_region() -> None:
    local = "Ana Reyes\nana@example.com\nMobile: 0917 123 4567\n"
    assert parse_resume(local, default_region="PH").phone_e164 == "+639171234567"
    unknown = parse_resume(local)
    assert unknown.phone == "0917 123 4567"
    assert unknown.phone_e164 is None
    assert any("no country code" in w for w in unknown.warnings)
    international = "Ana Reyes\nana@example.com\nTel. +33 6 12 34 56 78\n"
    assert parse_resume(international, default_region="US").phone_e164 == "+33612345678"
    # The country of the address stands in for a missing default region.
    french = "Léa Martin\nLyon, France | 06 12 34 56 78 | lea@example.fr\n"
    assert parse_resume(french).phone_e164 == "+33612345678"


def test_date_ranges_are_not_phone_numbers() -> None:
    text = "Ana Reyes\nana@example.com\nSkills\nExcel\n01/2019 - 03/2021\n"
    parsed = parse_resume(text, default_region="US")
    assert parsed.phone is None and parsed.phone_e164 is None


def test_links() -> None:
    text = """Ana Reyes | ana@reyes.dev
https://www.linkedin.com/in/ana-reyes-123/ · GitHub: github.com/anareyes · Portfolio: anareyes.design
twitter.com/anareyes
"""
    links = parse_resume(text).links
    assert links.linkedin == "https://www.linkedin.com/in/ana-reyes-123/"
    assert links.github == "https://github.com/anareyes"
    assert links.portfolio == "https://anareyes.design"
    assert links.other == ["https://twitter.com/anareyes"]


@pytest.mark.parametrize(
    ("line", "full", "first", "last"),
    [
        ("DUPONT, Jean-Pierre", "Jean-Pierre Dupont", "Jean-Pierre", "Dupont"),
        ("Jan van der Berg", "Jan van der Berg", "Jan", "van der Berg"),
        ("María José de la Cruz", "María José de la Cruz", "María José", "de la Cruz"),
        ("ZHANG Wei", "ZHANG Wei", "Wei", "ZHANG"),
        ("SØREN ØSTERGAARD", "Søren Østergaard", "Søren", "Østergaard"),
        ("Name: Nguyễn Thị Lan", "Nguyễn Thị Lan", "Nguyễn Thị", "Lan"),
        ("Curriculum Vitae - Oluwaseun Adeyemi", "Oluwaseun Adeyemi", "Oluwaseun", "Adeyemi"),
    ],
)
def test_names(line: str, full: str, first: str, last: str) -> None:
    parsed = parse_resume(f"{line}\nseun@example.com\n")
    assert parsed.name is not None
    assert (parsed.name.full, parsed.name.first, parsed.name.last) == (full, first, last)


@pytest.mark.parametrize(
    "first_line",
    [
        "Curriculum Vitae",
        "Senior Software Engineer",
        "Manila, Philippines",
        "EXPERIENCE",
        "john.doe@example.com",
        "Acme Corporation Inc.",
    ],
)
def test_lines_that_are_not_names(first_line: str) -> None:
    parsed = parse_resume(f"{first_line}\n+1 212 555 0188\n")
    assert parsed.name is None
    assert "name not found" in parsed.warnings


def test_never_invents() -> None:
    parsed = parse_resume("Ana Reyes\nana@example.com\n")
    assert parsed.name is not None and parsed.name.full == "Ana Reyes"
    assert parsed.phone is None and parsed.phone_e164 is None
    assert parsed.employment == [] and parsed.education == []
    assert parsed.skills == [] and parsed.languages == [] and parsed.certifications == []
    assert parsed.summary is None and parsed.location is None
    assert parsed.links.linkedin is None and parsed.links.github is None
    assert "phone not found" in parsed.warnings
    assert "no employment section found" in parsed.warnings


def test_a_position_without_dates_is_kept_with_a_warning() -> None:
    text = "Ana Reyes\nExperience\nBarista at Starbucks\nServed 300 customers a day\n"
    parsed = parse_resume(text)
    [job] = parsed.employment
    assert (job.employer, job.title, job.start, job.end, job.current) == (
        "Starbucks",
        "Barista",
        None,
        None,
        False,
    )
    assert any(w.startswith("no dates for position") for w in parsed.warnings)


def test_empty_and_garbage_text() -> None:
    for text in ["", "   \n\n", "%%%% ---- ####", "1234567"]:
        parsed = parse_resume(text)
        assert parsed.name is None and parsed.employment == []
        assert "name not found" in parsed.warnings


def test_hand_made_cvs_invent_nothing() -> None:
    for text in (ENGLISH_CV, FRENCH_CV, GERMAN_CV):
        assert_nothing_invented(parse_resume(text), text)
