"""Bulk résumé batches on the Partner API: upload by URL (Taptalent) or as files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hireloop.api.deps import SessionDep
from hireloop.api.partner import params
from hireloop.api.partner.routes import KeyDep
from hireloop.api.partner.schemas import EntityId, PartnerBody, epoch_ms
from hireloop.api.partner.serializers import pagination_json
from hireloop.domain.batches import service as batches
from hireloop.domain.batches.models import ResumeBatch, ResumeBatchItem
from hireloop.domain.companies.models import ApiKey
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits, parse_id
from hireloop.domain.jobs import service as jobs
from hireloop.domain.resumes.extract import MAX_CV_BYTES
from hireloop.errors import Invalid, NotFound

router = APIRouter(prefix="/v1/partner", tags=["Partner API (Taptalent)"])

ResumeURL = Annotated[str, Field(min_length=1, max_length=2000)]
# The files of one multipart batch are held in memory until stored: bigger batches go by URL.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_UPLOAD_TOO_LARGE = (
    "The uploaded files must not exceed 100 MB in all; send larger batches as resumeURLs."
)


class BulkResumeBody(PartnerBody):
    resumeURLs: list[ResumeURL] = Field(min_length=1, max_length=batches.MAX_FILES)


class JobBulkResumeBody(BulkResumeBody):
    jobId: EntityId


_URLS_DOC = {
    "requestBody": {
        "description": "JSON `{resumeURLs: [...]}` (job upload: plus `jobId`), or "
        "multipart/form-data with the files in `resumes` (several) and, for a job, `jobId`.",
        "content": {
            "application/json": {"schema": JobBulkResumeBody.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "resumes": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                        "jobId": {"type": "integer"},
                    },
                }
            },
        },
    }
}


async def _read_request(
    request: Request, model: type[BulkResumeBody]
) -> tuple[BulkResumeBody | None, list[batches.Upload], str | None]:
    """The JSON body, or the uploaded files (and jobId) of a multipart body."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        declared = request.headers.get("content-length", "")
        if is_ascii_digits(declared) and int(declared) > MAX_UPLOAD_BYTES:
            raise Invalid(_UPLOAD_TOO_LARGE)
        try:
            form = await request.form(max_files=batches.MAX_FILES + 1, max_fields=20)
        except Exception:  # noqa: BLE001 - the parser's errors all mean a broken body
            raise Invalid("Invalid multipart payload.") from None
        files = [
            f for f in form.getlist("resumes") + form.getlist("files") if isinstance(f, UploadFile)
        ]
        if not files:
            raise Invalid(
                "One or more fields are invalid.",
                details={"resumes": '"resumes" must contain at least 1 items'},
            )
        if len(files) > batches.MAX_FILES:
            raise Invalid(
                "One or more fields are invalid.",
                details={
                    "resumes": f'"resumes" must contain less than or equal to {batches.MAX_FILES} items'
                },
            )
        uploads = []
        total = 0
        for index, file in enumerate(files):
            data = await file.read(MAX_CV_BYTES + 1)
            total += len(data)
            if total > MAX_UPLOAD_BYTES:  # a chunked body declares no length
                raise Invalid(_UPLOAD_TOO_LARGE)
            if len(data) > MAX_CV_BYTES:
                raise Invalid(
                    "One or more fields are invalid.",
                    details={f"resumes[{index}]": f'"resumes[{index}]" must not exceed 10 MB'},
                )
            uploads.append(
                batches.Upload(filename=file.filename or f"resume-{index + 1}", data=data)
            )
        job_ref = form.get("jobId")
        return None, uploads, job_ref if isinstance(job_ref, str) else None
    try:
        payload = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the parser
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": ""}]
        ) from None
    try:
        return model.model_validate(payload), [], None
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


def _create(
    session: Session,
    request: Request,
    key: ApiKey,
    body: BulkResumeBody | None,
    uploads: list[batches.Upload],
    job_ref: str | int | None,
) -> dict[str, Any]:
    job = jobs.get_job(session, key.company_id, job_ref) if job_ref is not None else None
    batch = batches.create_batch(
        session,
        key.company_id,
        storage=local_storage(request.app.state.settings.files_dir),
        urls=body.resumeURLs if body else None,
        uploads=uploads,
        job=job,
        source="urls" if body else "upload",
        api_key_id=key.id,
    )
    data: dict[str, Any] = {"batchId": batch.id, "fileCount": batch.file_count}
    if job is not None:
        data["jobId"] = job.id
    return {"success": True, "data": data}


@router.post(
    "/candidates/bulk/resume",
    summary="Bulk upload résumés for parsing (up to 200)",
    openapi_extra=_URLS_DOC,
)
async def bulk_resume(request: Request, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    body, uploads, job_ref = await _read_request(request, BulkResumeBody)
    return await run_in_threadpool(_create, session, request, key, body, uploads, job_ref)


@router.post(
    "/job-candidates/bulk/resume",
    summary="Bulk upload résumés into a job (up to 200)",
    openapi_extra=_URLS_DOC,
)
async def job_bulk_resume(request: Request, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    body, uploads, job_ref = await _read_request(request, JobBulkResumeBody)
    if body is not None:
        job_ref = body.jobId  # type: ignore[attr-defined]
    if job_ref is None or job_ref == "":
        raise Invalid("One or more fields are invalid.", details={"jobId": '"jobId" is required'})
    return await run_in_threadpool(_create, session, request, key, body, uploads, job_ref)


def _item_json(item: ResumeBatchItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "resumeURL": item.source_url,
        "fileName": item.filename,
        "status": item.status,
        "error": item.error,
        "candidateId": item.candidate_id,
        "jobCandidateId": item.application_id,
        "processedAt": epoch_ms(item.processed_at),
    }


def _batch_json(batch: ResumeBatch) -> dict[str, Any]:
    return {
        "batchId": batch.id,
        "jobId": batch.job_id,
        "status": batch.status,
        "source": batch.source,
        "fileCount": batch.file_count,
        "processedCount": batch.processed_count,
        "successCount": batch.success_count,
        "failedCount": batch.failed_count,
        "createdAt": epoch_ms(batch.created_at),
        "startedAt": epoch_ms(batch.started_at),
        "completedAt": epoch_ms(batch.completed_at),
    }


@router.get("/candidates/batch/{batch_id}", summary="A batch: progress and its files")
def get_batch(batch_id: str, request: Request, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    page, per_page = params.page_params(request.query_params)
    number = parse_id(batch_id)
    if number is None:
        raise NotFound("Batch not found.")
    batch = batches.get_batch(session, key.company_id, number)
    result = batches.list_items(session, batch, page=page, per_page=per_page)
    return {
        "success": True,
        "data": {
            **_batch_json(batch),
            "files": [_item_json(item) for item in result.items],
            "pagination": pagination_json(page, per_page, result.total, result.total_pages),
        },
    }
