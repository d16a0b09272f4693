"""hireloop serve | worker | migrate | demo | company | apikey."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from hireloop.config import Settings, get_settings
from hireloop.db import get_database

# rich_markup_mode=None: plain click-style help and usage errors. Typer 0.29's Rich help
# shows a type after every option, flags included (`--json <bool>`, `--help <bool>`), as if
# they took a value; its plain help shows flags without one (tests/test_cli_help.py).
app = typer.Typer(
    help="hireloop: recruitment automation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
company_app = typer.Typer(help="Manage companies (tenants).", no_args_is_help=True)
apikey_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
import_app = typer.Typer(help="Import data.", no_args_is_help=True)
app.add_typer(company_app, name="company")
app.add_typer(apikey_app, name="apikey")
app.add_typer(import_app, name="import")


@contextmanager
def _unit_of_work(settings: Settings) -> Iterator[Session]:
    """A transaction for one command; a DomainError becomes a message and exit code 1."""
    from hireloop.errors import DomainError

    try:
        with get_database(settings.resolved_database_url).unit_of_work() as session:
            yield session
    except DomainError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.details.items())
        typer.echo(f"error: {exc.message}" + (f" ({detail})" if detail else ""), err=True)
        raise typer.Exit(1) from exc


def _setup(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from hireloop.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)


@app.command()
def migrate() -> None:
    """Apply database migrations."""
    settings = get_settings()
    _setup(settings)
    typer.echo(f"database is up to date ({settings.resolved_database_url.split('@')[-1]})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="Run the background worker in-process.")
    ] = True,
) -> None:
    """Apply migrations, then serve the API (and the worker, unless --no-worker)."""
    import uvicorn

    from hireloop.app import create_app

    settings = get_settings()
    _setup(settings)
    web = create_app(settings)
    if worker:
        from hireloop.worker.runner import Worker

        web.state.worker = Worker(settings)
        web.state.worker.start()
    # proxy_headers off: uvicorn would otherwise take X-Forwarded-For from any client on
    # 127.0.0.1; hireloop reads it from HIRELOOP_TRUSTED_PROXIES only (api/rate_limit.py).
    uvicorn.run(
        web, host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False
    )


@app.command("worker")
def run_worker() -> None:
    """Run the background worker: task queue consumer and outbox relay."""
    from hireloop.worker.runner import Worker

    settings = get_settings()
    _setup(settings)
    Worker(settings).run()


def _print_credentials(credentials: dict[str, Any], as_json: bool, settings: Settings) -> None:
    if as_json:
        typer.echo(json.dumps(credentials))
        return
    typer.echo(f"Company           {credentials['company_id']} ({credentials['company_slug']})")
    typer.echo(f"Sign in           {credentials['admin_email']} / {credentials['admin_password']}")
    typer.echo(f"Partner API key   {credentials['partner_api_key']}")
    typer.echo(f"Career API key    {credentials['career_api_key']}")
    typer.echo(f"Talkpush API key  {credentials['talkpush_api_key']}")
    typer.echo(f"Talkpush secret   {credentials['talkpush_api_secret']}")
    typer.echo(f"Job ids           {', '.join(str(j) for j in credentials['job_ids'])}")
    if credentials.get("career_page_url"):
        typer.echo(f"Career page       {credentials['career_page_url']}")
    if credentials.get("profiles_token"):
        typer.echo(f"Profiles token    {credentials['profiles_token']}")
    typer.echo(f"Web app           {settings.base_url}/app")
    typer.echo(f"API docs          {settings.base_url}/docs")


@app.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create the demo company (idempotent) and print its sign-in and API keys."""
    from hireloop.demo import ensure_demo

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        credentials = ensure_demo(session, settings.data_dir)
    _print_credentials(credentials, as_json, settings)


@company_app.command("create")
def company_create(
    name: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    owner_email: Annotated[str | None, typer.Option(help="The owner's sign-in email.")] = None,
    country: Annotated[
        str | None, typer.Option(help="Default country (ISO alpha-2) for phone numbers.")
    ] = None,
) -> None:
    """Create a company with an owner and one API key per face."""
    from hireloop.domain.companies.onboarding import onboard_company

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        _, credentials = onboard_company(
            session,
            name,
            owner_email=owner_email,
            environment=settings.key_environment,
            default_country=country,
        )
    _print_credentials(credentials, as_json, settings)


