"""Load the activity fields (分野) a city starts with; the admin can add more."""

from django.db import migrations

FIELDS = [
    "保健・医療・福祉",
    "社会教育",
    "まちづくり",
    "観光",
    "農山漁村・中山間地域",
    "学術・文化・芸術・スポーツ",
    "環境の保全",
    "災害救援",
    "地域安全",
    "人権の擁護・平和",
    "国際協力",
    "男女共同参画",
    "子どもの健全育成",
    "情報化社会",
    "科学技術",
    "経済活動の活性化",
    "職業能力・雇用機会",
    "消費者の保護",
    "市民活動の支援",
]


def load(apps, schema_editor):
    ActivityField = apps.get_model("partners", "ActivityField")
    for order, name in enumerate(FIELDS, start=1):
        ActivityField.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
