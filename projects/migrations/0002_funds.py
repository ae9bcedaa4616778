"""Load the subsidy funds a city starts with; the admin can add more."""

from django.db import migrations

FUNDS = [
    (
        "市民活動げんき基金（市民活動推進基金）",
        "市民や事業者からの寄附を財源に、市民活動団体の公益的な事業を補助する基金。",
    ),
    ("一般財源", "基金によらない補助。"),
    ("その他", "国・県の補助金などを財源とするもの。"),
]


def load(apps, schema_editor):
    Fund = apps.get_model("projects", "Fund")
    for name, description in FUNDS:
        Fund.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
