from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from stats.models import YearlyTotal


@admin.register(YearlyTotal)
class YearlyTotalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "itaku", "shitei", "jigyo_kyoryoku", "jikko_iinkai", "kyosai"]
    list_display += ["hojo", "koen", "source", "use_records"]
    list_filter = ["use_records"]
