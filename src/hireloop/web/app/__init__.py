"""The recruiter app (``/app``): server-rendered pages on the domain services.

- ``pages.py``: templates per language, cookies, CSRF, flash messages, the signed-in user
- ``i18n.py``: the gettext catalogs (web/translations)
- ``auth_routes.py``: sign-in, sign-out, password reset, invitation acceptance
- ``shell_routes.py``: welcome screen, My account, company profile
- ``queries.py``: read queries of the pages

Later screens (campaign view, wizard, ...) add their own ``*_routes.py`` and are included
here, before ``shell_routes`` (whose last route answers 404 for any other ``/app`` path).
"""

from fastapi import APIRouter

from hireloop.web.app import (
    admin_routes,
    auth_routes,
    campaign_settings_routes,
    campaign_view_routes,
    candidate_routes,
    shell_routes,
)

router = APIRouter(include_in_schema=False)
router.include_router(auth_routes.router)
router.include_router(campaign_view_routes.router)
router.include_router(admin_routes.router)
router.include_router(campaign_settings_routes.router)
router.include_router(candidate_routes.router)
router.include_router(shell_routes.router)

__all__ = ["router"]
