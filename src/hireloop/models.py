"""Imports every model so that metadata (Alembic, tests) sees the whole schema."""

from hireloop.db import Base
from hireloop.domain.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationLabel,
    CampaignFolder,
    CustomFolder,
    DocumentTag,
    JobFolderCount,
    Label,
    MovementReason,
    ShareLink,
)
from hireloop.domain.audit.models import ApiLog, IdempotentRequest
from hireloop.domain.batches.models import ResumeBatch, ResumeBatchItem
from hireloop.domain.candidates.models import Candidate, CandidateTag, Comment, Tag
from hireloop.domain.companies.models import (
    AccessToken,
    ApiKey,
    Company,
    Invitation,
    PasswordResetToken,
    User,
    UserSession,
)
from hireloop.domain.files.models import File
from hireloop.domain.intake.models import ImportRun, SheetSource
from hireloop.domain.jobs.models import Job
from hireloop.domain.messaging.models import Message, MessageTemplate
from hireloop.domain.outbox.models import OutboxEvent

__all__ = [
    "Invitation",
    "PasswordResetToken",
    "UserSession",
    "ApiLog",
    "IdempotentRequest",
    "Message",
    "MessageTemplate",
    "ImportRun",
    "SheetSource",
    "CampaignFolder",
    "DocumentTag",
    "MovementReason",
    "ShareLink",
    "AccessToken",
    "ResumeBatch",
    "ResumeBatchItem",
    "ApiKey",
    "Application",
    "ApplicationEvent",
    "ApplicationLabel",
    "Base",
    "Candidate",
    "CandidateTag",
    "Comment",
    "Company",
    "CustomFolder",
    "File",
    "Job",
    "JobFolderCount",
    "Label",
    "OutboxEvent",
    "Tag",
    "User",
]
