from samtale.organisations import services

JOBCENTERS = [("101", "Jobcenter København"), ("751", "Jobcenter Aarhus")]
# Shown to citizens wherever they are told to contact their jobcenter (issue 10, point 10).
CONTACT = {
    "101": dict(
        phone="+4533663366",
        email="jobcenter@kk.dk",
        address="Kalvebod Brygge 45, 1560 København V",
        opening_hours_text="Mandag–torsdag 8.00–15.00, fredag 8.00–13.00",
        contact_url="https://www.kk.dk/jobcenter",
    ),
    "751": dict(
        phone="+4589402200",
        email="jobcenter@aarhus.dk",
        address="Værkmestergade 3, 8000 Aarhus C",
        opening_hours_text="Mandag–fredag 8.00–15.00",
        contact_url="https://www.aarhus.dk/jobcenter",
    ),
}
AKASSER = [("3F", "3F A-kasse"), ("HK", "HK A-kasse"), ("KRIS", "Krifa A-kasse")]
CASEWORKERS = [
    ("kbh-ah", "Anne Holm", ["101"]),
    ("kbh-mj", "Mads Jensen", ["101"]),
    ("aar-sl", "Sofie Larsen", ["751"]),
    ("aar-pn", "Peter Nielsen", ["751"]),
    ("fleks-kr", "Karen Rasmussen", ["101", "751"]),
]


def load(ctx) -> None:
    ctx.data["jobcenters"] = [
        services.jobcenter_upsert(code=c, name=n, **CONTACT.get(c, {})) for c, n in JOBCENTERS
    ]
    ctx.data["akasser"] = [services.akasse_upsert(code=c, name=n) for c, n in AKASSER]
    ctx.data["caseworkers"] = [
        services.caseworker_upsert(ident=i, name=n, jobcenters=j) for i, n, j in CASEWORKERS
    ]
    ctx.say("Sagsbehandlere: " + ", ".join(f"{n} ({i})" for i, n, _ in CASEWORKERS))
