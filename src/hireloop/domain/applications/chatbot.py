"""The recruiter stops or resumes the chatbot for one application (``bot_paused``): a
paused application gets no automatic bot replies until it is resumed. Each change is
recorded as an application event (who and when)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application, ApplicationEvent


def set_bot_paused(
    session: Session, application: Application, paused: bool, actor: Actor
) -> Application:
    """Stop (``paused``) or resume the bot for ``application``; no change, no event."""
    if application.bot_paused == paused:
        return application
    application.bot_paused = paused
    session.add(
        ApplicationEvent(
            company_id=application.company_id,
            application_id=application.id,
            job_id=application.job_id,
            kind="bot_paused" if paused else "bot_resumed",
            from_folder=application.folder,
            to_folder=application.folder,
            actor_type=actor.type,
            actor_id=actor.id,
        )
    )
    session.flush()
    return application
