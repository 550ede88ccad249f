"""Starting configuration for R-HC-11 "the conversation type must be allowed for the citizen's contact
group". Only types that by law belong to particular groups are restricted; every other type is
allowed for every group (a municipality can add or change rows in the admin):

- 17 Jobsamtale med deltagelse af a-kasse (LAB § 31 stk. 2) and 15 Rådighedssamtale: only for
  dagpengemodtagere — the group whose data are shared with the a-kasse (contact group 1).
- 901 Fleksjobopfølgningssamtale (LAB § 121): fleksjobvisiterede and fleksjobansatte (7, 10).
- 902 Integrationssamtale: the integration groups (3, 26, 27, 28).

Loaded by migration 0002; idempotent."""

ALLOWED = {
    17: ([1], "Fælles jobsamtale med a-kassen (LAB § 31 stk. 2) holdes kun for dagpengemodtagere"),
    15: ([1], "Rådighedssamtaler holdes af a-kassen for dagpengemodtagere"),
    901: ([7, 10], "Opfølgning efter LAB § 121 gælder fleksjobvisiterede og fleksjobansatte"),
    902: ([3, 26, 27, 28], "Integrationssamtaler holdes for borgere omfattet af integrationsloven"),
}


def load(apps) -> None:
    """Takes an app registry so a migration can pass its own."""
    ConversationType = apps.get_model("codes", "ConversationType")
    ContactGroup = apps.get_model("codes", "ContactGroup")
    Rule = apps.get_model("conversations", "ConversationTypeContactGroups")
    for code, (groups, reason) in ALLOWED.items():
        kind = ConversationType.objects.filter(code=code).first()
        if kind is None:
            continue
        rule, _ = Rule.objects.update_or_create(conversation_type=kind, defaults={"reason": reason})
        rule.contact_groups.set(ContactGroup.objects.filter(code__in=groups))
