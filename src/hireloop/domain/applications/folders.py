"""Custom folders of a company and the campaigns they belong to.

The system folders (Inbox, Completed, ...; applications.models.FOLDERS) exist in every
campaign. A custom folder is a row of CustomFolder: a *default* one is part of every
campaign of the company, any other only of the campaigns it was associated with
(CampaignFolder)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import fold_case, insert_for
from hireloop.domain.applications.models import FOLDERS, CampaignFolder, CustomFolder
from hireloop.domain.jobs.models import Job
from hireloop.errors import Conflict, Invalid, NotFound

MAX_NAME = 100


def clean_folder_name(name: object) -> str:
    """The trimmed name; Invalid when missing, not a string, blank or too long."""
    if not isinstance(name, str) or not name.strip():
        raise Invalid(
            "Parameter folder.folder_name is required.",
            details={"folder.folder_name": "is required"},
        )
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise Invalid(
            f"Folder names have at most {MAX_NAME} characters.",
            details={"folder.folder_name": f"at most {MAX_NAME} characters"},
        )
    return name


def _is_system_name(name: str) -> bool:
    key = name.lower().replace(" ", "_")
    return key in FOLDERS or key == "pending"


def list_custom_folders(session: Session, company_id: int) -> list[CustomFolder]:
    """The company's custom folders, oldest first."""
    return list(
        session.scalars(
            select(CustomFolder)
            .where(CustomFolder.company_id == company_id)
            .order_by(CustomFolder.id)
        )
    )


def find_custom_folder(session: Session, company_id: int, name: str) -> CustomFolder | None:
    """The company's custom folder of that name (case-insensitive as the database folds
    case, spaces collapsed), or None; the oldest, should two differ by case only."""
    return session.scalar(
        select(CustomFolder)
        .where(
            CustomFolder.company_id == company_id,
            func.lower(CustomFolder.name) == fold_case(" ".join(name.split())),
        )
        .order_by(CustomFolder.id)
        .limit(1)
    )


def get_custom_folder(session: Session, company_id: int, folder_id: int) -> CustomFolder:
    folder = session.scalar(
        select(CustomFolder).where(
            CustomFolder.company_id == company_id, CustomFolder.id == folder_id
        )
    )
    if folder is None:
        raise NotFound("Folder not found.")
    return folder


def create_custom_folder(
    session: Session, company_id: int, name: object, *, default: bool = False
) -> CustomFolder:
    """A new custom folder; Conflict when the company has a folder of that name
    (case-insensitive, system folders included)."""
    clean = clean_folder_name(name)
    if _is_system_name(clean) or find_custom_folder(session, company_id, clean) is not None:
        raise Conflict(f"A folder with name {clean} already exists.")
    folder = CustomFolder(company_id=company_id, name=clean, is_default=default)
    session.add(folder)
    session.flush()
    return folder


def associate_folder(session: Session, job: Job, folder: CustomFolder) -> None:
    """Make ``folder`` one of ``job``'s folders (idempotent; a default folder already is)."""
    if folder.company_id != job.company_id:
        raise NotFound("Folder not found.")
    if folder.is_default:
        return
    session.execute(
        insert_for(session, CampaignFolder)
        .values(job_id=job.id, custom_folder_id=folder.id, company_id=job.company_id)
        .on_conflict_do_nothing(index_elements=["job_id", "custom_folder_id"])
    )


def campaign_custom_folders(session: Session, job: Job) -> list[CustomFolder]:
    """The custom folders of a campaign: the company's default ones and those associated
    with it, oldest first."""
    associated = select(CampaignFolder.custom_folder_id).where(
        CampaignFolder.job_id == job.id, CampaignFolder.company_id == job.company_id
    )
    return list(
        session.scalars(
            select(CustomFolder)
            .where(
                CustomFolder.company_id == job.company_id,
                CustomFolder.is_default | CustomFolder.id.in_(associated),
            )
            .order_by(CustomFolder.id)
        )
    )


def is_campaign_folder(session: Session, job: Job, custom_folder_id: int) -> bool:
    """Whether the custom folder belongs to the campaign (for moves into it)."""
    folder = session.scalar(
        select(CustomFolder).where(
            CustomFolder.company_id == job.company_id, CustomFolder.id == custom_folder_id
        )
    )
    if folder is None:
        return False
    if folder.is_default:
        return True
    linked = session.scalar(
        select(CampaignFolder.job_id).where(
            CampaignFolder.job_id == job.id, CampaignFolder.custom_folder_id == folder.id
        )
    )
    return linked is not None
