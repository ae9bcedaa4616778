"""The benchmark's own parts, at a tiny size, so that `make bench` cannot rot unnoticed.

The measurements themselves run only in `make bench` (speed targets are not timed tests).
"""

from bench import pages, seed
from bench.urls import bare
from projects.models import Project, Status


def test_it_seeds_every_form_year_and_role_and_can_grow_the_same_database(db):
    first = seed.seed(projects=70, partners=20, users=30, tag="s")
    seed.seed(projects=70, partners=20, users=30)
    counts = seed.counts()
    assert counts["projects"] == 140
    assert counts["partners"] == 40
    assert counts["users"] == 60
    assert counts["fiscal_years"] == 10
    assert counts["agreements"] > 0 and counts["process_evaluations"] > 0
    assert set(Project.objects.values_list("implementation_form", flat=True)) == {
        "itaku", "shitei", "jigyo_kyoryoku", "jikko_iinkai", "kyosai", "hojo", "koen"
    }  # fmt: skip
    assert Project.objects.filter(status=Status.SUBMITTED).exists()
    assert first["project"].agreement.versions.filter(agreed_at__isnull=False).exists()
    assert first["staff"].role == "department" and first["admin"].is_superuser


def test_it_times_each_page_of_the_benchmark_with_a_200(db, settings):
    settings.ROOT_URLCONF = "bench.urls"
    made = seed.seed(projects=70, partners=20, users=30)
    clients = pages.clients({k: made[k] for k in ("staff", "coordinator", "admin")})
    for name, (who, path) in pages.page_urls(made["project"].pk).items():
        row = pages.timed(clients[who], path, warmup=1, repeat=2)
        assert row["median_ms"] > 0, name
        assert row["queries"] >= (0 if name == "bare" else 1), name


def test_it_serves_the_bare_view_without_the_database(db, rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bare(rf.get("/bench/bare/")).status_code == 200
