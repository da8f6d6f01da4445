"""Create the staff groups: Editors write the blog's content, Moderators handle comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "blog": ["post", "paper", "abstractsection", "citation", "posthashtag", "hashtag", "series"],
    "authors": ["author"],
}
ACTIONS = ["add", "change", "delete", "view"]
MODERATOR_PERMISSIONS = {
    "comments": ["view_comment", "change_comment"],
    "blog": ["view_post"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    for app_label in ["blog", "authors", "comments"]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = {
        (app, f"{action}_{model}")
        for app, models in EDITOR_MODELS.items()
        for model in models
        for action in ACTIONS
    }
    editors.permissions.add(*_permissions(Permission, codenames))

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    codenames = {(app, code) for app, codes in MODERATOR_PERMISSIONS.items() for code in codes}
    moderators.permissions.add(*_permissions(Permission, codenames))


def _permissions(Permission, codenames):
    found = []
    for app_label, codename in sorted(codenames):
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blog", "0001_initial"),
        ("authors", "0001_initial"),
        ("comments", "0002_notify_and_ip"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
