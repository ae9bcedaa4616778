"""The 協働の実績 published in the guideline (第1-7), 平成28年度 to 令和2年度."""

from django.db import migrations

SOURCE = "協働のガイドライン（案）第1-7「協働の実績」"
# fiscal year: 委託, 指定管理者, 事業協力, 実行委員会, 共催, 補助, 後援
FIGURES = {
    2016: (63, 23, 140, 24, 61, 24, 186),
    2017: (50, 23, 171, 24, 67, 17, 196),
    2018: (52, 22, 162, 23, 62, 16, 242),
    2019: (53, 22, 174, 16, 71, 17, 251),
    2020: (22, 22, 71, 2, 31, 5, 68),
}
COLUMNS = ["itaku", "shitei", "jigyo_kyoryoku", "jikko_iinkai", "kyosai", "hojo", "koen"]
NOTES = {2020: "新型コロナウイルス感染症の影響で、催しの中止が相次いだ年度。"}


def load(apps, schema_editor):
    YearlyTotal = apps.get_model("stats", "YearlyTotal")
    for year, counts in FIGURES.items():
        YearlyTotal.objects.get_or_create(
            fiscal_year=year,
            defaults={
                **dict(zip(COLUMNS, counts, strict=True)),
                "source": SOURCE,
                "note": NOTES.get(year, ""),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
