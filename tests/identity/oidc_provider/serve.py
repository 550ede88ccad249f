"""python -m tests.identity.oidc_provider.serve PORT SEED.json — migrate a fresh database, create the
seed's users and clients, then serve on 127.0.0.1:PORT until killed."""

import json
import os
import sys


def main():
    port, seed_path = int(sys.argv[1]), sys.argv[2]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.identity.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    seed = json.load(open(seed_path))
    for u in seed["users"]:
        user = User.objects.create_user(u["username"], password=u["password"], first_name=u.get("name", ""))
        for name in u.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    for c in seed["clients"]:
        Application.objects.create(
            name=c["client_id"],
            client_id=c["client_id"],
            client_secret=c["client_secret"],
            hash_client_secret=True,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=c["grant"],
            redirect_uris=" ".join(c.get("redirect_uris", [])),
            post_logout_redirect_uris=" ".join(c.get("post_logout_redirect_uris", [])),
            skip_authorization=True,
            algorithm=Application.RS256_ALGORITHM,
        )
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    print("ready", flush=True)
    serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=4, _quiet=True)


if __name__ == "__main__":
    main()
