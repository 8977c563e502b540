"""Văn bản: the documents in the store with their số hiệu, type, issuer, date, chunks and tasks;
uploads ingested in the background with their progress; removal."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bot.db.tasks import STATUS_NAMES, TaskStatus
from bot.web.app import render
from bot.web.auth import Admin, AdminChange, Viewer
from bot.web.library import Library, LibraryError

router = APIRouter()
FILE_FIELD = "tep"
# A request this much larger than the upload limit is refused before its body is read.
FORM_SLACK_BYTES = 1024 * 1024
CHANGED = "van-ban-doi"  # the htmx event that reloads the table when an upload is done
STOP_POLLING = 286
RECENT_AUDIT = 20  # audit entries looked at for the notice after a removal


def _library(request: Request) -> Library:
    return request.app.state.library


def _within_limit(request: Request) -> None:
    limit_mb = _library(request).max_mb
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit_mb * 1024 * 1024 + FORM_SLACK_BYTES:
        raise HTTPException(413, f"Tệp quá lớn: chỉ nhận tệp tối đa {limit_mb} MB.")


@router.get("/van-ban", response_class=HTMLResponse)
def documents(request: Request, viewer: Admin) -> Response:
    return _page(request, viewer, notice=_removed_notice(request, viewer))


def _removed_notice(request: Request, viewer: Viewer) -> str | None:
    """«Đã gỡ …» after a removal, when this official's audit log says so (not from the URL alone)."""
    name = request.query_params.get("da-go")
    recent = request.app.state.people.audit_log(RECENT_AUDIT)
    done = name and any(official == viewer.official_id and action == "document_remove"
                        and detail.startswith(f"gỡ văn bản {name} (") for _, official, _, action, detail in recent)
    return f"Đã gỡ văn bản «{name}»." if done else None


@router.get("/van-ban/bang", response_class=HTMLResponse)
def table(request: Request, viewer: Admin) -> Response:
    return render(request, viewer, "documents_table.html", **_table(request))


@router.get("/van-ban/nap/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, viewer: Admin, job_id: str) -> Response:
    job = _library(request).job(job_id)
    if job is None:  # htmx stops polling on 286
        return render(request, viewer, "documents_job_gone.html", status=STOP_POLLING)
    response = render(request, viewer, "documents_job.html", job=job)
    if job.finished:
        response.headers["HX-Trigger"] = CHANGED
    return response


@router.post("/van-ban/tai-len", dependencies=[Depends(_within_limit)])
async def upload(request: Request, viewer: AdminChange) -> Response:
    return await _accept(request, viewer, (await request.form()).get(FILE_FIELD))


async def _accept(request: Request, viewer: Viewer, upload: UploadFile | str | None) -> Response:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_page, request, viewer, status=400, error="Chưa chọn tệp để tải lên.")
    library = _library(request)
    data = await upload.read(library.max_bytes + 1)
    try:
        await run_in_threadpool(library.accept, upload.filename, data, viewer.official_id)
    except LibraryError as exc:
        return await run_in_threadpool(_page, request, viewer, status=400,
                                       error=f"Không nhận tệp «{upload.filename}»: {exc}.")
    return RedirectResponse("/van-ban", status_code=303)


@router.post("/van-ban/go")
async def remove(request: Request, viewer: AdminChange) -> Response:
    source = str((await request.form()).get("source", ""))
    try:
        name = await run_in_threadpool(_library(request).remove, source, viewer.official_id)
    except LibraryError as exc:
        return await run_in_threadpool(_page, request, viewer, status=400, error=str(exc))
    return RedirectResponse(f"/van-ban?da-go={quote(name)}", status_code=303)


def _page(request: Request, viewer: Viewer, *, status: int = 200, notice: str | None = None,
          error: str | None = None) -> Response:
    library = _library(request)
    return render(request, viewer, "documents.html", status=status, notice=notice, error=error,
                  jobs=library.jobs(), suffixes=library.suffixes,
                  max_mb=library.max_mb, **_table(request))


def _table(request: Request) -> dict[str, object]:
    return {"rows": _library(request).documents(), "statuses": list(TaskStatus), "status_names": STATUS_NAMES,
            "changed": CHANGED}
