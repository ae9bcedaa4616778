"""One way to page a list: the page and the query string the page links keep."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset) -> dict:
    """{"page": …, "query": …} for includes/pagination.html."""
    page = Paginator(queryset, settings.KYODO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
