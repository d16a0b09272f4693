"""Dependencies shared by every face: the unit-of-work session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    """One request, one transaction: committed when the route returns, rolled back on error."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the session commits before the response is sent, so a failed commit
# is a 500 and never a success the client was told about.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
