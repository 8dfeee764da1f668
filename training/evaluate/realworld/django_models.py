"""Print Django applications' tables as JSON: the PostgreSQL CREATE TABLE that Django writes
for each model, the model's own docstring and every field's ``help_text``.

Run it with a Python that has the applications installed (README.md names their versions);
it needs no database: Django's schema editor only collects the SQL.

    python training/evaluate/realworld/django_models.py > django.json          # heldout.jsonl's apps
    python training/evaluate/realworld/django_models.py --final > django.json  # final.jsonl's apps
    python training/evaluate/realworld/django_models.py --apps a,b > django.json  # any others

With ``--apps`` only the named applications' own tables are printed (Django's contrib
applications are installed too, for the models that point at them).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

CONTRIB = [
    "django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sites", "django.contrib.admin",
    "django.contrib.sessions", "django.contrib.staticfiles", "django.contrib.messages",
]  # fmt: skip
APPS = [
    *CONTRIB,
    "django_celery_beat", "django_celery_results", "oauth2_provider",
    "allauth", "allauth.account", "allauth.socialaccount", "axes",
    "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_hotp",
    "django_otp.plugins.otp_static", "django_otp.plugins.otp_email", "reversion", "guardian",
    "taggit", "modelcluster", "wagtail", "wagtail.users", "wagtail.images", "wagtail.documents",
    "wagtail.contrib.redirects", "wagtail.contrib.forms", "wagtail.embeds", "wagtail.sites",
    "wagtail.search", "wagtail.snippets", "wagtail.contrib.settings", "wagtail.admin",
]  # fmt: skip
# The third set (final.jsonl): other applications, other authors.
FINAL_APPS = [
    *CONTRIB, "django.contrib.humanize",
    "helpdesk", "oidc_provider", "waffle", "post_office", "robots", "push_notifications", "flags",
    "simple_history", "django_q", "djstripe", "schedule", "mptt", "haystack", "widget_tweaks",
    "machina", "machina.apps.forum", "machina.apps.forum_conversation",
    "machina.apps.forum_conversation.forum_attachments", "machina.apps.forum_conversation.forum_polls",
    "machina.apps.forum_feeds", "machina.apps.forum_moderation", "machina.apps.forum_search",
    "machina.apps.forum_tracking", "machina.apps.forum_member", "machina.apps.forum_permission",
    "django_nyt", "sekizai", "sorl.thumbnail", "wiki", "wiki.plugins.attachments",
    "wiki.plugins.notifications", "wiki.plugins.images", "wiki.plugins.macros",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--final", action="store_true", help="final.jsonl's applications")
    which.add_argument("--apps", help="these applications (comma-separated), their own tables only")
    args = parser.parse_args()
    only: set[str] | None = None
    if args.apps:
        named = [a for a in args.apps.split(",") if a]
        apps_wanted = [*CONTRIB, *(a for a in named if a not in CONTRIB)]
        only = {a.split(".")[0] for a in named}
    else:
        apps_wanted = FINAL_APPS if args.final else APPS
    import django
    from django.conf import settings

    settings.configure(
        # The PostgreSQL backend only renders SQL here; nothing connects to this address.
        DATABASES={
            "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "127.0.0.1", "PORT": "1"}
        },
        INSTALLED_APPS=apps_wanted,
        USE_TZ=True,
        SECRET_KEY="only-renders-sql",
        SITE_ID=1,
        STATIC_URL="/static/",
        MIDDLEWARE=["allauth.account.middleware.AccountMiddleware"] if only is None else [],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        HAYSTACK_CONNECTIONS={"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}},
        HELPDESK_TEAMS_MODE_ENABLED=False,
    )
    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.db.models import ForeignKey

    out: list[dict[str, Any]] = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if only is not None and model.__module__.split(".")[0] not in only:
            continue
        helps = {f.column: " ".join(str(f.help_text).split()) for f in meta.local_fields if f.help_text}
        doc = model.__doc__ or ""
        # Django writes "Name(field, field, …)" into a model without a docstring: not the author's words.
        generated = "__doc__" not in model.__dict__ or re.fullmatch(r"\s*\w+\(.*\)\s*", doc, re.S) is not None
        doc = "" if generated else " ".join(doc.strip().split("\n\n")[0].split())
        editor = connection.SchemaEditorClass(connection, collect_sql=True, atomic=False)
        editor.deferred_sql = []
        editor.create_model(model)
        create = next(s for s in editor.collected_sql if s.startswith("CREATE TABLE"))
        # Django adds foreign keys later with ALTER TABLE; the case keeps them in the table.
        keys = [
            f'FOREIGN KEY ("{f.column}") REFERENCES "{f.target_field.model._meta.db_table}" ("{f.target_field.column}")'
            for f in meta.local_fields
            if isinstance(f, ForeignKey) and f.db_constraint
        ]
        if keys:
            create = create[: -len(");")] + ", " + ", ".join(keys) + ");"
        out.append({"package": model.__module__.split(".")[0], "table": meta.db_table, "ddl": create,
                    "table_doc": doc, "columns": helps})  # fmt: skip
    json.dump(out, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
