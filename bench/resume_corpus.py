"""A labelled résumé corpus, generated from structured ground truth.

Each résumé is a person made up from seeded pools (names from many cultures, accented and
with particles; employers with and without legal suffixes, well-known brands; job titles in
several languages; schools, degrees and majors; date ranges), then laid out with one of
several templates and written as DOCX (python-docx) or PDF (reportlab), next to a JSON file
with the truth:

    cv_007.pdf   cv_007.json   {"name": ..., "email": ..., "phone_e164": ...,
                                "employment": [{"employer", "title", "start", "end", ...}],
                                "education": [{"school", "degree", "major", ...}],
                                "skills": [...], "languages": [...], ...}

Templates (see ``TEMPLATES``): classic one column; two columns (a DOCX table, or a PDF with
two text frames); a contact table under the name; "Title at Company" lines; "Company | Title |
dates" lines; education first with company-then-title lines; French, German (tabular, dates
first), Spanish, Portuguese and Dutch headings; LinkedIn-style exports; dates in the left
margin; "LAST, First" names under a "Curriculum Vitae" banner; Asian-style ``2019.01 ~
2021.03`` dates. Date formats vary per template and language.

Run it:

    .venv/bin/python bench/resume_corpus.py OUT_DIR [--n 96] [--seed 7]

Deterministic: the same seed writes the same documents.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------------------

# (first names, last names, region, city pool, language)
PEOPLE = {
    "us": (
        [
            "Emily",
            "Michael",
            "Jessica",
            "Tyrone",
            "Ashley",
            "Brandon",
            "Megan",
            "Kevin",
            "Latoya",
            "Christopher",
            "Samantha",
            "Jordan",
            "Grace",
            "Daniel",
        ],
        [
            "Johnson",
            "Williams",
            "O'Connor",
            "Martinez",
            "Nguyen",
            "Washington",
            "Patel",
            "McAllister",
            "Brooks",
            "Rivera",
            "Kowalski",
            "Thompson",
            "Hayes",
        ],
        "US",
    ),
    "ph": (
        [
            "Maria Clara",
            "Jose",
            "Kristine",
            "Mark Anthony",
            "Angelica",
            "John Paul",
            "Rhea",
            "Jerome",
            "Princess",
            "Arnel",
            "Maricel",
            "Rodel",
        ],
        [
            "Santos",
            "Reyes",
            "dela Cruz",
            "Bautista",
            "Villanueva",
            "Garcia",
            "Mendoza",
            "Aquino",
            "Manalo",
            "Dimaculangan",
            "Pascual",
        ],
        "PH",
    ),
    "fr": (
        [
            "Chloé",
            "François",
            "Élodie",
            "Mathieu",
            "Inès",
            "Théo",
            "Anaïs",
            "Jérôme",
            "Léa",
            "Karim",
            "Amélie",
        ],
        [
            "Dubois",
            "Lefèvre",
            "Moreau",
            "Girard",
            "de la Fontaine",
            "Benali",
            "Rousseau",
            "Mercier",
            "Fontaine",
            "Le Gall",
        ],
        "FR",
    ),
    "de": (
        [
            "Jürgen",
            "Lena",
            "Maximilian",
            "Sophie",
            "Lukas",
            "Anna-Lena",
            "Jonas",
            "Katharina",
            "Björn",
            "Özlem",
        ],
        [
            "Müller",
            "Schröder",
            "von Hohenberg",
            "Weiß",
            "Becker",
            "Hoffmann",
            "Yılmaz",
            "Schäfer",
            "Krüger",
        ],
        "DE",
    ),
    "es": (
        [
            "José",
            "María José",
            "Alejandro",
            "Lucía",
            "Javier",
            "Carmen",
            "Sofía",
            "Andrés",
            "Nuria",
            "Íñigo",
        ],
        [
            "García López",
            "Martínez",
            "Fernández",
            "de la Cruz",
            "Sánchez",
            "Ruiz",
            "Ibáñez",
            "Muñoz",
            "del Río",
        ],
        "ES",
    ),
    "mx": (
        ["Guadalupe", "Juan Carlos", "Ximena", "Luis Fernando", "Daniela", "Rodrigo"],
        ["Hernández", "González Pérez", "Ramírez", "Torres", "Flores"],
        "MX",
    ),
    "br": (
        ["João", "Ana Beatriz", "Lucas", "Mariana", "Gabriel", "Júlia", "Thiago", "Larissa"],
        ["Silva", "Santos", "Oliveira", "dos Santos", "Souza", "Conceição", "Araújo"],
        "BR",
    ),
    "nl": (
        ["Jan", "Sanne", "Pieter", "Femke", "Daan", "Lotte", "Bram", "Anouk"],
        ["van der Berg", "de Vries", "Jansen", "van Dijk", "Bakker", "de Jong", "Visser"],
        "NL",
    ),
    "in": (
        ["Priya", "Aarav", "Ananya", "Rohit", "Deepika", "Vikram", "Sneha", "Arjun"],
        ["Ramanathan", "Sharma", "Iyer", "Patel", "Reddy", "Chatterjee", "Nair"],
        "IN",
    ),
    "ng": (
        ["Oluwaseun", "Chinonso", "Adaeze", "Emeka", "Funmilayo", "Ibrahim"],
        ["Adeyemi", "Okafor", "Eze", "Balogun", "Abubakar", "Nwosu"],
        "NG",
    ),
    "id": (
        ["Siti", "Muhammad Rizky", "Dewi", "Agus", "Putri", "Budi", "Nur Aisyah"],
        ["Rahmawati", "Pratama", "Lestari", "Santoso", "Wijaya", "Hidayat"],
        "ID",
    ),
    "asia": (
        ["Wei", "Thị Lan", "Kenji", "Ji-woo", "Minh Anh", "Yuki", "Hao"],
        ["Zhang", "Nguyễn", "Watanabe", "Park", "Trần", "Tanaka", "Chen"],
        "SG",
    ),
    "nordic": (
        ["Søren", "Åsa", "Łukasz", "Zoë", "Ingrid", "Mikael"],
        ["Østergaard", "Wiśniewski", "Lindqvist", "Nieminen", "Kowalczyk"],
        "GB",
    ),
}

CITIES = {
    "US": [
        ("Austin", "TX"),
        ("Chicago", "IL"),
        ("Seattle", "WA"),
        ("Atlanta", "GA"),
        ("Springfield", "IL"),
        ("Tampa", "FL"),
        ("Columbus", "OH"),
        ("Denver", "CO"),
    ],
    "PH": [
        ("Makati City", "Philippines"),
        ("Quezon City", "Philippines"),
        ("Cebu City", "Philippines"),
        ("Pasig City", "Philippines"),
        ("Davao City", "Philippines"),
        ("Iloilo City", "Philippines"),
    ],
    "FR": [
        ("Paris", "France"),
        ("Lyon", "France"),
        ("Nantes", "France"),
        ("Lille", "France"),
        ("Toulouse", "France"),
        ("Bordeaux", "France"),
    ],
    "DE": [
        ("Berlin", "Deutschland"),
        ("München", "Deutschland"),
        ("Hamburg", "Deutschland"),
        ("Köln", "Deutschland"),
        ("Leipzig", "Deutschland"),
        ("Stuttgart", "Deutschland"),
    ],
    "ES": [
        ("Madrid", "España"),
        ("Barcelona", "España"),
        ("Valencia", "España"),
        ("Sevilla", "España"),
        ("Bilbao", "España"),
    ],
    "MX": [("Ciudad de México", "México"), ("Guadalajara", "México"), ("Monterrey", "México")],
    "BR": [
        ("São Paulo", "Brasil"),
        ("Rio de Janeiro", "Brasil"),
        ("Curitiba", "Brasil"),
        ("Belo Horizonte", "Brasil"),
    ],
    "NL": [
        ("Amsterdam", "Nederland"),
        ("Rotterdam", "Nederland"),
        ("Utrecht", "Nederland"),
        ("Eindhoven", "Nederland"),
    ],
    "IN": [("Bengaluru", "India"), ("Pune", "India"), ("Hyderabad", "India"), ("Chennai", "India")],
    "NG": [("Lagos", "Nigeria"), ("Abuja", "Nigeria"), ("Ibadan", "Nigeria")],
    "ID": [("Jakarta", "Indonesia"), ("Bandung", "Indonesia"), ("Surabaya", "Indonesia")],
    "SG": [("Singapore", "Singapore"), ("Hanoi", "Vietnam"), ("Tokyo", "Japan")],
    "GB": [
        ("London", "United Kingdom"),
        ("Manchester", "United Kingdom"),
        ("Copenhagen", "Denmark"),
        ("Stockholm", "Sweden"),
    ],
}

PHONES = {
    "US": ["({a}) {b}-{c}", "+1 {a}-{b}-{c}", "{a}.{b}.{c}", "+1 ({a}) {b} {c}"],
    "PH": ["+63 9{p2} {b} {c}", "09{p2} {b} {c}", "+63 (9{p2}) {b}-{c}", "09{p2}-{b}-{c}"],
    "FR": ["+33 6 {d1} {d2} {d3} {d4}", "06 {d1} {d2} {d3} {d4}", "+33 (0)7 {d1} {d2} {d3} {d4}"],
    "DE": ["+49 151 {e7}", "0151 {e7}", "+49 (0) 170 {e7}", "+49 30 {e7}"],
    "ES": ["+34 6{p2} {b} {b2}", "6{p2} {b} {b2}", "+34 91 {b} {d1} {d2}"],
    "MX": ["+52 55 {e4} {c}", "55 {e4} {c}", "+52 33 {e4} {c}"],
    "BR": ["+55 11 9{e4}-{c}", "(11) 9{e4}-{c}", "+55 21 9{e4}-{c}"],
    "NL": ["+31 6 {e4}{c}", "06-{e4}{c}", "+31 (0)6 {e4} {c}"],
    "IN": ["+91 98{b} {e5}", "+91-98{b}-{e5}", "098{b} {e5}"],
    "NG": ["+234 803 {b} {c}", "0803 {b} {c}", "+234 (0) 805 {b} {c}"],
    "ID": ["+62 812-{e4}-{c}", "0812 {e4} {c}", "+62 811 {e4} {c}"],
    "SG": ["+65 9{b} {c}", "+65 8{b}-{c}"],
    "GB": ["+44 7700 9{b}{d1}", "07700 9{b}{d1}", "+44 (0)20 7946 {c}"],
}

EMAIL_DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "proton.me",
    "hotmail.com",
    "gmx.de",
    "orange.fr",
    "icloud.com",
    "mail.com",
]

ADJ = [
    "Northwind",
    "Bluewave",
    "Summit",
    "Redwood",
    "Pinnacle",
    "Brightpath",
    "Silverline",
    "Evergreen",
    "Harborview",
    "Crescent",
    "Lakeside",
    "Oakridge",
    "Granite",
    "Cobalt",
    "Meridian",
    "Keystone",
    "Sterling",
    "Riverbend",
    "Aurora",
    "Falcon",
]
NOUN = [
    "Logistics",
    "Health",
    "Solutions",
    "Technologies",
    "Financial",
    "Retail",
    "Foods",
    "Systems",
    "Labs",
    "Partners",
    "Media",
    "Consulting",
    "Manufacturing",
    "Insurance",
    "Software",
    "Energy",
    "Analytics",
    "Outsourcing",
    "Hotels",
    "Medical Center",
]
SUFFIX = ["Inc.", "LLC", "Ltd", "Corp.", "Group", "", "", ""]
BRANDS = {
    "any": [
        "Accenture",
        "Deloitte",
        "Teleperformance",
        "Concentrix",
        "DHL",
        "Amazon",
        "Unilever",
        "Capgemini",
        "IKEA",
        "Starbucks",
        "KPMG",
        "Siemens",
        "Maersk",
        "Shopify",
        "Stripe",
        "Booking.com",
        "Spotify",
    ],
    "US": ["Kaiser Permanente", "Target", "Walmart", "Alorica", "Mayo Clinic", "UPS", "Salesforce"],
    "PH": [
        "TaskUs",
        "Jollibee Foods Corporation",
        "Globe Telecom",
        "Ayala Land",
        "BDO Unibank",
        "St. Luke's Medical Center",
        "Sitel Philippines",
        "Meralco",
    ],
    "FR": [
        "Société Générale",
        "Decathlon",
        "Carrefour",
        "BNP Paribas",
        "L'Oréal",
        "Ubisoft",
        "Hôpital Necker",
        "Renault",
        "Leroy Merlin",
        "Crédit Agricole",
    ],
    "DE": [
        "Deutsche Bahn",
        "Allianz",
        "Zalando",
        "Bosch",
        "Lidl",
        "Charité Berlin",
        "Stadtwerke München GmbH",
        "Otto Group",
        "Müller Logistik GmbH & Co. KG",
    ],
    "ES": [
        "Telefónica",
        "Inditex",
        "BBVA",
        "Mercadona",
        "Banco Santander",
        "Hospital Clínic de Barcelona",
        "Glovo",
    ],
    "MX": ["Grupo Bimbo", "Mercado Libre", "Cemex", "Liverpool"],
    "BR": ["Petrobras", "Itaú Unibanco", "Nubank", "Ambev", "Magazine Luiza", "iFood"],
    "NL": ["Adyen", "Philips", "ING", "Coolblue", "Rabobank", "bol.com"],
    "IN": ["Infosys", "Wipro", "Tata Consultancy Services", "Flipkart", "HDFC Bank"],
    "NG": ["Dangote Group", "Access Bank", "Andela", "MTN Nigeria", "Flutterwave"],
    "ID": ["PT Bank Central Asia Tbk", "Gojek", "Tokopedia", "PT Telkom Indonesia", "Traveloka"],
    "SG": ["Grab", "Shopee", "DBS Bank", "Sea Limited"],
    "GB": ["Tesco", "Barclays", "NHS Greater Glasgow", "Ocado", "Novo Nordisk"],
}

INDUSTRIES = [
    "software",
    "data",
    "bpo",
    "healthcare",
    "finance",
    "hr",
    "logistics",
    "marketing",
    "design",
    "trades",
    "sales",
    "hospitality",
]

TITLES = {
    "en": {
        "software": [
            "Software Engineer",
            "Senior Software Engineer",
            "Backend Developer",
            "Frontend Developer",
            "Full Stack Developer",
            "DevOps Engineer",
            "QA Engineer",
            "Mobile Developer",
            "Engineering Manager",
            "Technical Lead",
            "Junior Web Developer",
        ],
        "data": [
            "Data Analyst",
            "Data Scientist",
            "Data Engineer",
            "BI Analyst",
            "Machine Learning Engineer",
            "Analytics Manager",
            "Reporting Analyst",
        ],
        "bpo": [
            "Customer Service Representative",
            "Call Center Agent",
            "Technical Support Representative",
            "Team Leader",
            "Quality Analyst",
            "Operations Manager",
            "Customer Care Specialist",
            "Chat Support Agent",
            "Workforce Analyst",
            "Senior Customer Service Associate",
        ],
        "healthcare": [
            "Registered Nurse",
            "Staff Nurse",
            "Nursing Assistant",
            "Medical Assistant",
            "Pharmacist",
            "Physical Therapist",
            "Charge Nurse",
            "Caregiver",
            "Phlebotomist",
            "Medical Receptionist",
        ],
        "finance": [
            "Accountant",
            "Senior Accountant",
            "Financial Analyst",
            "Bookkeeper",
            "Accounts Payable Specialist",
            "Internal Auditor",
            "Finance Manager",
            "Payroll Specialist",
            "Credit Analyst",
        ],
        "hr": [
            "Recruiter",
            "Talent Acquisition Specialist",
            "HR Generalist",
            "HR Coordinator",
            "Technical Recruiter",
            "HR Business Partner",
            "Sourcing Specialist",
            "HR Manager",
        ],
        "logistics": [
            "Warehouse Associate",
            "Forklift Operator",
            "Logistics Coordinator",
            "Supply Chain Analyst",
            "Dispatcher",
            "Delivery Driver",
            "Inventory Specialist",
            "Warehouse Supervisor",
            "Procurement Officer",
        ],
        "marketing": [
            "Marketing Coordinator",
            "Digital Marketing Specialist",
            "Content Writer",
            "SEO Specialist",
            "Social Media Manager",
            "Marketing Manager",
            "Brand Manager",
        ],
        "design": [
            "Graphic Designer",
            "UX Designer",
            "Product Designer",
            "UI Designer",
            "Art Director",
            "Web Designer",
        ],
        "trades": [
            "Electrician",
            "Welder",
            "Plumber",
            "Maintenance Technician",
            "HVAC Technician",
            "Carpenter",
            "CNC Machinist",
        ],
        "sales": [
            "Sales Representative",
            "Account Executive",
            "Business Development Manager",
            "Sales Associate",
            "Account Manager",
            "Inside Sales Representative",
            "Store Manager",
        ],
        "hospitality": [
            "Front Desk Agent",
            "Line Cook",
            "Barista",
            "Server",
            "Hotel Manager",
            "Housekeeping Supervisor",
            "Sous Chef",
        ],
    },
    "fr": {
        "software": [
            "Développeur web",
            "Ingénieur logiciel",
            "Développeuse Full Stack",
            "Chef de projet informatique",
            "Architecte logiciel",
        ],
        "data": ["Analyste de données", "Data Scientist", "Ingénieure data"],
        "bpo": [
            "Conseiller clientèle",
            "Téléconseillère",
            "Responsable service client",
            "Superviseur centre d'appels",
        ],
        "healthcare": ["Infirmière", "Aide-soignant", "Pharmacien", "Infirmier de bloc"],
        "finance": [
            "Comptable",
            "Contrôleur de gestion",
            "Assistante comptable",
            "Gestionnaire de paie",
        ],
        "hr": ["Chargée de recrutement", "Responsable RH", "Assistante RH"],
        "logistics": [
            "Magasinier cariste",
            "Responsable logistique",
            "Préparateur de commandes",
            "Chauffeur livreur",
        ],
        "marketing": ["Chargé de communication", "Chef de produit marketing", "Rédactrice web"],
        "design": ["Graphiste", "Designer UX", "Directeur artistique"],
        "trades": ["Technicien de maintenance", "Électricien", "Soudeur"],
        "sales": [
            "Commercial sédentaire",
            "Vendeuse",
            "Responsable de magasin",
            "Chargé d'affaires",
        ],
        "hospitality": ["Serveur", "Réceptionniste", "Cuisinier", "Chef de rang"],
    },
    "de": {
        "software": [
            "Softwareentwickler",
            "Senior Softwareentwicklerin",
            "IT-Projektleiter",
            "Fachinformatiker für Anwendungsentwicklung",
        ],
        "data": ["Datenanalyst", "Data Engineer", "BI-Berater"],
        "bpo": ["Kundenberater", "Teamleiter Kundenservice", "Servicemitarbeiterin"],
        "healthcare": ["Krankenpfleger", "Pflegefachkraft", "Medizinische Fachangestellte"],
        "finance": ["Buchhalterin", "Steuerfachangestellter", "Controller", "Finanzbuchhalter"],
        "hr": ["Personalreferentin", "Recruiterin", "Personalsachbearbeiter"],
        "logistics": ["Lagerist", "Disponent", "Fachkraft für Lagerlogistik", "Berufskraftfahrer"],
        "marketing": ["Marketing Manager", "Online-Marketing-Managerin", "Referent Marketing"],
        "design": ["Grafikdesigner", "UX Designerin", "Mediengestalter"],
        "trades": ["Elektriker", "Industriemechaniker", "Anlagenmechaniker"],
        "sales": [
            "Vertriebsmitarbeiter",
            "Industriekauffrau",
            "Außendienstmitarbeiter",
            "Verkäuferin",
        ],
        "hospitality": ["Koch", "Hotelfachfrau", "Kellner", "Restaurantleiter"],
    },
    "es": {
        "software": [
            "Desarrollador de software",
            "Ingeniera de software",
            "Programador web",
            "Jefe de proyecto TI",
        ],
        "data": ["Analista de datos", "Ingeniero de datos", "Científica de datos"],
        "bpo": [
            "Agente de atención al cliente",
            "Teleoperadora",
            "Supervisor de call center",
            "Asesor telefónico",
        ],
        "healthcare": ["Enfermera", "Auxiliar de enfermería", "Farmacéutico"],
        "finance": ["Contadora", "Analista financiero", "Auxiliar contable", "Auditor interno"],
        "hr": ["Reclutadora", "Técnico de selección", "Responsable de recursos humanos"],
        "logistics": [
            "Jefe de almacén",
            "Operario de almacén",
            "Coordinador logístico",
            "Conductor repartidor",
        ],
        "marketing": [
            "Especialista en marketing digital",
            "Community manager",
            "Redactora de contenidos",
        ],
        "design": ["Diseñadora gráfica", "Diseñador UX/UI"],
        "trades": ["Técnico de mantenimiento", "Electricista", "Soldador"],
        "sales": ["Ejecutivo de ventas", "Dependienta", "Asesor comercial", "Gerente de tienda"],
        "hospitality": ["Camarero", "Recepcionista", "Cocinera", "Jefe de cocina"],
    },
    "pt": {
        "software": ["Desenvolvedor de software", "Engenheira de software", "Analista de sistemas"],
        "data": ["Analista de dados", "Cientista de dados"],
        "bpo": [
            "Atendente de call center",
            "Operadora de telemarketing",
            "Supervisor de atendimento",
        ],
        "healthcare": ["Enfermeira", "Técnico de enfermagem"],
        "finance": ["Contador", "Analista financeira", "Assistente contábil"],
        "hr": ["Analista de RH", "Recrutadora"],
        "logistics": ["Auxiliar de logística", "Coordenador de logística", "Motorista entregador"],
        "marketing": ["Analista de marketing", "Redatora publicitária"],
        "design": ["Designer gráfico", "Designer de produto"],
        "trades": ["Eletricista", "Técnico de manutenção"],
        "sales": ["Vendedor", "Executiva de contas", "Gerente comercial"],
        "hospitality": ["Garçom", "Recepcionista", "Cozinheiro"],
    },
    "nl": {
        "software": ["Softwareontwikkelaar", "Front-end developer", "Scrum Master"],
        "data": ["Data-analist", "Data Engineer"],
        "bpo": ["Klantenservicemedewerker", "Teamleider klantenservice"],
        "healthcare": ["Verpleegkundige", "Doktersassistent"],
        "finance": ["Boekhouder", "Financieel adviseur", "Controller"],
        "hr": ["Recruiter", "HR-adviseur"],
        "logistics": ["Magazijnmedewerker", "Planner logistiek", "Chauffeur"],
        "marketing": ["Marketingmedewerker", "Online marketeer"],
        "design": ["Grafisch ontwerper", "UX designer"],
        "trades": ["Monteur", "Elektricien", "Lasser"],
        "sales": ["Accountmanager", "Verkoopmedewerker", "Winkelmanager"],
        "hospitality": ["Kok", "Bediening medewerker", "Receptionist"],
    },
}

SCHOOLS = {
    "US": [
        "University of Texas at Austin",
        "Arizona State University",
        "Georgia Institute of Technology",
        "Community College of Philadelphia",
        "Ohio State University",
        "Stanford University",
        "University of Washington",
        "Miami Dade College",
    ],
    "PH": [
        "University of Santo Tomas",
        "Ateneo de Manila University",
        "De La Salle University",
        "Polytechnic University of the Philippines",
        "University of the Philippines Diliman",
        "Mapúa University",
        "University of San Carlos",
    ],
    "FR": [
        "Université Paris-Saclay",
        "Sorbonne Université",
        "INSA Lyon",
        "IUT de Bordeaux",
        "HEC Paris",
        "École Polytechnique",
        "Université de Nantes",
        "Lycée Victor Hugo",
    ],
    "DE": [
        "Technische Universität München",
        "Universität Hamburg",
        "Humboldt-Universität zu Berlin",
        "Hochschule München",
        "Goethe-Universität Frankfurt",
        "Berufskolleg Köln",
        "Universität Leipzig",
    ],
    "ES": [
        "Universidad Complutense de Madrid",
        "Universidad de Barcelona",
        "Universidad Politécnica de Valencia",
        "Universidad de Sevilla",
        "IES Luis Vives",
    ],
    "MX": [
        "Universidad Nacional Autónoma de México",
        "Instituto Tecnológico de Monterrey",
        "Universidad de Guadalajara",
    ],
    "BR": [
        "Universidade de São Paulo",
        "Universidade Federal do Rio de Janeiro",
        "Universidade Federal de Minas Gerais",
        "Faculdade de Tecnologia de São Paulo",
    ],
    "NL": [
        "Universiteit van Amsterdam",
        "Technische Universiteit Delft",
        "Hogeschool Utrecht",
        "Erasmus Universiteit Rotterdam",
    ],
    "IN": [
        "Indian Institute of Technology Bombay",
        "University of Delhi",
        "Anna University",
        "Manipal Institute of Technology",
    ],
    "NG": ["University of Lagos", "Obafemi Awolowo University", "Covenant University"],
    "ID": [
        "Universitas Indonesia",
        "Institut Teknologi Bandung",
        "Universitas Gadjah Mada",
        "Universitas Airlangga",
    ],
    "SG": [
        "National University of Singapore",
        "Vietnam National University",
        "Tsinghua University",
        "Waseda University",
    ],
    "GB": [
        "University of Manchester",
        "Imperial College London",
        "King's College London",
        "University of Copenhagen",
        "Stockholm University",
    ],
}

SECONDARY_SCHOOLS = {
    "US": ["Lincoln High School", "Westview High School"],
    "PH": ["Manila Science High School", "Pasig City National High School"],
    "FR": ["Lycée Victor Hugo", "Lycée Jean Moulin"],
    "DE": ["Gymnasium am Markt", "Goethe-Gymnasium Hamburg"],
    "ES": ["IES Luis Vives", "Colegio San José"],
    "MX": ["Colegio de Bachilleres", "Preparatoria 5 de la Universidad de Guadalajara"],
    "BR": ["Colégio Bandeirantes", "Escola Estadual Dom Pedro II"],
    "NL": ["Het Amsterdams Lyceum", "Stedelijk Gymnasium Utrecht"],
    "IN": ["Delhi Public School", "Kendriya Vidyalaya Pune"],
    "NG": ["King's College Lagos", "Federal Government College Ijanikin"],
    "ID": ["SMA Negeri 3 Bandung", "SMK Negeri 1 Jakarta"],
    "SG": ["Raffles Institution", "Hanoi-Amsterdam High School"],
    "GB": ["Manchester Grammar School", "Stockholm International School"],
}
SECONDARY = {"High School Diploma", "Baccalauréat", "Abitur", "Bachillerato", "Ensino Médio", "SMA"}

# (degree, major or None, how the line is written)
DEGREES = {
    "en": [
        ("Bachelor of Science", "Computer Science", "{d} in {m}"),
        ("Bachelor of Arts", "Communication", "{d} in {m}"),
        ("Master of Science", "Data Science", "{d} in {m}"),
        ("MBA", None, "{d}"),
        ("Master of Business Administration", None, "{d}"),
        ("BSc", "Nursing", "{d} {m}"),
        ("B.S.", "Accounting", "{d}, {m}"),
        ("Associate of Applied Science", "Welding Technology", "{d} in {m}"),
        ("High School Diploma", None, "{d}"),
        ("Bachelor of Science", "Nursing", "{d} in {m}"),
        ("Diploma", "Logistics Management", "{d} in {m}"),
        ("M.Sc.", "Finance", "{d} {m}"),
        ("B.A.", "Psychology", "{d} in {m}"),
        ("Bachelor of Engineering", "Mechanical Engineering", "{d} – {m}"),
        ("BS", "Information Technology", "{d} {m}"),
        ("Bachelor of Science", "Business Administration", "{d} in {m}"),
        ("Ph.D.", "Economics", "{d} in {m}"),
    ],
    "fr": [
        ("Master", "Informatique", "{d} en {m}"),
        ("Licence", "Économie-Gestion", "{d} {m}"),
        ("BTS", "Comptabilité et Gestion", "{d} {m}"),
        ("DUT", "Génie Électrique", "{d} {m}"),
        ("Diplôme d'ingénieur", "Génie Civil", "{d} en {m}"),
        ("Baccalauréat", None, "{d}"),
        ("Master 2", "Ressources Humaines", "{d} {m}"),
    ],
    "de": [
        ("Bachelor of Science", "Informatik", "{d} in {m}"),
        ("Master of Arts", "Betriebswirtschaftslehre", "{d}, {m}"),
        ("Abitur", None, "{d}"),
        ("B.Sc.", "Wirtschaftsinformatik", "{d} {m}"),
        ("Ausbildung", "Industriekauffrau", "{d} zur {m}"),
        ("M.A.", "Germanistik", "{d} {m}"),
        ("Diplom", "Maschinenbau", "{d} {m}"),
    ],
    "es": [
        ("Grado", "Administración de Empresas", "{d} en {m}"),
        ("Licenciatura", "Contaduría Pública", "{d} en {m}"),
        ("Máster", "Marketing Digital", "{d} en {m}"),
        ("Técnico Superior", "Enfermería", "{d} en {m}"),
        ("Bachillerato", None, "{d}"),
    ],
    "pt": [
        ("Bacharelado", "Ciência da Computação", "{d} em {m}"),
        ("Tecnólogo", "Logística", "{d} em {m}"),
        ("MBA", "Gestão de Projetos", "{d} em {m}"),
        ("Licenciatura", "Letras", "{d} em {m}"),
        ("Ensino Médio", None, "{d}"),
    ],
    "nl": [
        ("Bachelor", "Bedrijfskunde", "{d} {m}"),
        ("Master", "Informatica", "{d} {m}"),
        ("HBO", "Verpleegkunde", "{d} {m}"),
        ("MBO", "Logistiek", "{d} {m}"),
    ],
    "id": [
        ("S1", "Teknik Informatika", "{d} {m}"),
        ("D3", "Akuntansi", "{d} {m}"),
        ("Bachelor of Economics", None, "{d}"),
        ("SMA", None, "{d}"),
    ],
}

# (as written, canonical)
SKILLS = {
    "software": [
        ("Python", "Python"),
        ("JS", "JavaScript"),
        ("TypeScript", "TypeScript"),
        ("React", "React"),
        ("Node.js", "Node.js"),
        ("Postgres", "PostgreSQL"),
        ("Docker", "Docker"),
        ("k8s", "Kubernetes"),
        ("AWS", "AWS"),
        ("Git", "Git"),
        ("Java", "Java"),
        ("C#", "C#"),
        ("Django", "Django"),
        ("REST APIs", "REST APIs"),
        ("CI/CD", "CI/CD"),
        ("Linux", "Linux"),
        ("Go", "Go"),
        ("GraphQL", "GraphQL"),
    ],
    "data": [
        ("SQL", "SQL"),
        ("Python", "Python"),
        ("Pandas", "Pandas"),
        ("Tableau", "Tableau"),
        ("Power BI", "Power BI"),
        ("Excel", "Microsoft Excel"),
        ("machine learning", "Machine Learning"),
        ("scikit-learn", "scikit-learn"),
        ("Apache Spark", "Apache Spark"),
        ("BigQuery", "BigQuery"),
        ("R", "R"),
        ("statistics", "Statistics"),
        ("Airflow", "Airflow"),
        ("dbt", "dbt"),
    ],
    "bpo": [
        ("Zendesk", "Zendesk"),
        ("Salesforce", "Salesforce"),
        ("Customer service", "Customer Service"),
        ("Inbound calls", "Inbound Calls"),
        ("Chat support", "Chat Support"),
        ("Typing", "Typing"),
        ("MS Excel", "Microsoft Excel"),
        ("Genesys", "Genesys"),
        ("Freshdesk", "Freshdesk"),
        ("Upselling", "Upselling"),
        ("Complaint handling", "Complaint Handling"),
        ("Data entry", "Data Entry"),
        ("CSAT", "CSAT"),
        ("Active listening", "Active Listening"),
    ],
    "healthcare": [
        ("CPR", "CPR"),
        ("BLS", "BLS"),
        ("Patient care", "Patient Care"),
        ("Vital signs", "Vital Signs"),
        ("Phlebotomy", "Phlebotomy"),
        ("Epic EMR", "Epic Systems"),
        ("Wound care", "Wound Care"),
        ("Medication administration", "Medication Administration"),
        ("Triage", "Triage"),
        ("Infection control", "Infection Control"),
        ("HIPAA", "HIPAA"),
        ("Medical terminology", "Medical Terminology"),
    ],
    "finance": [
        ("Bookkeeping", "Bookkeeping"),
        ("QuickBooks", "QuickBooks"),
        ("SAP", "SAP"),
        ("Excel", "Microsoft Excel"),
        ("Accounts payable", "Accounts Payable"),
        ("Bank reconciliation", "Bank Reconciliation"),
        ("IFRS", "IFRS"),
        ("Payroll", "Payroll"),
        ("Financial reporting", "Financial Reporting"),
        ("Xero", "Xero"),
        ("Budgeting", "Budgeting"),
        ("Pivot tables", "Pivot Tables"),
    ],
    "hr": [
        ("Recruiting", "Recruiting"),
        ("Sourcing", "Sourcing"),
        ("Workday", "Workday"),
        ("Greenhouse", "Greenhouse"),
        ("Onboarding", "Onboarding"),
        ("Boolean search", "Boolean Search"),
        ("Employee relations", "Employee Relations"),
        ("LinkedIn Recruiter", "LinkedIn Recruiter"),
        ("Payroll", "Payroll"),
        ("Interviewing", "Interviewing"),
        ("HRIS", "HRIS"),
    ],
    "logistics": [
        ("Forklift", "Forklift"),
        ("Inventory management", "Inventory Management"),
        ("SAP", "SAP"),
        ("RF scanner", "RF Scanner"),
        ("Pallet jack", "Pallet Jack"),
        ("Shipping and receiving", "Shipping and Receiving"),
        ("Order picking", "Order Picking"),
        ("Excel", "Microsoft Excel"),
        ("Route planning", "Route Planning"),
        ("WMS", "WMS"),
        ("Supply chain", "Supply Chain Management"),
    ],
    "marketing": [
        ("SEO", "SEO"),
        ("Google Analytics", "Google Analytics"),
        ("HubSpot", "HubSpot"),
        ("Content marketing", "Content Marketing"),
        ("Copywriting", "Copywriting"),
        ("Google Ads", "Google Ads"),
        ("Mailchimp", "Mailchimp"),
        ("Social media marketing", "Social Media Marketing"),
        ("Canva", "Canva"),
        ("WordPress", "WordPress"),
    ],
    "design": [
        ("Figma", "Figma"),
        ("Photoshop", "Adobe Photoshop"),
        ("Illustrator", "Adobe Illustrator"),
        ("InDesign", "Adobe InDesign"),
        ("Wireframing", "Wireframing"),
        ("Prototyping", "Prototyping"),
        ("Typography", "Typography"),
        ("UX research", "UX Research"),
        ("Sketch", "Sketch"),
    ],
    "trades": [
        ("Welding", "Welding"),
        ("Blueprint reading", "Blueprint Reading"),
        ("HVAC", "HVAC"),
        ("Preventive maintenance", "Preventive Maintenance"),
        ("Electrical wiring", "Electrical Wiring"),
        ("OSHA 30", "OSHA"),
        ("PLC", "PLC Programming"),
        ("Power tools", "Power Tools"),
        ("AutoCAD", "AutoCAD"),
    ],
    "sales": [
        ("Salesforce", "Salesforce"),
        ("Cold calling", "Cold Calling"),
        ("Negotiation", "Negotiation"),
        ("Lead generation", "Lead Generation"),
        ("HubSpot", "HubSpot"),
        ("Account management", "Account Management"),
        ("B2B sales", "B2B Sales"),
        ("Cash handling", "Cash Handling"),
        ("Merchandising", "Merchandising"),
        ("Pipedrive", "Pipedrive"),
    ],
    "hospitality": [
        ("Food safety", "Food Safety"),
        ("Opera PMS", "Opera PMS"),
        ("Cash handling", "Cash Handling"),
        ("Food preparation", "Food Preparation"),
        ("Barista skills", "Barista Skills"),
        ("Reservations", "Reservations"),
        ("Housekeeping", "Housekeeping"),
        ("HACCP", "HACCP"),
    ],
}

CERTS = {
    "software": [
        "AWS Certified Solutions Architect – Associate",
        "Certified Kubernetes Administrator",
        "Oracle Certified Professional, Java SE 11 Developer",
    ],
    "data": [
        "Google Data Analytics Professional Certificate",
        "Microsoft Certified: Power BI Data Analyst Associate",
    ],
    "bpo": ["Customer Service Excellence Certificate", "TOEIC 945", "COPC Certified Professional"],
    "healthcare": [
        "BLS Provider (American Heart Association)",
        "Registered Nurse License",
        "ACLS Certification",
    ],
    "finance": [
        "Certified Public Accountant (CPA)",
        "ACCA Part-Qualified",
        "QuickBooks ProAdvisor",
    ],
    "hr": ["SHRM Certified Professional (SHRM-CP)", "LinkedIn Certified Professional Recruiter"],
    "logistics": ["Forklift Operator Certification", "OSHA 10-Hour General Industry", "APICS CSCP"],
    "marketing": ["Google Ads Search Certification", "HubSpot Inbound Marketing Certification"],
    "design": ["Google UX Design Certificate", "Adobe Certified Professional"],
    "trades": ["Journeyman Electrician License", "AWS Certified Welder", "EPA Section 608"],
    "sales": ["Salesforce Certified Administrator", "Certified Sales Professional"],
    "hospitality": ["ServSafe Food Handler", "WSET Level 2 in Wines"],
}

BULLETS = {
    "en": [
        "Handled {n} customer interactions per day while keeping quality scores above target",
        "Worked with {skill} daily to deliver reports and fixes on time",
        "Trained {n} new team members and wrote onboarding guides",
        "Reduced processing time by {n}% by improving the team's workflow",
        "Coordinated with other departments to resolve escalations",
        "Managed a budget of ${n}k and tracked monthly spending",
        "Introduced {skill} to the team and documented best practices",
    ],
    "fr": [
        "Gestion de {n} dossiers clients par jour",
        "Utilisation quotidienne de {skill}",
        "Formation de {n} nouveaux collaborateurs",
        "Amélioration des délais de traitement de {n} %",
    ],
    "de": [
        "Betreuung von {n} Kunden pro Tag",
        "Tägliche Arbeit mit {skill}",
        "Einarbeitung von {n} neuen Kollegen",
        "Verbesserung der Prozesse um {n} %",
    ],
    "es": [
        "Atención de {n} clientes al día",
        "Uso diario de {skill}",
        "Formación de {n} nuevos compañeros",
        "Reducción de tiempos en un {n} %",
    ],
    "pt": [
        "Atendimento de {n} clientes por dia",
        "Uso diário de {skill}",
        "Treinamento de {n} novos colaboradores",
    ],
    "nl": [
        "Dagelijks {n} klanten geholpen",
        "Werken met {skill}",
        "{n} nieuwe collega's ingewerkt",
    ],
}

SUMMARIES = {
    "en": "{title} with {y} years of experience in {ind}. Known for reliability, clear "
    "communication and a steady focus on results; comfortable with {skill} and {skill2}.",
    "fr": "{title} avec {y} ans d'expérience. Rigoureux(se), autonome et orienté(e) résultats ; "
    "maîtrise de {skill} et {skill2}.",
    "de": "{title} mit {y} Jahren Berufserfahrung. Zuverlässig, teamfähig und lösungsorientiert; "
    "sicher im Umgang mit {skill} und {skill2}.",
    "es": "{title} con {y} años de experiencia. Persona responsable, organizada y orientada a "
    "resultados; manejo de {skill} y {skill2}.",
    "pt": "{title} com {y} anos de experiência. Profissional organizado e focado em resultados; "
    "domínio de {skill} e {skill2}.",
    "nl": "{title} met {y} jaar ervaring. Betrouwbaar, klantgericht en resultaatgericht; "
    "ervaring met {skill} en {skill2}.",
}

HEADINGS = {
    "en": {
        "summary": ["Summary", "Professional Summary", "Profile", "About Me"],
        "experience": [
            "Experience",
            "Work Experience",
            "Professional Experience",
            "Employment History",
            "Work History",
        ],
        "education": ["Education", "Education and Training", "Academic Background"],
        "skills": ["Skills", "Technical Skills", "Key Skills", "Core Competencies"],
        "languages": ["Languages"],
        "certifications": ["Certifications", "Licenses & Certifications"],
        "contact": ["Contact", "Contact Information"],
    },
    "fr": {
        "summary": ["Profil", "Profil professionnel", "À propos"],
        "experience": [
            "Expérience professionnelle",
            "Expériences professionnelles",
            "Parcours professionnel",
        ],
        "education": ["Formation", "Formations", "Diplômes et formations"],
        "skills": ["Compétences", "Compétences techniques"],
        "languages": ["Langues"],
        "certifications": ["Certifications"],
        "contact": ["Coordonnées", "Contact"],
    },
    "de": {
        "summary": ["Profil", "Kurzprofil", "Über mich"],
        "experience": ["Berufserfahrung", "Beruflicher Werdegang", "Praxiserfahrung"],
        "education": ["Ausbildung", "Bildungsweg", "Studium"],
        "skills": ["Kenntnisse", "Fähigkeiten", "IT-Kenntnisse"],
        "languages": ["Sprachen", "Sprachkenntnisse"],
        "certifications": ["Zertifikate", "Weiterbildungen"],
        "contact": ["Persönliche Daten", "Kontakt"],
    },
    "es": {
        "summary": ["Perfil", "Perfil profesional", "Sobre mí"],
        "experience": ["Experiencia laboral", "Experiencia profesional"],
        "education": ["Educación", "Formación académica", "Formación"],
        "skills": ["Habilidades", "Competencias", "Conocimientos"],
        "languages": ["Idiomas"],
        "certifications": ["Certificaciones"],
        "contact": ["Datos personales", "Contacto"],
    },
    "pt": {
        "summary": ["Resumo profissional", "Perfil", "Objetivo"],
        "experience": ["Experiência profissional", "Experiência"],
        "education": ["Formação acadêmica", "Formação", "Educação"],
        "skills": ["Habilidades", "Competências", "Conhecimentos"],
        "languages": ["Idiomas"],
        "certifications": ["Certificações", "Certificados"],
        "contact": ["Contato", "Dados pessoais"],
    },
    "nl": {
        "summary": ["Profiel", "Samenvatting", "Over mij"],
        "experience": ["Werkervaring", "Ervaring"],
        "education": ["Opleiding", "Opleidingen"],
        "skills": ["Vaardigheden", "Competenties"],
        "languages": ["Talen"],
        "certifications": ["Certificaten"],
        "contact": ["Persoonlijke gegevens", "Contact"],
    },
    "id": {
        "summary": ["Ringkasan", "Profil Singkat"],
        "experience": ["Pengalaman Kerja", "Riwayat Pekerjaan"],
        "education": ["Pendidikan", "Riwayat Pendidikan"],
        "skills": ["Keahlian", "Kemampuan"],
        "languages": ["Bahasa"],
        "certifications": ["Sertifikasi"],
        "contact": ["Kontak"],
    },
}

LANG_NAMES = {
    # canonical: {language of the CV: name}
    "English": {
        "en": "English",
        "fr": "Anglais",
        "de": "Englisch",
        "es": "Inglés",
        "pt": "Inglês",
        "nl": "Engels",
        "id": "Bahasa Inggris",
    },
    "French": {
        "en": "French",
        "fr": "Français",
        "de": "Französisch",
        "es": "Francés",
        "pt": "Francês",
        "nl": "Frans",
        "id": "Bahasa Perancis",
    },
    "German": {
        "en": "German",
        "fr": "Allemand",
        "de": "Deutsch",
        "es": "Alemán",
        "pt": "Alemão",
        "nl": "Duits",
        "id": "Bahasa Jerman",
    },
    "Spanish": {
        "en": "Spanish",
        "fr": "Espagnol",
        "de": "Spanisch",
        "es": "Español",
        "pt": "Espanhol",
        "nl": "Spaans",
        "id": "Bahasa Spanyol",
    },
    "Portuguese": {
        "en": "Portuguese",
        "fr": "Portugais",
        "de": "Portugiesisch",
        "es": "Portugués",
        "pt": "Português",
        "nl": "Portugees",
        "id": "Portugis",
    },
    "Dutch": {
        "en": "Dutch",
        "fr": "Néerlandais",
        "de": "Niederländisch",
        "es": "Neerlandés",
        "pt": "Holandês",
        "nl": "Nederlands",
        "id": "Bahasa Belanda",
    },
    "Filipino": {
        "en": "Filipino",
        "fr": "Filipino",
        "de": "Filipino",
        "es": "Filipino",
        "pt": "Filipino",
        "nl": "Filipijns",
        "id": "Filipino",
    },
    "Indonesian": {
        "en": "Indonesian",
        "fr": "Indonésien",
        "de": "Indonesisch",
        "es": "Indonesio",
        "pt": "Indonésio",
        "nl": "Indonesisch",
        "id": "Bahasa Indonesia",
    },
    "Chinese": {
        "en": "Mandarin",
        "fr": "Chinois",
        "de": "Chinesisch",
        "es": "Chino",
        "pt": "Chinês",
        "nl": "Chinees",
        "id": "Bahasa Mandarin",
    },
    "Hindi": {
        "en": "Hindi",
        "fr": "Hindi",
        "de": "Hindi",
        "es": "Hindi",
        "pt": "Hindi",
        "nl": "Hindi",
        "id": "Hindi",
    },
    "Yoruba": {
        "en": "Yoruba",
        "fr": "Yoruba",
        "de": "Yoruba",
        "es": "Yoruba",
        "pt": "Yoruba",
        "nl": "Yoruba",
        "id": "Yoruba",
    },
    "Cebuano": {
        "en": "Cebuano",
        "fr": "Cebuano",
        "de": "Cebuano",
        "es": "Cebuano",
        "pt": "Cebuano",
        "nl": "Cebuano",
        "id": "Cebuano",
    },
    "Japanese": {
        "en": "Japanese",
        "fr": "Japonais",
        "de": "Japanisch",
        "es": "Japonés",
        "pt": "Japonês",
        "nl": "Japans",
        "id": "Bahasa Jepang",
    },
}
LEVELS = {
    "en": ["native", "fluent", "C1", "intermediate", "basic", "professional working proficiency"],
    "fr": ["langue maternelle", "courant", "B2", "notions", "bilingue"],
    "de": ["Muttersprache", "fließend", "verhandlungssicher", "Grundkenntnisse", "B2"],
    "es": ["nativo", "avanzado", "intermedio", "básico", "C1"],
    "pt": ["nativo", "fluente", "intermediário", "básico"],
    "nl": ["moedertaal", "vloeiend", "goed", "basis"],
    "id": ["aktif", "lancar", "dasar", "penutur asli"],
}
NATIVE = {
    "us": "English",
    "ph": "Filipino",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "mx": "Spanish",
    "br": "Portuguese",
    "nl": "Dutch",
    "in": "Hindi",
    "ng": "Yoruba",
    "id": "Indonesian",
    "asia": "Chinese",
    "nordic": "English",
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "en3": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "en_dot": [
        "Jan.",
        "Feb.",
        "Mar.",
        "Apr.",
        "May",
        "June",
        "July",
        "Aug.",
        "Sept.",
        "Oct.",
        "Nov.",
        "Dec.",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "fr3": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "de3": [
        "Jan.",
        "Feb.",
        "März",
        "Apr.",
        "Mai",
        "Juni",
        "Juli",
        "Aug.",
        "Sept.",
        "Okt.",
        "Nov.",
        "Dez.",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "es3": ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"],
    "pt": [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "id": [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ],
}
PRESENT = {
    "en": ["Present", "Current", "present", "Now"],
    "fr": ["aujourd'hui", "ce jour", "présent"],
    "de": ["heute", "jetzt", "aktuell"],
    "es": ["actualidad", "presente", "actual"],
    "pt": ["atual", "o momento", "presente"],
    "nl": ["heden", "nu"],
    "id": ["Sekarang", "sekarang"],
}

# --------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------


@dataclass
class Job:
    employer: str
    title: str
    city: str
    start: tuple[int, int]
    end: tuple[int, int] | None  # None = current
    bullets: list[str] = field(default_factory=list)


@dataclass
class School:
    school: str
    degree: str
    major: str | None
    line: str
    start: int
    end: int


@dataclass
class Person:
    first: str
    last: str
    region: str
    lang: str
    city: str
    country: str
    email: str
    phone: str
    phone_e164: str
    industry: str
    title: str
    jobs: list[Job]
    schools: list[School]
    skills: list[tuple[str, str]]
    languages: list[tuple[str, str]]  # canonical, level
    certs: list[str]
    linkedin: str | None
    github: str | None
    website: str | None
    summary: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def ascii_fold(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    text = text.replace("ı", "i").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_phone(rng: random.Random, region: str) -> tuple[str, str]:
    import phonenumbers

    for _ in range(50):
        fmt = rng.choice(PHONES[region])
        parts = {
            "a": str(rng.randint(201, 989)),
            "b": f"{rng.randint(100, 999)}",
            "b2": f"{rng.randint(100, 999)}",
            "c": f"{rng.randint(1000, 9999)}",
            "p2": f"{rng.randint(10, 99)}",
            "d1": f"{rng.randint(10, 99)}",
            "d2": f"{rng.randint(10, 99)}",
            "d3": f"{rng.randint(10, 99)}",
            "d4": f"{rng.randint(10, 99)}",
            "e4": f"{rng.randint(1000, 9999)}",
            "e5": f"{rng.randint(10000, 99999)}",
            "e7": f"{rng.randint(1000000, 9999999)}",
            "9": "9",
        }
        raw = fmt.format(**parts)
        try:
            num = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(num):
            return raw, phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    raise RuntimeError(f"no phone for {region}")


def make_employer(rng: random.Random, region: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(BRANDS[region])
    if roll < 0.5:
        return rng.choice(BRANDS["any"])
    name = f"{rng.choice(ADJ)} {rng.choice(NOUN)}"
    suffix = rng.choice(SUFFIX)
    if region == "DE" and rng.random() < 0.6:
        suffix = rng.choice(["GmbH", "AG", "SE"])
    elif region == "FR" and rng.random() < 0.6:
        suffix = rng.choice(["SAS", "SA", "SARL"])
    elif region in ("ES", "MX") and rng.random() < 0.6:
        suffix = rng.choice(["S.A.", "S.L.", "S.A. de C.V."])
    elif region == "BR" and rng.random() < 0.6:
        suffix = "Ltda."
    elif region == "NL" and rng.random() < 0.6:
        suffix = "B.V."
    elif region == "ID" and rng.random() < 0.6:
        return f"PT {rng.choice(ADJ)} {rng.choice(['Sejahtera', 'Mandiri', 'Nusantara', 'Abadi'])}"
    return f"{name} {suffix}".strip()


def cv_language(group: str, rng: random.Random) -> str:
    if group == "fr":
        return "fr"
    if group == "de":
        return "de"
    if group in ("es", "mx"):
        return "es" if rng.random() < 0.85 else "en"
    if group == "br":
        return "pt" if rng.random() < 0.8 else "en"
    if group == "nl":
        return "nl" if rng.random() < 0.6 else "en"
    if group == "id":
        return "id" if rng.random() < 0.5 else "en"
    return "en"


def make_person(rng: random.Random, group: str, lang: str | None = None) -> Person:
    firsts, lasts, region = PEOPLE[group]
    first, last = rng.choice(firsts), rng.choice(lasts)
    lang = lang or cv_language(group, rng)
    title_lang = lang if lang in TITLES else "en"
    city, area = rng.choice(CITIES[region])
    industry = rng.choice(INDUSTRIES)
    local = ascii_fold(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
    email = f"{local}{rng.choice(['', '', str(rng.randint(1, 99))])}@{rng.choice(EMAIL_DOMAINS)}"
    phone, e164 = make_phone(rng, region)
    titles = TITLES[title_lang][industry]
    n_jobs = rng.randint(2, 4)
    year = 2025
    month = rng.randint(1, 12)
    jobs: list[Job] = []
    current = rng.random() < 0.6
    end: tuple[int, int] | None = None if current else (year - rng.randint(0, 1), month)
    used_employers: set[str] = set()
    for j in range(n_jobs):
        length = rng.randint(10, 48)
        e = end or (2025, rng.randint(1, 10))
        total = e[0] * 12 + e[1] - 1 - length
        start = (total // 12, total % 12 + 1)
        employer = make_employer(rng, region)
        while employer in used_employers:
            employer = make_employer(rng, region)
        used_employers.add(employer)
        jcity = rng.choice(CITIES[region])[0]
        skills_for_bullets = [s for s, _ in SKILLS[industry]]
        bl = BULLETS.get(lang if lang in BULLETS else "en", BULLETS["en"])
        bullets = [
            b.format(n=rng.randint(3, 60), skill=rng.choice(skills_for_bullets))
            for b in rng.sample(bl, k=min(len(bl), rng.randint(1, 3)))
        ]
        jobs.append(
            Job(
                employer,
                titles[j % len(titles)] if j else rng.choice(titles),
                jcity,
                start,
                end if j else (None if current else end),
                bullets,
            )
        )
        gap = rng.randint(0, 5)
        t2 = total - gap
        end = (t2 // 12, t2 % 12 + 1)
    degree_pool = DEGREES[lang if lang in DEGREES else "en"]
    schools: list[School] = []
    grad = jobs[-1].start[0] - rng.randint(0, 2)
    for k in range(rng.randint(1, 2)):
        d, m, fmt = rng.choice(degree_pool)
        school = rng.choice(SECONDARY_SCHOOLS[region] if d in SECONDARY else SCHOOLS[region])
        line = fmt.format(d=d, m=m) if m else d
        length = 2 if d in ("MBA", "Master", "Master 2", "M.Sc.", "Master of Science") else 4
        schools.append(School(school, d, m, line, grad - length, grad))
        grad -= length + rng.randint(0, 2)
        if k == 0 and rng.random() < 0.5:
            break
    skills = rng.sample(SKILLS[industry], k=min(len(SKILLS[industry]), rng.randint(4, 8)))
    native = NATIVE[group]
    langs = [(native, 0)]
    for other in rng.sample(["English", "French", "German", "Spanish", "Japanese", "Cebuano"], 3):
        if other != native and len(langs) < rng.randint(2, 3):
            langs.append((other, rng.randint(1, 4)))
    lv = LEVELS[lang if lang in LEVELS else "en"]
    languages = [
        (c, lv[0] if i == 0 else lv[min(lvl, len(lv) - 1)]) for i, (c, lvl) in enumerate(langs)
    ]
    certs = rng.sample(CERTS[industry], k=rng.randint(0, min(2, len(CERTS[industry]))))
    handle = ascii_fold(f"{first}{last}").lower().replace(" ", "").replace("'", "")
    linkedin = f"linkedin.com/in/{handle}" if rng.random() < 0.6 else None
    github = (
        f"github.com/{handle[:10]}"
        if industry in ("software", "data") and rng.random() < 0.7
        else None
    )
    website = f"{handle}.dev" if industry in ("design", "software") and rng.random() < 0.3 else None
    s_lang = lang if lang in SUMMARIES else "en"
    summary = SUMMARIES[s_lang].format(
        title=jobs[0].title,
        y=2025 - jobs[-1].start[0],
        ind=industry,
        skill=skills[0][0],
        skill2=skills[1][0],
    )
    return Person(
        first,
        last,
        region,
        lang,
        city,
        area,
        email,
        phone,
        e164,
        industry,
        jobs[0].title,
        jobs,
        schools,
        skills,
        languages,
        certs,
        linkedin,
        github,
        website,
        summary,
    )


# --------------------------------------------------------------------------------------
# Dates as written
# --------------------------------------------------------------------------------------

DATE_STYLES = {
    "en": ["mon_year", "month_year", "mm_yyyy", "yyyy_mm_to", "years", "mon_dot", "mm_yyyy"],
    "fr": ["fr_month", "fr_mon", "fr_de_a", "mm_yyyy"],
    "de": ["mm_yyyy", "de_month", "de_mon", "years", "mm_yyyy_dot"],
    "es": ["es_month", "es_mon", "years", "mm_yyyy"],
    "pt": ["pt_month", "pt_de", "mm_yyyy"],
    "nl": ["nl_mon", "years", "mm_yyyy"],
    "id": ["id_month", "dots_tilde", "mm_yyyy"],
    "asia": ["dots_tilde", "yyyy_mm_to", "mon_year"],
}


def fmt_range(
    rng: random.Random, style: str, lang: str, start: tuple[int, int], end: tuple[int, int] | None
) -> tuple[str, str, str | None]:
    """(text, start truth, end truth) — the truth drops the month when the text does."""
    present = rng.choice(PRESENT.get(lang, PRESENT["en"]))
    dash = rng.choice([" – ", " - ", " — ", " – ", "–"])

    def ym(d: tuple[int, int]) -> str:
        return f"{d[0]}-{d[1]:02d}"

    months_only = True
    if style == "mon_year":
        f = lambda d: f"{MONTHS['en3'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "month_year":
        f = lambda d: f"{MONTHS['en'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "mon_dot":
        f = lambda d: f"{MONTHS['en_dot'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "mm_yyyy":
        f = lambda d: f"{d[1]:02d}/{d[0]}"  # noqa: E731
    elif style == "mm_yyyy_dot":
        f = lambda d: f"{d[1]:02d}.{d[0]}"  # noqa: E731
    elif style == "yyyy_mm_to":
        f = lambda d: f"{d[0]}-{d[1]:02d}"  # noqa: E731
        dash = " to "
    elif style == "dots_tilde":
        f = lambda d: f"{d[0]}.{d[1]:02d}"  # noqa: E731
        dash = " ~ "
    elif style == "fr_month":
        f = lambda d: f"{MONTHS['fr'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "fr_mon":
        f = lambda d: f"{MONTHS['fr3'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "fr_de_a":
        months_only = False
        f = lambda d: f"{d[0]}"  # noqa: E731
        if end is None:
            text = f"Depuis {start[0]}"
            return text, str(start[0]), None
        return f"De {start[0]} à {end[0]}", str(start[0]), str(end[0])
    elif style == "de_month":
        f = lambda d: f"{MONTHS['de'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "de_mon":
        f = lambda d: f"{MONTHS['de3'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "es_month":
        f = lambda d: f"{MONTHS['es'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "es_mon":
        f = lambda d: f"{MONTHS['es3'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "pt_month":
        f = lambda d: f"{MONTHS['pt'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "pt_de":
        f = lambda d: f"{MONTHS['pt'][d[1] - 1]} de {d[0]}"  # noqa: E731
        dash = " a "
    elif style == "nl_mon":
        f = lambda d: f"{MONTHS['nl'][d[1] - 1]} {d[0]}"  # noqa: E731
    elif style == "id_month":
        f = lambda d: f"{MONTHS['id'][d[1] - 1]} {d[0]}"  # noqa: E731
    else:  # years
        months_only = False
        f = lambda d: f"{d[0]}"  # noqa: E731

    def truth(d: tuple[int, int]) -> str:
        return ym(d) if months_only else str(d[0])

    if end is None:
        if lang == "de" and rng.random() < 0.4:
            return f"seit {f(start)}", truth(start), None
        return f"{f(start)}{dash}{present}", truth(start), None
    return f"{f(start)}{dash}{f(end)}", truth(start), truth(end)


# --------------------------------------------------------------------------------------
# Document model: blocks rendered to DOCX or PDF
# --------------------------------------------------------------------------------------

# ("name", text) ("title", text) ("para", text) ("heading", text) ("bullet", text)
# ("bold", text) ("row", left, right) ("table", [[cell, ...], ...]) ("columns", left, right)
Block = tuple


def render_docx(blocks: list[Block]) -> bytes:
    import docx
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Inches, Pt

    document = docx.Document()

    def add(container, block: Block) -> None:  # type: ignore[no-untyped-def]
        kind = block[0]
        if kind == "name":
            p = container.add_paragraph()
            run = p.add_run(block[1])
            run.bold = True
            run.font.size = Pt(20)
        elif kind == "heading":
            p = container.add_paragraph()
            run = p.add_run(block[1])
            run.bold = True
            run.font.size = Pt(13)
        elif kind == "bullet":
            try:
                container.add_paragraph(block[1], style="List Bullet")
            except KeyError:
                container.add_paragraph("• " + block[1])
        elif kind == "bold":
            p = container.add_paragraph()
            p.add_run(block[1]).bold = True
        elif kind == "row":
            p = container.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Inches(6), WD_TAB_ALIGNMENT.RIGHT)
            p.add_run(block[1]).bold = True
            p.add_run("\t" + block[2])
        elif kind == "table":
            rows = block[1]
            table = container.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    lines = value.split("\n")
                    cell.text = lines[0]
                    for extra in lines[1:]:
                        cell.add_paragraph(extra)
        elif kind == "columns":
            table = container.add_table(rows=1, cols=2)
            for col, sub in enumerate((block[1], block[2])):
                cell = table.cell(0, col)
                first = True
                for b in sub:
                    if first:
                        cell.paragraphs[0].text = ""
                    add(cell, b)
                    first = False
                # drop the empty first paragraph python-docx creates
                p0 = cell.paragraphs[0]
                if not p0.text and len(cell.paragraphs) > 1:
                    p0._element.getparent().remove(p0._element)
        else:  # para, title
            container.add_paragraph(block[1])

    for block in blocks:
        add(document, block)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    global _FONTS
    if _FONTS is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        regular = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        bold = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
            _FONTS = ("DejaVu", "DejaVu-Bold")
        else:
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


class _PdfWriter:
    def __init__(self) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4)
        self.width, self.height = A4
        self.regular, self.bold = _fonts()

    def column(self, blocks: list[Block], x0: float, x1: float, y: float) -> float:
        from reportlab.lib.utils import simpleSplit

        c = self.c
        for block in blocks:
            kind = block[0]
            if y < 60:
                c.showPage()
                y = self.height - 60
            if kind == "name":
                c.setFont(self.bold, 18)
                c.drawString(x0, y, block[1])
                y -= 24
            elif kind == "heading":
                y -= 6
                c.setFont(self.bold, 11.5)
                c.drawString(x0, y, block[1])
                y -= 16
            elif kind == "row":
                c.setFont(self.bold, 10)
                c.drawString(x0, y, block[1])
                c.setFont(self.regular, 10)
                c.drawRightString(x1, y, block[2])
                y -= 13
            elif kind == "table":
                rows = block[1]
                ncol = len(rows[0])
                colw = (x1 - x0) / ncol
                for row in rows:
                    heights = []
                    for ci, cell in enumerate(row):
                        yy = y
                        c.setFont(self.regular, 9.5)
                        for line in cell.split("\n"):
                            for piece in simpleSplit(line, self.regular, 9.5, colw - 8):
                                c.drawString(x0 + ci * colw, yy, piece)
                                yy -= 12
                        heights.append(y - yy)
                    y -= max(heights) + 4
            elif kind == "columns":
                raise ValueError("nested columns")
            else:
                font = self.bold if kind in ("bold", "title") else self.regular
                size = 10
                prefix = "• " if kind == "bullet" else ""
                indent = 10 if kind == "bullet" else 0
                c.setFont(font, size)
                for i, piece in enumerate(
                    simpleSplit(prefix + block[1], font, size, x1 - x0 - indent)
                ):
                    if y < 50:
                        c.showPage()
                        c.setFont(font, size)
                        y = self.height - 60
                    c.drawString(x0 + indent + (8 if i and prefix else 0), y, piece)
                    y -= 12.5
                y -= 1.5
        return y

    def render(self, blocks: list[Block]) -> bytes:
        y = self.height - 60
        for block in blocks:
            if block[0] == "columns":
                top = y
                self.column(block[1], 40, 200, top)  # the left frame, drawn first
                self.column(block[2], 220, self.width - 40, top)
                y = 60
            else:
                y = self.column([block], 50, self.width - 50, y)
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def render_pdf(blocks: list[Block]) -> bytes:
    return _PdfWriter().render(blocks)


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


@dataclass
class Rendered:
    blocks: list[Block]
    name_shown: str
    jobs: list[dict]
    schools: list[dict]
    fmt: str  # preferred output format: pdf | docx | any
    skills: list[str] | None = None  # canonical skills shown, when not all of them are


class Ctx:
    def __init__(self, person: Person, rng: random.Random, lang: str | None = None) -> None:
        self.p = person
        self.rng = rng
        self.lang = lang or person.lang
        self.h = HEADINGS[self.lang if self.lang in HEADINGS else "en"]
        self.style = rng.choice(DATE_STYLES[self.lang if self.lang in DATE_STYLES else "en"])
        if person.region == "SG" and rng.random() < 0.6:
            self.style = "dots_tilde"
        self.jobs_truth: list[dict] = []

    def heading(self, kind: str, upper: bool | None = None) -> Block:
        text = self.rng.choice(self.h[kind])
        if upper is None:
            upper = self.rng.random() < 0.4
        return ("heading", text.upper() if upper else text)

    def dates(self, job: Job) -> str:
        text, s, e = fmt_range(self.rng, self.style, self.lang, job.start, job.end)
        self.jobs_truth.append(
            {
                "employer": job.employer,
                "title": job.title,
                "location": job.city,
                "start": s,
                "end": e,
                "current": job.end is None,
            }
        )
        return text

    def school_dates(self, s: School, single: bool = False) -> tuple[str, dict]:
        truth = {"school": s.school, "degree": s.degree, "major": s.major}
        if single:
            truth.update(start=None, end=str(s.end))
            return str(s.end), truth
        truth.update(start=str(s.start), end=str(s.end))
        return f"{s.start} – {s.end}", truth

    def contact_bits(self) -> list[str]:
        p = self.p
        bits = [f"{p.city}, {p.country}", p.phone, p.email]
        if p.linkedin:
            bits.append(p.linkedin)
        if p.github:
            bits.append(p.github)
        if p.website:
            bits.append(p.website)
        return bits

    def skills_line(self) -> str:
        return ", ".join(s for s, _ in self.p.skills)

    def language_lines(self) -> list[str]:
        lang = self.lang
        out = []
        for canon, level in self.p.languages:
            name = LANG_NAMES[canon].get(lang, LANG_NAMES[canon]["en"])
            out.append(
                self.rng.choice([f"{name} ({level})", f"{name} – {level}", f"{name}: {level}"])
            )
        return out

    def cert_lines(self) -> list[str]:
        return [
            c + (f" ({self.rng.randint(2015, 2024)})" if self.rng.random() < 0.5 else "")
            for c in self.p.certs
        ]


def t_classic(p: Person, rng: random.Random) -> Rendered:
    """One column: name, headline, contact line, summary, jobs as 'Title — Company, City'."""
    ctx = Ctx(p, rng)
    b: list[Block] = [("name", p.full), ("para", p.title), ("para", " | ".join(ctx.contact_bits()))]
    b += [ctx.heading("summary"), ("para", p.summary), ctx.heading("experience")]
    for job in p.jobs:
        sep = rng.choice([" — ", " – ", ", "])
        b.append(("row", f"{job.title}{sep}{job.employer}", ctx.dates(job)))
        if rng.random() < 0.5:
            b.append(("para", job.city))
        b += [("bullet", x) for x in job.bullets]
    b.append(ctx.heading("education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b.append(("row", s.line, text))
        b.append(("para", f"{s.school}"))
        schools.append(truth)
    b += [ctx.heading("skills"), ("para", ctx.skills_line())]
    b += [ctx.heading("languages"), ("para", ", ".join(ctx.language_lines()))]
    if p.certs:
        b.append(ctx.heading("certifications"))
        b += [("bullet", c) for c in ctx.cert_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_two_columns(p: Person, rng: random.Random) -> Rendered:
    """Sidebar (contact, skills, languages, certifications) + main column; a DOCX table or a
    PDF with two text frames."""
    ctx = Ctx(p, rng)
    left: list[Block] = [ctx.heading("contact", upper=True)]
    left += [("para", x) for x in ctx.contact_bits()]
    left.append(ctx.heading("skills", upper=True))
    left += [("para", s) for s, _ in p.skills]
    left.append(ctx.heading("languages", upper=True))
    left += [("para", x) for x in ctx.language_lines()]
    if p.certs:
        left.append(ctx.heading("certifications", upper=True))
        left += [("para", c) for c in p.certs]
    right: list[Block] = [
        ctx.heading("summary", upper=True),
        ("para", p.summary),
        ctx.heading("experience", upper=True),
    ]
    for job in p.jobs:
        right.append(("bold", job.employer))
        right.append(("para", f"{job.title} | {ctx.dates(job)}"))
        right += [("bullet", x) for x in job.bullets]
    right.append(ctx.heading("education", upper=True))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        right += [("bold", s.school), ("para", s.line), ("para", text)]
        schools.append(truth)
    blocks: list[Block] = [
        ("name", p.full.upper() if rng.random() < 0.5 else p.full),
        ("para", p.title),
        ("columns", left, right),
    ]
    return Rendered(blocks, p.full, ctx.jobs_truth, schools, "any")


def t_contact_table(p: Person, rng: random.Random) -> Rendered:
    """Name, then the contact details in a 2x2 table; jobs as 'Title at Company'."""
    ctx = Ctx(p, rng)
    links = p.linkedin or p.github or p.website or ""
    rows = [
        [f"Email: {p.email}", f"Phone: {p.phone}"],
        [f"Location: {p.city}, {p.country}", f"LinkedIn: {links}" if links else ""],
    ]
    b: list[Block] = [
        ("name", p.full),
        ("table", rows),
        ctx.heading("summary"),
        ("para", p.summary),
        ctx.heading("experience"),
    ]
    at = {
        "en": "at",
        "fr": "chez",
        "de": "bei",
        "es": "en",
        "pt": "na",
        "nl": "bij",
        "id": "di",
    }.get(ctx.lang, "at")
    for job in p.jobs:
        b.append(("bold", f"{job.title} {at} {job.employer}"))
        b.append(("para", f"{ctx.dates(job)} | {job.city}"))
        b += [("bullet", x) for x in job.bullets]
    b.append(ctx.heading("education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s, single=rng.random() < 0.5)
        b.append(("para", f"{s.line}, {s.school}, {text}"))
        schools.append(truth)
    b += [ctx.heading("skills")] + [("bullet", s) for s, _ in p.skills]
    b += [ctx.heading("languages"), ("para", " · ".join(ctx.language_lines()))]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "docx")


def t_pipes(p: Person, rng: random.Random) -> Rendered:
    """'Company | Title | dates' lines; education 'School | Degree | year'."""
    ctx = Ctx(p, rng)
    b: list[Block] = [("name", p.full), ("para", f"{p.email} • {p.phone} • {p.city}, {p.country}")]
    if p.linkedin:
        b.append(("para", "https://www." + p.linkedin))
    b += [ctx.heading("experience")]
    for job in p.jobs:
        b.append(("bold", f"{job.employer} | {job.title} | {ctx.dates(job)}"))
        b += [("bullet", x) for x in job.bullets]
    b.append(ctx.heading("education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s, single=True)
        b.append(("para", f"{s.school} | {s.line} | {text}"))
        schools.append(truth)
    b += [ctx.heading("skills"), ("para", " | ".join(s for s, _ in p.skills))]
    if p.certs:
        b += [ctx.heading("certifications")] + [("bullet", c) for c in ctx.cert_lines()]
    b += [ctx.heading("languages")] + [("bullet", x) for x in ctx.language_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_education_first(p: Person, rng: random.Random) -> Rendered:
    """Education first, skills, then experience as company line / title line / dates line."""
    ctx = Ctx(p, rng)
    b: list[Block] = [
        ("name", p.full),
        ("para", p.email),
        ("para", p.phone),
        ("para", f"{p.city}, {p.country}"),
        ctx.heading("education"),
    ]
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b += [("bold", s.school), ("para", s.line), ("para", text)]
        schools.append(truth)
    b += [ctx.heading("skills"), ("para", ctx.skills_line()), ctx.heading("experience")]
    for job in p.jobs:
        b += [
            ("bold", f"{job.employer}, {job.city}"),
            ("para", job.title),
            ("para", ctx.dates(job)),
        ]
        b += [("bullet", x) for x in job.bullets]
    b += [ctx.heading("languages"), ("para", ", ".join(ctx.language_lines()))]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_tabular_dates_first(p: Person, rng: random.Random) -> Rendered:
    """German-style tabular CV: a table with the dates in the left column."""
    ctx = Ctx(p, rng)
    label = {
        "de": ("Name", "Telefon", "E-Mail", "Wohnort"),
        "fr": ("Nom", "Téléphone", "E-mail", "Adresse"),
        "es": ("Nombre", "Teléfono", "Correo", "Dirección"),
    }.get(ctx.lang, ("Name", "Phone", "Email", "Address"))
    banner = {"de": "Lebenslauf", "fr": "Curriculum Vitae", "es": "Curriculum Vitae"}.get(
        ctx.lang, "Curriculum Vitae"
    )
    b: list[Block] = [
        ("name", banner),
        ctx.heading("contact"),
        (
            "table",
            [
                [f"{label[0]}:", p.full],
                [f"{label[1]}:", p.phone],
                [f"{label[2]}:", p.email],
                [f"{label[3]}:", f"{p.city}, {p.country}"],
            ],
        ),
        ctx.heading("experience"),
    ]
    rows = []
    for job in p.jobs:
        details = f"{job.title}\n{job.employer}, {job.city}\n" + "\n".join(
            "• " + x for x in job.bullets
        )
        rows.append([ctx.dates(job), details])
    b.append(("table", rows))
    b.append(ctx.heading("education"))
    srows = []
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        srows.append([text, f"{s.line}\n{s.school}"])
        schools.append(truth)
    b.append(("table", srows))
    b += [ctx.heading("skills"), ("para", ctx.skills_line())]
    b += [ctx.heading("languages")] + [("para", x) for x in ctx.language_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_linkedin(p: Person, rng: random.Random) -> Rendered:
    """LinkedIn export style: title, 'Company · Full-time', 'dates · duration', location."""
    ctx = Ctx(p, rng, lang="en")
    b: list[Block] = [
        ("name", p.full),
        ("para", f"{p.title} at {p.jobs[0].employer}"),
        ("para", f"{p.city}, {p.country}"),
        ("heading", "Contact"),
        ("para", p.email),
        ("para", p.phone),
    ]
    if p.linkedin:
        b.append(("para", f"www.{p.linkedin} (LinkedIn)"))
    b += [("heading", "Top Skills")] + [("para", s) for s, _ in p.skills[:3]]
    levels = [
        "(Native or Bilingual)",
        "(Full Professional)",
        "(Professional Working)",
        "(Limited Working)",
        "(Elementary)",
    ]
    b += [("heading", "Languages")] + [
        ("para", f"{LANG_NAMES[c]['en']} {levels[min(i, 4)]}")
        for i, (c, _) in enumerate(p.languages)
    ]
    b += [("heading", "Summary"), ("para", p.summary), ("heading", "Experience")]
    for job in p.jobs:
        dates = ctx.dates(job)
        months = (
            (job.end or (2025, 6))[0] * 12
            + (job.end or (2025, 6))[1]
            - job.start[0] * 12
            - job.start[1]
        )
        dur = f"{months // 12} yrs {months % 12} mos" if months >= 12 else f"{months} mos"
        b += [
            ("bold", job.title),
            ("para", f"{job.employer} · {rng.choice(['Full-time', 'Contract', 'Part-time'])}"),
            ("para", f"{dates} · {dur}"),
            ("para", f"{job.city}, {p.country}"),
        ]
        b += [("para", x + ".") for x in job.bullets[:1]]
    b.append(("heading", "Education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b += [("bold", s.school), ("para", f"{s.line} · ({text.replace(' – ', ' - ')})")]
        schools.append(truth)
    return Rendered(b, p.full, ctx.jobs_truth, schools, "pdf", [c for _, c in p.skills[:3]])


def t_dates_left(p: Person, rng: random.Random) -> Rendered:
    """Compact: 'dates   Title, Company' on one line, the city under it."""
    ctx = Ctx(p, rng)
    b: list[Block] = [
        ("name", p.full),
        ("para", f"{p.phone} · {p.email}"),
        ("para", f"{p.city}, {p.country}"),
        ctx.heading("summary"),
        ("para", p.summary),
        ctx.heading("experience"),
    ]
    for job in p.jobs:
        b.append(("bold", f"{ctx.dates(job)}    {job.title}, {job.employer}"))
        b += [("bullet", x) for x in job.bullets]
    b.append(ctx.heading("education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b.append(("bold", f"{text}    {s.line} — {s.school}"))
        schools.append(truth)
    b += [ctx.heading("skills"), ("para", ctx.skills_line())]
    b += [ctx.heading("languages"), ("para", "; ".join(ctx.language_lines()))]
    if p.certs:
        b += [ctx.heading("certifications")] + [("para", c) for c in ctx.cert_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_banner_last_first(p: Person, rng: random.Random) -> Rendered:
    """'CURRICULUM VITAE' banner, 'LAST, First' name, labelled contact lines, company first."""
    ctx = Ctx(p, rng)
    shown = f"{p.last.upper()}, {p.first}"
    b: list[Block] = [
        ("para", "CURRICULUM VITAE"),
        ("name", shown),
        ("para", f"Email: {p.email}"),
        ("para", f"Mobile: {p.phone}"),
        ("para", f"Address: {p.city}, {p.country}"),
        ctx.heading("experience", upper=True),
    ]
    for job in p.jobs:
        b += [
            ("bold", job.employer.upper() if rng.random() < 0.3 else job.employer),
            ("para", f"{job.title}, {job.city}"),
            ("para", ctx.dates(job)),
        ]
        b += [("bullet", x) for x in job.bullets]
    b.append(ctx.heading("education", upper=True))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b += [("para", f"{s.school} ({text})"), ("para", s.line)]
        schools.append(truth)
    b += [ctx.heading("skills", upper=True)] + [("bullet", s) for s, _ in p.skills]
    if p.certs:
        b += [ctx.heading("certifications", upper=True)] + [("bullet", c) for c in p.certs]
    b += [ctx.heading("languages", upper=True)] + [("bullet", x) for x in ctx.language_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


def t_company_title_dash(p: Person, rng: random.Random) -> Rendered:
    """'Company — Title' with the dates right-aligned, paragraph descriptions."""
    ctx = Ctx(p, rng)
    b: list[Block] = [
        ("name", p.full),
        ("para", p.title),
        ("para", f"{p.email}  |  {p.phone}  |  {p.city}, {p.country}"),
    ]
    if p.github:
        b.append(("para", p.github))
    b += [ctx.heading("summary"), ("para", p.summary), ctx.heading("experience")]
    for job in p.jobs:
        b.append(("row", f"{job.employer} — {job.title}", ctx.dates(job)))
        b.append(("para", " ".join(x + "." for x in job.bullets)))
    b.append(ctx.heading("education"))
    schools = []
    for s in p.schools:
        text, truth = ctx.school_dates(s)
        b.append(("row", f"{s.school} — {s.line}", text))
        schools.append(truth)
    b += [ctx.heading("skills"), ("para", ctx.skills_line())]
    b += [ctx.heading("languages"), ("para", ", ".join(ctx.language_lines()))]
    if p.certs:
        b += [ctx.heading("certifications")] + [("bullet", c) for c in ctx.cert_lines()]
    return Rendered(b, p.full, ctx.jobs_truth, schools, "any")


TEMPLATES = {
    "classic": t_classic,
    "two_columns": t_two_columns,
    "contact_table": t_contact_table,
    "pipes": t_pipes,
    "education_first": t_education_first,
    "tabular_dates_first": t_tabular_dates_first,
    "linkedin": t_linkedin,
    "dates_left": t_dates_left,
    "banner_last_first": t_banner_last_first,
    "company_title_dash": t_company_title_dash,
}
# Language groups, so that every template meets every kind of name and language.
GROUP_CYCLE = [
    "us",
    "ph",
    "fr",
    "de",
    "es",
    "br",
    "nl",
    "in",
    "ng",
    "id",
    "asia",
    "mx",
    "nordic",
    "ph",
    "us",
    "fr",
    "de",
    "es",
]


def build(index: int, seed: int) -> tuple[str, bytes, dict]:
    rng = random.Random(seed * 100_003 + index)
    template_name = list(TEMPLATES)[index % len(TEMPLATES)]
    group = GROUP_CYCLE[(index // len(TEMPLATES) + index) % len(GROUP_CYCLE)]
    person = make_person(rng, group)
    rendered = TEMPLATES[template_name](person, rng)
    fmt = rendered.fmt
    if fmt == "any":
        fmt = "pdf" if (index // len(TEMPLATES)) % 2 == 0 else "docx"
    data = render_pdf(rendered.blocks) if fmt == "pdf" else render_docx(rendered.blocks)
    truth = {
        "template": template_name,
        "format": fmt,
        "group": group,
        "lang": person.lang,
        "default_region": person.region,
        "name": person.full,
        "email": person.email.lower(),
        "phone": person.phone,
        "phone_e164": person.phone_e164,
        "location": f"{person.city}, {person.country}",
        "employment": rendered.jobs,
        "education": rendered.schools,
        "skills": sorted(
            set(rendered.skills)
            if rendered.skills is not None
            else {canon for _, canon in person.skills}
        ),
        "languages": [c for c, _ in person.languages],
        "certifications": list(person.certs),
        "links": {
            "linkedin": person.linkedin,
            "github": person.github,
            "portfolio": person.website,
        },
    }
    return fmt, data, truth


def generate(out_dir: Path, n: int = 96, seed: int = 7) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        fmt, data, truth = build(i, seed)
        path = out_dir / f"cv_{i:03d}.{fmt}"
        path.write_bytes(data)
        truth["file"] = path.name
        (out_dir / f"cv_{i:03d}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
        paths.append(path)
    return paths


def load_corpus(directory: Path) -> list[tuple[Path, dict]]:
    out = []
    for truth_path in sorted(directory.glob("cv_*.json")):
        truth = json.loads(truth_path.read_text())
        out.append((directory / truth["file"], truth))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=96, help="number of résumés (default 96)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out_dir, args.n, args.seed)
    formats = {}
    for p in paths:
        formats[p.suffix] = formats.get(p.suffix, 0) + 1
    print(f"wrote {len(paths)} résumés to {args.out_dir} ({formats}) with ground truth JSON")


if __name__ == "__main__":
    main()