@apikey_app.command("create")
def apikey_create(
    company_id: Annotated[int, typer.Option("--company", help="Company id.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "API key",
    scope: Annotated[str, typer.Option(help="partner | career | leads | profiles | all")] = "all",
    secret: Annotated[
        bool, typer.Option("--secret", help="Also issue a secret (Talkpush).")
    ] = False,
    test: Annotated[bool, typer.Option("--test", help="Issue an sk_test_ key.")] = False,
) -> None:
    """Create an API key. The key (and secret) are shown once."""
    from hireloop.domain.companies.service import create_api_key, get_company

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        get_company(session, company_id)
        issued = create_api_key(
            session,
            company_id,
            name=name,
            scope=scope,
            with_secret=secret,
            environment="test" if test else settings.key_environment,
        )
        out = {"id": issued.api_key.id, "key": issued.key, "scope": scope}
        if issued.secret:
            out["secret"] = issued.secret
    typer.echo(json.dumps(out))


@apikey_app.command("list")
def apikey_list(
    company_id: Annotated[int, typer.Option("--company", help="Company id.")],
) -> None:
    """List a company's API keys (prefixes only)."""
    from hireloop.domain.companies.service import list_api_keys

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        for key in list_api_keys(session, company_id):
            used = key.last_used_at.isoformat() if key.last_used_at else "never"
            state = "active" if key.active else "revoked"
            typer.echo(
                f"{key.id}\t{key.key_prefix}…\t{key.scope}\t{state}\t{key.name}\tlast used {used}"
            )


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: int,
    company_id: Annotated[int | None, typer.Option("--company", help="Company id.")] = None,
) -> None:
    """Deactivate an API key: every call with it is refused from now on."""
    from hireloop.domain.companies.service import revoke_api_key

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        revoke_api_key(session, company_id, key_id)
    typer.echo(f"revoked key {key_id}")


@company_app.command("deactivate")
def company_deactivate(company_id: int) -> None:
    """Deactivate a company: its API keys get 403 ACCOUNT_INACTIVE until reactivated."""
    from hireloop.domain.companies.service import set_company_active

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        set_company_active(session, company_id, active=False)
    typer.echo(f"company {company_id} deactivated")


@company_app.command("activate")
def company_activate(company_id: int) -> None:
    """Reactivate a company."""
    from hireloop.domain.companies.service import set_company_active

    settings = get_settings()
    _setup(settings)
    with _unit_of_work(settings) as session:
        set_company_active(session, company_id, active=True)
    typer.echo(f"company {company_id} activated")


RESUME_SUFFIXES = (".pdf", ".docx", ".doc", ".rtf", ".txt")


def _process_item(args: tuple[str, str, int]) -> bool | None:
    url, files_dir, item_id = args
    from pathlib import Path

    from hireloop.domain.batches.service import process_item
    from hireloop.domain.files.storage import local_storage

    return process_item(get_database(url), item_id, storage=local_storage(Path(files_dir)))


@import_app.command("resumes")
def import_resumes(
    directory: Annotated[str, typer.Argument(help="Folder with PDF/DOCX/RTF/TXT résumés.")],
    job: Annotated[
        int | None, typer.Option("--job", help="Add the candidates to this job.")
    ] = None,
    company: Annotated[
        int | None, typer.Option("--company", help="Company id (needed when there are several).")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0, help="Parallel processes; 0 = one per CPU core (at most one per file)."
        ),
    ] = 0,
) -> None:
    """Parse every résumé in DIRECTORY into candidates (a batch, like the bulk API)."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    from sqlalchemy import select

    from hireloop.domain.batches.models import ResumeBatch
    from hireloop.domain.batches.service import MAX_FILES, Upload, create_batch, pending_item_ids
    from hireloop.domain.companies.models import Company
    from hireloop.domain.files.storage import local_storage
    from hireloop.domain.jobs.service import get_job

    settings = get_settings()
    _setup(settings)
    folder = Path(directory)
    if not folder.is_dir():
        typer.echo(f"error: {directory} is not a folder", err=True)
        raise typer.Exit(1)
    paths = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in RESUME_SUFFIXES
    )
    if not paths:
        typer.echo(f"error: no résumés (PDF, DOCX, RTF, TXT) in {directory}", err=True)
        raise typer.Exit(1)
    storage = local_storage(settings.files_dir)
    batch_ids: list[int] = []
    with _unit_of_work(settings) as session:
        if company is None:
            ids = list(session.scalars(select(Company.id).limit(2)))
            if len(ids) != 1:
                typer.echo("error: several companies exist; choose one with --company", err=True)
                raise typer.Exit(1)
            company = ids[0]
        target = get_job(session, company, job) if job is not None else None
        for start in range(0, len(paths), MAX_FILES):
            chunk = paths[start : start + MAX_FILES]
            batch = create_batch(
                session,
                company,
                storage=storage,
                uploads=[Upload(filename=p.name, data=p.read_bytes()) for p in chunk],
                job=target,
                source="cli",
            )
            batch_ids.append(batch.id)
    with _unit_of_work(settings) as session:
        item_ids = [i for b in batch_ids for i in pending_item_ids(session, b)]
    url = settings.resolved_database_url
    tasks = [(url, str(settings.files_dir), item_id) for item_id in item_ids]
    parsed = failed = 0
    processes = workers or max(1, min(len(tasks), os.cpu_count() or 1))
    with (
        ProcessPoolExecutor(max_workers=processes) as pool,
        typer.progressbar(length=len(tasks), label="Parsing résumés") as bar,
    ):
        for outcome in pool.map(_process_item, tasks, chunksize=1):
            parsed += outcome is True
            failed += outcome is False
            bar.update(1)
    with _unit_of_work(settings) as session:
        batches = session.scalars(select(ResumeBatch).where(ResumeBatch.id.in_(batch_ids))).all()
        summary = ", ".join(f"batch {b.id}: {b.status}" for b in batches)
    typer.echo(f"{parsed} parsed, {failed} failed ({summary})")


@import_app.command("csv")
def import_csv_file(
    path: Annotated[str, typer.Argument(help="CSV file: first name, last name, email, ...")],
    job: Annotated[int, typer.Option("--job", help="The campaign (job) to add the leads to.")],
    company: Annotated[
        int | None, typer.Option("--company", help="Company id (needed when there are several).")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="The file's encoding (utf-8, cp1252, cp1250, cp1251, gb18030, big5, cp932, "
            "cp949, ...). Default: detected (a byte-order mark, UTF-8, else the usual code "
            "page that reads it, the company's country's first).",
        ),
    ] = None,
) -> None:
    """Import a CSV of leads (first name, last name, email, country code, phone number,
    referee) into a campaign, in one transaction, with a progress bar."""
    from pathlib import Path

    from sqlalchemy import select

    from hireloop.domain.actor import Actor
    from hireloop.domain.companies.models import Company
    from hireloop.domain.companies.service import get_company
    from hireloop.domain.intake.encodings import checked_encoding
    from hireloop.domain.intake.service import import_csv
    from hireloop.domain.leads.service import get_campaign
    from hireloop.errors import Invalid

    if encoding is not None:
        try:
            encoding = checked_encoding(encoding)
        except Invalid as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(1) from None
    settings = get_settings()
    _setup(settings)
    file = Path(path)
    if not file.is_file():
        typer.echo(f"error: {path} is not a file", err=True)
        raise typer.Exit(1)
    with _unit_of_work(settings) as session:
        if company is None:
            ids = list(session.scalars(select(Company.id).limit(2)))
            if len(ids) != 1:
                typer.echo("error: several companies exist; choose one with --company", err=True)
                raise typer.Exit(1)
            company = ids[0]
        owner = get_company(session, company)
        campaign = get_campaign(session, owner.id, job)
        with typer.progressbar(length=1, label="Importing leads") as bar:
            done = 0

            def progress(run: Any) -> None:
                nonlocal done
                bar.length = max(run.total_rows, 1)
                bar.update(run.processed_rows - done)
                done = run.processed_rows

            run = import_csv(
                session,
                owner,
                campaign,
                file.read_bytes(),
                filename=file.name,
                actor=Actor.system(),
                ttl_hours=settings.pin_ttl_hours,
                progress=progress,
                encoding=encoding,
            )
        summary = (
            f"{run.created_count} created, {run.duplicate_count} duplicates, "
            f"{run.failed_count} failed of {run.total_rows} rows (import {run.public_id}, "
            f"read as {run.encoding})"
        )
        errors = list(run.errors or [])
    typer.echo(summary)
    for error in errors[:20]:
        typer.echo(f"  row {error['row']}: {error['error']}")
    if len(errors) > 20 or run.failed_count > len(errors):
        typer.echo(f"  ... {run.failed_count - min(len(errors), 20)} more failed rows")


if __name__ == "__main__":
    app()
