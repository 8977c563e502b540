"""Câu hỏi chưa trả lời: what officials asked that the documents did not answer, and the answers
they voted 👎, most frequent first (the same lists as `python -m bot gaps`)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.db.chats import ChatStore
from bot.web.app import render
from bot.web.auth import Admin

router = APIRouter()
ROWS = 100  # of each list


@router.get("/cau-hoi", response_class=HTMLResponse)
def questions(request: Request, viewer: Admin) -> Response:
    chats = ChatStore(request.app.state.engine)
    return render(request, viewer, "questions.html", gaps=chats.gaps(ROWS), unhelpful=chats.unhelpful_answers(ROWS),
                  rows=ROWS)
