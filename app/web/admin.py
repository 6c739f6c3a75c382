"""The admin's page: every staff account, and a form to add one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from app.accounts.users import AccountError, create_account, list_accounts, validate_account
from app.db.models import Organisation, User, UserRole, utcnow
from app.db.session import SessionDep
from app.web.auth import AdminUser, AuditDep, CsrfChecked, CurrentLogin, actor
from app.web.templating import templates

ROLE_LABELS = {UserRole.REFERENT: "Référent", UserRole.ADMIN: "Administrateur", UserRole.AUDITOR: "Auditeur"}

router = APIRouter(prefix="/admin")


def _render(
    request: Request,
    db: Session,
    login: CurrentLogin,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    created: User | None = None,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    organisations = db.exec(select(Organisation).order_by(col(Organisation.name))).all()
    return templates.TemplateResponse(
        request,
        "admin_accounts.html",
        {
            "user": login.user,
            "csrf_token": login.csrf_token,
            "accounts": list_accounts(db),
            "organisations": organisations,
            "role_labels": ROLE_LABELS,
            "values": values or {"role": UserRole.REFERENT.value},
            "error": error,
            "created": created,
            "now": utcnow(),
        },
        status_code=status_code,
    )


@router.get("/accounts", include_in_schema=False)
def accounts_page(
    request: Request, login: CurrentLogin, _: AdminUser, db: SessionDep, created: int | None = None
) -> Response:
    return _render(request, db, login, created=db.get(User, created) if created is not None else None)


@router.post("/accounts", include_in_schema=False, dependencies=[CsrfChecked])
def add_account(
    request: Request,
    login: CurrentLogin,
    admin: AdminUser,
    db: SessionDep,
    audit: AuditDep,
    email: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Create an account; a refused one is shown again with its values (never the password) and the reason."""
    values = {"email": email[:254], "full_name": full_name[:200], "role": role, "organisation_id": organisation_id}
    try:
        if not organisation_id.strip().isdigit():
            raise AccountError("Choisissez l'organisation du compte dans la liste.")
        account = validate_account(
            db,
            email=email,
            full_name=full_name,
            role=role,
            organisation_id=int(organisation_id),
            password=password,
        )
    except AccountError as refused:
        return _render(request, db, login, values=values, error=str(refused), status_code=status.HTTP_400_BAD_REQUEST)
    user = create_account(db, account, audit=audit, created_by=actor(admin))
    return RedirectResponse(f"/admin/accounts?created={user.id}", status_code=status.HTTP_303_SEE_OTHER)
