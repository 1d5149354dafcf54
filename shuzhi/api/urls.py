"""The JSON API under /api/, with its OpenAPI document at /api/openapi.json.

Authentication is the web session (ninja's django_auth, which also checks the CSRF token on
unsafe methods). The OpenAPI document describes the API's shape only, holds no data, and is served
to anyone; there is no Swagger UI (docs_url=None), which would load its assets from the internet.
"""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from shuzhi.api import errors
from shuzhi.api.assessment import router as assessment_router
from shuzhi.api.cycles import router as cycles_router
from shuzhi.api.evaluation import router as evaluation_router
from shuzhi.api.me import router as me_router
from shuzhi.api.meetings import router as meetings_router
from shuzhi.api.orgs import router as orgs_router
from shuzhi.api.people import router as people_router
from shuzhi.api.positions import router as positions_router


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese written as itself rather than as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="shuzhi API",
    version="1",
    description="述职评议考核系统 JSON API. Authenticated with the web session; the same scoping and "
    "services as the web pages. Objects outside the user's scope answer 404; visible objects the user "
    "may not change answer 403; refused changes answer 422 with "
    '`{"detail": [{"field": …, "message": …}]}`.',
    auth=django_auth,
    docs_url=None,
    renderer=UnicodeJSONRenderer(),
)
errors.install(api)
api.add_router("/", me_router)
api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", positions_router)
api.add_router("/", cycles_router)
api.add_router("/", meetings_router)
api.add_router("/", assessment_router)
api.add_router("/", evaluation_router)
