"""One way to page a list: the page, the page links to show and the query string they keep."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> dict[str, Any]:
    """{"page": …, "page_links": …, "query": …} for includes/pagination.html.

    page_links holds the page numbers to link (first, last, two either side of the current
    one) and Paginator.ELLIPSIS for the gaps: computed here so that the template's work does
    not grow with the number of pages (a loop over 240 pages cost ~10 ms per request).
    """
    paginator = Paginator(queryset, settings.KYODO_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    links = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {"page": page, "page_links": list(links), "query": query.urlencode()}
