"""The JSON API under /api/, with its OpenAPI document at /api/openapi.json."""

from ninja import NinjaAPI
from ninja.security import django_auth

from shuzhi.api.orgs import router as orgs_router

api = NinjaAPI(
    title="shuzhi API",
    version="1",
    description="述职评议考核系统 JSON API. Authenticated with the web session; the same scoping and "
    "services as the web pages.",
    auth=django_auth,
    docs_url=None,
)
api.add_router("/", orgs_router)
