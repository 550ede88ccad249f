from samtale.organisations import services

JOBCENTERS = [("101", "Jobcenter København"), ("751", "Jobcenter Aarhus")]
AKASSER = [("3F", "3F A-kasse"), ("HK", "HK A-kasse"), ("KRIS", "Krifa A-kasse")]
CASEWORKERS = [
    ("kbh-ah", "Anne Holm", ["101"]),
    ("kbh-mj", "Mads Jensen", ["101"]),
    ("aar-sl", "Sofie Larsen", ["751"]),
    ("aar-pn", "Peter Nielsen", ["751"]),
    ("fleks-kr", "Karen Rasmussen", ["101", "751"]),
]


def load(ctx) -> None:
    ctx.data["jobcenters"] = [services.jobcenter_upsert(code=c, name=n) for c, n in JOBCENTERS]
    ctx.data["akasser"] = [services.akasse_upsert(code=c, name=n) for c, n in AKASSER]
    ctx.data["caseworkers"] = [
        services.caseworker_upsert(ident=i, name=n, jobcenters=j) for i, n, j in CASEWORKERS
    ]
    ctx.say("Sagsbehandlere: " + ", ".join(f"{n} ({i})" for i, n, _ in CASEWORKERS))
