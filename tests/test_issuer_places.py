"""Whose document: central bodies, whose documents answer for no province they do not name."""
from __future__ import annotations

import pytest

from bot.retrieval.issuers import is_national, named_units, places


@pytest.mark.parametrize(("issuer", "number"), [
    ("Ban chỉ đạo nhà nước về du lịch", "170/QĐ-BCĐNNDL"),
    (None, "3621/QĐ-BYT"),
    (None, "224/CĐ-TTg"),
    ("Bộ Y tế", None),
])
def test_central_bodies_by_name_or_by_the_code_of_their_number(issuer: str | None, number: str | None) -> None:
    assert is_national(issuer, number)


@pytest.mark.parametrize(("issuer", "number"), [
    ("Ủy ban nhân dân tỉnh Nghệ An", "3621/QĐ-BYT"),  # the issuer's name decides when it is known
    ("Ban Chỉ đạo phát triển du lịch tỉnh Quảng Ninh", None),
    (None, "12/KH-UBND"),
    (None, None),
])
def test_provincial_or_unknown_issuers_are_not_central(issuer: str | None, number: str | None) -> None:
    assert not is_national(issuer, number)


@pytest.mark.parametrize(("question", "place"), [
    ("kế hoạch của Nha Trang về du lịch", "khanh hoa"), ("da lat han nop bao cao", "lam dong"),
    ("Hạ Long tổ chức kiểm tra khi nào", "quang ninh"), ("Buôn Ma Thuột", "dak lak"),
    ("tỉnh Bắc Cạn", "bac kan"), ("TP Thủ Đức", "ho chi minh"),
])
def test_a_city_or_a_variant_spelling_names_its_province(question: str, place: str) -> None:
    assert places(question) == {place}


@pytest.mark.parametrize("question, units", [
    ("Nghệ An bãi bỏ quyết định quy định chức năng, nhiệm vụ của Sở Ngoại vụ chưa?", {"ngoai vu": "Sở Ngoại vụ"}),
    ("so nong nghiep va moi truong tong hop bao cao truoc ngay nao",
     {"nong nghiep va moi truong": "so nong nghiep va moi truong"}),
    ("Bộ Tài chính hướng dẫn gì về phí karaoke?", {"tai chinh": "Bộ Tài chính"}),
    ("hạn nộp báo cáo quý 4 là khi nào?", {}),
])
def test_the_units_a_question_is_about_are_named_as_typed(question: str, units: dict[str, str]) -> None:
    assert named_units(question) == units
