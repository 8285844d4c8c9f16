from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.jobs.selectors import live_workers


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker checked in recently, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database_ok = True
        workers = live_workers()
    except DatabaseError:
        database_ok, workers = False, []
    healthy = database_ok and bool(workers)
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": "ok" if database_ok else "unreachable",
        "workers": len(workers),
        "last_worker_seen_at": workers[0].last_seen_at.isoformat() if workers else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
