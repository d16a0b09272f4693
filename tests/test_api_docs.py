"""The API docs work offline: the page loads its assets from this server."""

from __future__ import annotations


def test_docs_page_uses_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger-ui/swagger-ui.css").status_code == 200


def test_openapi_lists_the_partner_api(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/v1/partner/jobs",
        "/v1/partner/jobs/{job_id}",
        "/v1/partner/candidates",
        "/v1/partner/candidates/list",
        "/v1/partner/candidates/{candidate_id}",
        "/v1/partner/candidates/bulk-fetch",
        "/v1/partner/job-candidates/job/{job_id}/candidates",
        "/v1/partner/job-candidates/bulk-fetch",
    ):
        assert path in spec["paths"], path
