"""Declining what the documents do not answer: the sentence quoted must be about what was asked,
and a central body's document speaks for a province only where it names it."""
from __future__ import annotations

from typing import Any

from bot.retrieval.answers import Answerer, _asked
from bot.retrieval.evidence import without_refs
from bot.retrieval.issuers import without_places
from bot.retrieval.questions import understand
from bot.retrieval.scope import Focus, Scopes, lacks_figure, lacks_licensed, lacks_own_figure, of_another_unit
from bot.retrieval.search import Passage

KARAOKE = "Mức thu phí thẩm định cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke là 1.000.000 đồng/phòng."
INCOME = ("Nghị quyết này thay thế Nghị quyết số 46/2024/NQ-HĐND ngày 10 tháng 12 năm 2024 của Hội đồng nhân "
          "dân thành phố Hà Nội quy định chi thu nhập tăng thêm cho cán bộ, công chức, viên chức làm việc trong "
          "các cơ quan nhà nước.")
MEETING = ("Thực hiện nghiêm chỉ đạo của Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới "
           "sáng tạo và chuyển đổi số, công tác phát triển hạ tầng số năm 2026 đạt nhiều kết quả.")


class Store:
    """The little of a passage search that the scopes read: documents, their passages, metadata."""

    def __init__(self, documents: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]]) -> None:
        self.documents = documents

    def sources(self) -> list[str]:
        return sorted(self.documents)

    def metadata(self, source: str) -> dict[str, Any]:
        return dict(self.documents[source][0], source=source)

    def document_passages(self, source: str) -> list[Passage]:
        meta, passages = self.documents[source]
        return [Passage.from_metadata(text, 0.0, dict(meta, source=source, section=section), chunk_id=f"{source}{i}")
                for i, (section, text) in enumerate(passages)]


    @property
    def passages(self) -> dict[str, tuple[str, dict[str, Any]]]:
        return {p.chunk_id: (p.text, {"source": s}) for s in self.sources() for p in self.document_passages(s)}


THANH_HOA = "Tỉnh Thanh Hóa: 120 thủ tục hành chính không phụ thuộc địa giới hành chính."
NGHE_AN = "Tỉnh Nghệ An: 95 thủ tục hành chính không phụ thuộc địa giới hành chính."


def store() -> Store:
    fee = ({"title": "QUY ĐỊNH MỨC THU PHÍ THẨM ĐỊNH CẤP GIẤY PHÉP KINH DOANH KARAOKE", "issuer": "Bộ Tài chính",
            "doc_number": "110/2025/TT-BTC"}, [("Điều 4. Mức thu phí", KARAOKE)])
    meeting = ({"title": "KẾT LUẬN PHIÊN HỌP BAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ", "issuer": "Văn phòng Chính phủ",
                "doc_number": "624/TB-VPCP"},
               [("I. VỀ KẾT QUẢ ĐẠT ĐƯỢC", MEETING),
                ("PHỤ LỤC", f"{THANH_HOA} {NGHE_AN}")])
    income = ({"title": "QUY ĐỊNH CHI THU NHẬP TĂNG THÊM CHO CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC",
               "issuer": "Hội đồng nhân dân thành phố Hà Nội", "doc_number": "81/2025/NQ-HĐND"},
              [("Điều 2. Đối tượng áp dụng", "Cán bộ, công chức làm việc đủ 12 tháng trong năm, được đánh giá "
                "hoàn thành nhiệm vụ; nghỉ phép theo quy định."),
               ("Điều 7. Điều khoản thi hành", INCOME)])
    plan = ({"title": "KẾ HOẠCH TRIỂN KHAI NGHỊ QUYẾT 57-NQ/TW", "issuer": "Ủy ban nhân dân tỉnh Nghệ An"},
            [("I. MỤC ĐÍCH", "Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")])
    return Store({"fee.md": fee, "meeting.md": meeting, "income.md": income, "doc1.md": plan})


def unsupported(scopes: Scopes, text: str, file: str, section: str, quote: str) -> bool:
    question = understand(text)
    return scopes.unsupported(without_places(_asked(without_refs(question))), file, section, quote)


def test_a_quote_about_something_else_does_not_answer() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    # The passages of the meeting's conclusions match «năm 2026», the quoted sentence nothing asked.
    assert unsupported(scopes, "luong toi thieu vung i nam 2026 la bao nhieu", "meeting.md",
                       "I. VỀ KẾT QUẢ ĐẠT ĐƯỢC", MEETING)
    assert not unsupported(scopes, "ket qua phat trien ha tang so nam 2026 the nao", "meeting.md",
                           "I. VỀ KẾT QUẢ ĐẠT ĐƯỢC", MEETING)


def test_a_fee_asked_is_answered_only_by_a_quote_that_states_a_sum() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    # The row names the very licence asked about, but no fee: it does not answer «… là bao nhiêu».
    row = "1 | Thủ tục cấp giấy phép kinh doanh karaoke (1.001029) | Sở Văn hóa, Thể thao và Du lịch"
    assert unsupported(scopes, "Lệ phí cấp giấy phép kinh doanh karaoke là bao nhiêu?", "fee.md", "Điều 4. Mức thu phí",
                       row)
    assert not unsupported(scopes, "Lệ phí cấp giấy phép kinh doanh karaoke là bao nhiêu?", "fee.md",
                           "Điều 4. Mức thu phí", KARAOKE)
    # how many procedures a fee list holds asks a count, not a sum
    assert not unsupported(scopes, "có bao nhiêu thủ tục cấp giấy phép kinh doanh karaoke thu phí, lệ phí",
                           "fee.md", "Điều 4. Mức thu phí", "Có 02 thủ tục cấp giấy phép kinh doanh karaoke thu phí.")


def test_a_span_asked_is_answered_only_by_a_quote_that_counts_it() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    # The line holds every word asked but counts no days: it says who gets the income, not how long the leave is.
    line = ("Cán bộ, công chức làm việc đủ 12 tháng trong năm, được đánh giá hoàn thành nhiệm vụ; nghỉ phép theo quy "
            "định.")
    asked = "cán bộ công chức làm việc đủ 12 tháng trong năm được nghỉ phép bao nhiêu ngày"
    assert unsupported(scopes, asked, "income.md", "Điều 2. Đối tượng áp dụng", line)
    assert not unsupported(scopes, asked, "income.md", "Điều 2. Đối tượng áp dụng",
                           line.replace("nghỉ phép theo quy định", "nghỉ phép 12 ngày làm việc"))


def test_a_central_document_speaks_for_a_province_only_where_it_names_it() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    assert not scopes.speaks_for("meeting.md", "I. VỀ KẾT QUẢ ĐẠT ĐƯỢC", {"thanh hoa"}, MEETING)
    assert scopes.speaks_for("meeting.md", "PHỤ LỤC", {"thanh hoa"}, THANH_HOA)
    # The appendix names Thanh Hóa for its own figure: a line of it about another province does not
    # answer for Thanh Hóa.
    assert not scopes.speaks_for("meeting.md", "PHỤ LỤC", {"thanh hoa"}, NGHE_AN)
    # A province's own document answers for it wherever the quote is.
    assert scopes.speaks_for("doc1.md", "I. MỤC ĐÍCH", {"nghe an"}, "Triển khai Nghị quyết số 57-NQ/TW.")


def test_prepared_scopes_answer_without_reading_the_store_again() -> None:
    """The answer process prepares the whole-store maps before it says ready: the first question
    after a start does not wait seconds for them, and threads never race to build them."""
    documents = store()
    scopes = Scopes(documents)  # type: ignore[arg-type]
    scopes.prepare()

    def gone(*_: object) -> None:
        raise AssertionError("the store was read again while answering")

    documents.document_passages = gone  # type: ignore[method-assign]
    documents.sources = gone  # type: ignore[method-assign]
    assert scopes.document_places()["doc1.md"] == {"nghe an"}
    assert scopes.citing_files(understand("Kế hoạch triển khai Nghị quyết 57-NQ/TW")) == ["doc1.md"]
    assert not unsupported(scopes, "Phí thẩm định cấp giấy phép kinh doanh karaoke là bao nhiêu?",
                           "fee.md", "Điều 4. Mức thu phí", KARAOKE)


def test_an_uncommon_name_typed_in_a_question_names_the_documents_holding_it() -> None:
    notice = ({"title": "THÔNG BÁO KẾT QUẢ XÁC ĐỊNH TRƯỚC MÃ SỐ", "issuer": "Cục Hải quan", "doc_number": "37416/TB-CHQ"},
              [("1. Hàng hóa", "Tên thương mại: Thực phẩm bảo vệ sức khỏe PREGNAVIE COMPLETE")])
    kiosks = {f"k{i}.md": ({"title": "THÔNG BÁO", "issuer": "Cục Hải quan"}, [("1.", "Máy kiosk thông minh")])
              for i in range(3)}
    scopes = Scopes(Store({"notice.md": notice, **kiosks, **store().documents}))  # type: ignore[arg-type]
    assert scopes.holding_names(understand("pregnavie complete moi vien co bao nhieu mg dha")) == ["notice.md"]
    assert scopes.named(understand("Pregnavie Complete có bao nhiêu mg DHA?")).sources == ["notice.md"]
    # a name three documents share names none; Vietnamese words and abbreviations are no names
    assert scopes.holding_names(understand("may kiosk thong minh ma so nao")) == []
    assert scopes.holding_names(understand("phí thẩm định karaoke bao nhiêu")) == ["fee.md"]
    assert scopes.holding_names(understand("thu nhập tăng thêm cho công chức")) == []
    # two names that no one document holds together name nothing
    assert scopes.holding_names(understand("pregnavie hay karaoke")) == []
    # a Roman numeral and a web or mail address name nothing
    law = ({"title": "LUẬT", "issuer": "Quốc hội"}, [("Chương XIV", "Liên hệ: vanthu@hanoi.gov.vn")])
    scopes = Scopes(Store({"law.md": law, **store().documents}))  # type: ignore[arg-type]
    assert scopes.holding_names(understand("Đợt thi đua chào mừng Đại hội XIV kết thúc khi nào")) == []
    assert scopes.holding_names(understand("Hanoi quy định gì về giờ làm việc")) == []


def test_a_quote_without_the_figure_asked_needs_more_of_the_question() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    # «cán bộ, công chức … 12 tháng» is there, the number of days of annual leave is not: a date
    # («ngày 10 tháng 12») is no number of days.
    question = "Cán bộ, công chức làm việc đủ 12 tháng được nghỉ phép năm bao nhiêu ngày?"
    assert unsupported(scopes, question, "income.md", "Điều 7. Điều khoản thi hành", INCOME)
    # The same quote still answers what it is about.
    assert not unsupported(scopes, "Nghị quyết chi thu nhập tăng thêm cho cán bộ, công chức thay thế nghị quyết nào?",
                           "income.md", "Điều 7. Điều khoản thi hành", INCOME)


def test_the_figure_asked_is_read_with_its_unit() -> None:
    assert lacks_figure("nghi phep nam bao nhieu ngay", "ngày 10 tháng 12 năm 2024")
    assert not lacks_figure("nghi phep nam bao nhieu ngay", "được nghỉ 12 ngày làm việc")
    assert lacks_figure("phu cap uu dai la bao nhieu phan tram", "mức hỗ trợ 800.000 đồng/người/tháng")
    assert not lacks_figure("phu cap uu dai la bao nhieu phan tram", "phụ cấp bằng 35% mức lương")
    assert lacks_figure("gia han nop thue den thang may", "miễn thuế trong thời hạn 05 năm")
    assert not lacks_figure("gia han nop thue den thang may", "gia hạn đến hết tháng 12 năm 2026")
    assert lacks_figure("kinh phi ho tro moi khu dan cu la bao nhieu", "phát huy sức mạnh đại đoàn kết")
    assert not lacks_figure("kinh phi ho tro moi khu dan cu la bao nhieu", "hỗ trợ 10 triệu đồng")
    assert not lacks_figure("ai chu tri", "Sở Nội vụ chủ trì")
    # A sum of money asked is written with its currency: «gần 2 tháng» is no bonus.
    assert lacks_figure("muc thuong tet cho can bo cong chuc la bao nhieu", "chỉ còn gần 2 tháng, khối lượng lớn")
    assert not lacks_figure("muc thuong tet cho can bo cong chuc la bao nhieu", "mức thưởng 2.000.000 đồng/người")
    assert not lacks_figure("hoc phi dai hoc toi da bao nhieu", "học phí 1,2 triệu đồng một tháng")
    assert not lacks_figure("hop thu duoc cap dung luong toi thieu bao nhieu", "dung lượng tối thiểu 2 GB")
    assert not lacks_figure("so luong toi thieu thanh vien la bao nhieu", "tối thiểu 05 người")
    assert not lacks_figure("muc luong toi thieu vung i la bao nhieu", "4.960.000 VNĐ/tháng")
    # «bao nhiêu tiền» asks a sum: a share («tỷ lệ hộ nghèo từ 20% trở lên») is none, as it is a rate of a fee
    assert lacks_figure("xa khu vuc iii duoc ho tro bao nhieu tien moi nam", "có tỷ lệ hộ nghèo từ 20% trở lên")
    assert not lacks_figure("xa khu vuc iii duoc ho tro bao nhieu tien moi nam", "hỗ trợ 300 triệu đồng/xã/năm")
    assert not lacks_figure("le phi truoc ba la bao nhieu", "mức thu lệ phí trước bạ là 2%")
    assert not lacks_figure("phi tham quan den bach ma bao nhieu tien 1 luot", "Đền Bạch Mã | đồng/lượt/khách | 20.000")
    # «từ mấy giờ» asks a time of day, which a span of working hours is not
    assert lacks_figure("gio lam viec mua dong bat dau tu may gio", "Không quá 07 ngày làm việc (56 giờ làm việc)")
    assert not lacks_figure("buoi sang nhan ho so tu may gio", "Buổi sáng: Từ 07 giờ 00 phút đến 11 giờ 00 phút")
    assert not lacks_figure("lanh dao phong xu ly trong may gio", "Lãnh đạo phòng xử lý: 08 giờ làm việc")
    # How often may be a schedule rather than a number of times.
    assert not lacks_figure("xa phuong bao cao may lan moi ngay", "báo cáo vào buổi sáng và buổi chiều hằng ngày")


def test_a_measure_or_a_deposit_asked_is_stated_by_the_quote_itself() -> None:
    # «bao nhiêu m2» needs square metres, not any number of the line (a form's number «mẫu số 01»)
    assert lacks_own_figure("han muc giao dat o nong thon la bao nhieu m2",
                            "miễn, giảm tiền sử dụng đất trong hạn mức giao đất ở, văn bản theo mẫu số 01/MGTH")
    assert not lacks_own_figure("han muc giao dat o nong thon la bao nhieu m2", "hạn mức giao đất ở là 200 m2/hộ")
    assert not lacks_own_figure("dong ho nang bao nhieu gam", "Trọng lượng: khoảng 27g (không bao gồm dây đeo)")
    # a deposit is a sum of money: a procedure's time limit is no answer
    assert lacks_own_figure("doanh nghiep dich vu viec lam phai nop tien ky quy bao nhieu?",
                            "Rút tiền ký quỹ của doanh nghiệp hoạt động dịch vụ việc làm: 07 ngày kể từ ngày nhận đủ")
    assert not lacks_own_figure("doanh nghiep dich vu viec lam phai nop tien ky quy bao nhieu?",
                                "mức ký quỹ là 300.000.000 đồng")
    # where something ends is said by a line that ends it, a date or not («đến khi tổ chức thành công Đại hội»)
    assert lacks_own_figure("uy quyen chanh van phong cong bo thu tuc hanh chinh, thoi han uy quyen den bao gio",
                            "trong thời hạn 03 ngày làm việc xây dựng quy trình điện tử giải quyết TTHC")
    assert not lacks_own_figure("uy quyen chanh van phong cong bo thu tuc hanh chinh den khi nao",
                                "Thời hạn ủy quyền: đến hết ngày 31 tháng 12 năm 2030.")
    assert not lacks_own_figure("dot thi dua thuc hien den khi nao", "từ tháng 10/2025 đến khi tổ chức thành công Đại hội")
    # a count of communes is of communes: another count of the same plan is no answer
    assert lacks_own_figure("ubnd tinh cong nhan bao nhieu xa, phuong mien nui",
                            "Ủy ban bầu cử của tỉnh: Không quá 05 cá nhân;")
    assert not lacks_own_figure("ubnd tinh cong nhan bao nhieu xa, phuong mien nui",
                                "Công nhận 35 xã, phường miền núi để phục vụ bầu cử.")


def test_a_year_is_no_amount() -> None:
    # The Hà Nội school-fee table's heading names the school year, not the fee of a university.
    heading = ("MỨC HỌC PHÍ ĐỐI VỚI CƠ SỞ GIÁO DỤC PHỔ THÔNG CÔNG LẬP DO CÁC TRƯỜNG ĐẠI HỌC THÀNH LẬP "
               "NĂM HỌC 2025-2026")
    assert lacks_figure("hoc phi dai hoc cong lap khoi nganh y duoc toi da bao nhieu", heading)
    assert not lacks_figure("hoc phi dai hoc cong lap toi da bao nhieu", heading + ": 1.200.000 đồng/tháng")


def test_a_district_asked_is_not_answered_by_the_citys_document() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    city = Passage("Điều 2. Trách nhiệm thi hành", 1.0, "income.md", issuer="Hội đồng nhân dân thành phố Hà Nội")
    asked = understand("ubnd quan hoan kiem quy dinh chi thu nhap tang them the nao")
    assert scopes.mismatch(asked, city) == {"ubnd quan hoan kiem"}
    assert scopes.mismatch(understand("Hà Nội quy định chi thu nhập tăng thêm thế nào"), city) == set()



def test_a_text_asked_as_a_ministrys_is_not_answered_by_a_government_resolution() -> None:
    scopes = Scopes(store())  # type: ignore[arg-type]
    resolution = Passage("Điều 1. Giảm lãi suất cho vay", 1.0, "income.md", issuer="Chính phủ")
    asked = understand("Theo văn bản của Ngân hàng Nhà nước, lãi suất cho vay được giảm bao nhiêu?")
    assert scopes.mismatch(asked, resolution) == {"Ngân hàng Nhà nước Việt Nam"}
    # the ministry as the one that acts is no owner of the text asked about
    acting = understand("Ngân hàng Nhà nước báo cáo Thủ tướng về chương trình tín dụng trước ngày nào?")
    assert scopes.mismatch(acting, resolution) == set()


class Found:
    """A passage search that finds the same passages, whatever the sources asked."""

    def __init__(self, passages: list[Passage]) -> None:
        self.found = passages

    def search(self, text: str, k: int, sources: list[str] | None = None) -> list[Passage]:
        return [p for p in self.found if sources is None or p.source in sources]


def test_a_place_whose_texts_hold_only_the_questions_setting_yields_to_the_issuer_that_answers() -> None:
    asked = understand("UBND tỉnh Đắk Lắk công nhận bao nhiêu xã, phường miền núi để phục vụ bầu cử đại biểu Quốc hội?")
    plan = Passage("Phát động phong trào thi đua thực hiện thành công cuộc bầu cử đại biểu Quốc hội khóa XVI.", 1.0,
                   "plan.md", issuer="Ủy ban nhân dân tỉnh Đắk Lắk")
    other = Passage("Công nhận 35 xã, phường miền núi để phục vụ bầu cử đại biểu Quốc hội khóa XVI.", 0.9,
                    "other.md", issuer="Ủy ban nhân dân tỉnh Gia Lai")
    answerer = Answerer(Found([plan, other]))  # type: ignore[arg-type]
    assert answerer._better_elsewhere(asked, [plan], Focus(None))
    # the place's own text that answers as well as another's is kept
    own = Passage("Công nhận 20 xã, phường miền núi để phục vụ bầu cử đại biểu Quốc hội khóa XVI.", 1.0,
                  "own.md", issuer="Ủy ban nhân dân tỉnh Đắk Lắk")
    assert not answerer._better_elsewhere(asked, [own], Focus(None))


def test_a_text_asked_about_is_not_stood_in_for_by_plans_citing_what_it_is_about() -> None:
    # «cv 3316 … triển khai Nghị quyết 57-NQ/TW»: the letter is asked about; a plan carrying out the
    # resolution is no stand-in for it.
    scopes = Scopes(store())  # type: ignore[arg-type]
    about = scopes.named(understand("cv 3316/CT-CS cua cuc thue trien khai nghi quyet 57-NQ/TW huong dan gi"))
    assert about.sources == [] and not about.named
    assert [r.text.upper() for r in about.cited] == ["3316/CT-CS"]
    plan = scopes.named(understand("Kế hoạch triển khai Nghị quyết 57-NQ/TW: mục đích là gì"))
    assert plan.sources == ["doc1.md"] and plan.named


def test_a_text_named_as_repealed_is_asked_about_through_the_text_repealing_it() -> None:
    # «Huế bãi bỏ Quyết định 42/2018/QĐ-UBND …»: the store holds the repealing decision, which cites it.
    repeal = ({"title": "BÃI BỎ QUYẾT ĐỊNH SỐ 42/2018/QĐ-UBND VỀ PHÂN CẤP QUẢN LÝ TÀI SẢN CÔNG",
               "issuer": "Ủy ban nhân dân Thành phố Huế", "doc_number": "122/2025/QĐ-UBND"},
              [("Điều 1.", "Bãi bỏ Quyết định số 42/2018/QĐ-UBND ngày 08 tháng 8 năm 2018 của Ủy ban nhân dân tỉnh "
                          "Thừa Thiên Huế về phân cấp quản lý tài sản công.")])
    scopes = Scopes(Store({"qd.md": repeal}))  # type: ignore[arg-type]
    asked = scopes.named(understand("Huế bãi bỏ Quyết định 42/2018/QĐ-UBND của tỉnh Thừa Thiên Huế quy định về nội "
                                    "dung gì?"))
    assert asked.sources == ["qd.md"] and [r.text for r in asked.cited] == ["42/2018/qd-ubnd"]
    # the decision's own rule, asked by its number alone, is still a text the store does not hold
    own = scopes.named(understand("Quyết định 42/2018/QĐ-UBND quy định ai quản lý tài sản công?"))
    assert own.sources == [] and not own.named


class Held(Store):
    """A store of a few documents whose search finds the given passages, best first, within the sources asked."""

    def __init__(self, documents: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]], order: list[str]) -> None:
        super().__init__(documents)
        self.order = order

    def search(self, text: str, k: int, sources: list[str] | None = None) -> list[Passage]:
        found = [p for s in self.order for p in self.document_passages(s)]
        return [p for p in found if sources is None or p.source in sources][:k]


CULTURE = ({"title": "CÔNG BỐ THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI TRONG LĨNH VỰC VĂN HÓA",
            "issuer": "Bộ Văn hóa, Thể thao và Du lịch", "doc_number": "4508/QĐ-BVHTTDL"},
           [("", "BỘ TRƯỞNG BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH Căn cứ Nghị quyết số 66.7/2025/NQ-CP ngày 15 tháng 11 năm "
                 "2025 của Chính phủ quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu;")])
PROVINCE_CULTURE = ({"title": "CÔNG BỐ THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI TRONG LĨNH VỰC VĂN HÓA",
                     "issuer": "Ủy ban nhân dân tỉnh Cao Bằng", "doc_number": "2027/QĐ-UBND"},
                    [("", "Căn cứ Nghị quyết số 66.7/2025/NQ-CP ngày 15 tháng 11 năm 2025 của Chính phủ quy định cắt "
                          "giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu; Căn cứ Quyết định số 4508/QĐ-BVHTTDL "
                          "của Bộ Văn hóa, Thể thao và Du lịch công bố thủ tục hành chính được sửa đổi;")])
ASKED_CULTURE = ("Bộ Văn hóa, Thể thao và Du lịch công bố thủ tục hành chính sửa đổi tháng 11/2025: các thủ tục "
                 "được sửa đổi căn cứ nghị quyết nào của Chính phủ?")


def test_the_ministry_asked_answers_from_its_own_text_ranked_below_another_issuers() -> None:
    held = Held({"tinh.md": PROVINCE_CULTURE, "bo.md": CULTURE}, ["tinh.md", "bo.md"])
    answer = Answerer(held).ask(ASKED_CULTURE)  # type: ignore[arg-type]
    assert answer.found and answer.sources[0].file == "bo.md" and "66.7/2025/NQ-CP" in answer.text
    # with no text of the ministry among what was found, the province's is still no answer for it
    alone = Answerer(Held({"tinh.md": PROVINCE_CULTURE}, ["tinh.md"])).ask(ASKED_CULTURE)  # type: ignore[arg-type]
    assert not alone.found and alone.text.startswith("Tôi chưa có văn bản nào của Bộ Văn hóa")


DECREE = ({"title": "QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA LUẬT LƯU TRỮ", "issuer": "Chính phủ",
           "doc_number": "308/2025/NĐ-CP"},
          [("Điều 77. Thẩm quyền, trình tự, thủ tục cấp lại Giấy chứng nhận",
            "Trong thời hạn 05 ngày làm việc kể từ ngày nhận đơn đề nghị cấp lại Giấy chứng nhận đủ điều kiện kinh "
            "doanh dịch vụ lưu trữ, cơ quan chuyên môn cấp tỉnh xem xét, cấp lại Giấy chứng nhận."),
           ("Phụ lục", "Lưu trữ lịch sử tỉnh Cao Bằng được số hóa trước năm 2030.")])  # the province named elsewhere
CAO_BANG = ({"title": "PHÊ DUYỆT QUY TRÌNH NỘI BỘ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "issuer": "Ủy ban nhân dân tỉnh Cao Bằng",
             "doc_number": "2028/QĐ-UBND"},
            [("PHỤ LỤC II > 1.", "1.2. Thủ tục cấp lại giấy chứng nhận đủ điều kiện kinh doanh dịch vụ lưu trữ\n"
                                 "Tổng thời gian giải quyết: 03 ngày làm việc")])
ASKED_CAO_BANG = "cao bang cap lai giay chung nhan du dieu kien kinh doanh dich vu luu tru mat bao nhieu ngay"


def test_a_places_own_text_answers_where_a_central_texts_line_names_no_place() -> None:
    held = Held({"nd.md": DECREE, "cb.md": CAO_BANG}, ["nd.md", "cb.md"])
    answer = Answerer(held).ask(ASKED_CAO_BANG)  # type: ignore[arg-type]
    assert answer.found and answer.sources[0].file == "cb.md" and "03 ngày làm việc" in answer.text
    # the place's text on something else does not stand in: the central line is still no answer for Cao Bằng
    other = ({**CAO_BANG[0]}, [("PHỤ LỤC II > 1.", "1.1. Thủ tục đăng ký tổ chức lễ hội\nTổng thời gian giải quyết: "
                                                    "15 ngày làm việc")])
    alone = Answerer(Held({"nd.md": DECREE, "cb.md": other}, ["nd.md", "cb.md"])).ask(ASKED_CAO_BANG)  # type: ignore[arg-type]
    assert not alone.found and "05 ngày" not in alone.text


def test_a_licence_trade_or_profession_asked_about_is_named_by_the_quote() -> None:
    # a sibling's line is no answer: the karaoke licence's fee for a cinema's, a real-estate broker's for a stockbroker's
    karaoke = "Điều 4. Mức thu phí 1. Mức thu phí thẩm định cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke là " \
              "1.000.000 đồng/phòng"
    assert lacks_licensed("phi tham dinh cap giay phep kinh doanh rap chieu phim la bao nhieu?", karaoke)
    assert not lacks_licensed("phi tham dinh cap giay phep kinh doanh dich vu karaoke la bao nhieu?", karaoke)
    assert lacks_licensed("le phi cap chung chi hanh nghe moi gioi chung khoan bao nhieu",
                          "1. Cấp Chứng chỉ hành nghề môi giới bất động sản: 300.000 đồng/Chứng chỉ.")
    assert lacks_licensed("thu tuc thanh lap trung tam ngoai ngu nop ho so o dau",
                          "Thủ tục thành lập câu lạc bộ thể thao: nộp hồ sơ tại Trung tâm Phục vụ hành chính công")
    # the section that names the procedure counts, and a question that names none is not held to one
    assert not lacks_licensed("cap lai giay chung nhan du dieu kien kinh doanh dich vu luu tru mat bao nhieu ngay",
                              "1.2. Thủ tục cấp lại giấy chứng nhận đủ điều kiện kinh doanh dịch vụ lưu trữ "
                              "Tổng thời gian giải quyết: 03 ngày làm việc")
    assert not lacks_licensed("phi tham dinh la bao nhieu", karaoke)
    # the words that go on to ask («do», «sẽ») are no part of it
    assert not lacks_licensed("phim duoc cap giay phep phan loai phim se co gia tri tren toan quoc",
                              "2. Giấy phép phân loại phim do Bộ Văn hóa, Thể thao và Du lịch cấp có giá trị trong toàn quốc.")
    assert not lacks_licensed("giay phep phan loai phim do co quan co tham quyen cap co gia tri trong toan quoc",
                              "Cơ quan có thẩm quyền cấp Giấy phép phân loại phim quyết định thu hồi Giấy phép phân loại phim")


NOTICE = ({"title": "KẾT LUẬN PHIÊN HỌP BAN CHỈ ĐẠO VỀ PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ", "issuer": "Văn phòng Chính phủ",
           "doc_number": "624/TB-VPCP"},
          [("II. NHIỆM VỤ TRỌNG TÂM", "Các bộ, ngành, địa phương báo cáo kết quả thực hiện Nghị quyết số 57-NQ/TW ngày "
                                      "22/12/2024 của Bộ Chính trị trước ngày 15/12/2025."),
           ("PHỤ LỤC", "Tỉnh Đồng Nai: 12 nhiệm vụ chậm tiến độ.")])  # the place named elsewhere in it
PROVINCE_PLAN = ({"title": "KẾ HOẠCH TRIỂN KHAI NGHỊ QUYẾT 57-NQ/TW", "issuer": "Ủy ban nhân dân tỉnh Nghệ An",
                  "doc_number": "120/KH-UBND"},
                 [("IV. TỔ CHỨC THỰC HIỆN", "Các sở, ngành báo cáo kết quả thực hiện Nghị quyết số 57-NQ/TW về Sở Khoa "
                                            "học và Công nghệ trước ngày 05/12/2025.")])


def test_a_central_text_citing_the_document_asked_does_not_answer_for_a_place_it_does_not_name() -> None:
    # «Kế hoạch … Đồng Nai triển khai Nghị quyết 57-NQ/TW»: the store holds no Đồng Nai plan, only the Government
    # Office's notice citing the resolution; its date is no answer for Đồng Nai.
    held = Held({"tb.md": NOTICE}, ["tb.md"])
    asked = "Kế hoạch Đồng Nai triển khai Nghị quyết 57-NQ/TW: các sở báo cáo kết quả trước ngày nào?"
    answer = Answerer(held).ask(asked)  # type: ignore[arg-type]
    assert not answer.found and "15/12/2025" not in answer.text and "Đồng Nai" in answer.text
    # the place's own plan citing it answers
    own = Answerer(Held({"tb.md": NOTICE, "kh.md": PROVINCE_PLAN}, ["tb.md", "kh.md"])).ask(  # type: ignore[arg-type]
        asked.replace("Đồng Nai", "Nghệ An"))
    assert own.found and own.sources[0].file == "kh.md" and "05/12/2025" in own.text


MINING = ({"title": "ĐIỀU CHỈNH QUY HOẠCH THĂM DÒ, KHAI THÁC, CHẾ BIẾN VÀ SỬ DỤNG CÁC LOẠI KHOÁNG SẢN",
           "issuer": "Thủ tướng Chính phủ", "doc_number": "2581/QĐ-TTg"},
          [("Điều 1.", "2. Điều chỉnh danh mục Dự án khai thác quặng đồng trên địa bàn tỉnh Lào Cai (mỏ đồng Tả Phời) tại "
                       "mục 1 Phụ lục III.10."),
           # the province asked is named elsewhere in it, for another ore
           ("Điều 2.", "Khu vực Thọ Sơn cung cấp quặng bôxit cho nhà máy Alumin Bình Phước.")])


def test_a_central_text_named_by_its_number_answers_for_a_place_only_where_it_names_it() -> None:
    # Lào Cai's mine is no answer to which mine of Bình Phước the decision adjusts; Lào Cai's is.
    held = Held({"qd.md": MINING}, ["qd.md"])
    asked = "Quyết định 2581/QĐ-TTg điều chỉnh quy hoạch khai thác quặng đồng ở mỏ nào của Bình Phước?"
    answer = Answerer(held).ask(asked)  # type: ignore[arg-type]
    assert not answer.found and "Tả Phời" not in answer.text and "Bình Phước" in answer.text
    own = Answerer(held).ask(asked.replace("Bình Phước", "Lào Cai"))  # type: ignore[arg-type]
    assert own.found and "Tả Phời" in own.text


def test_a_rule_of_another_department_is_no_answer_for_the_one_asked() -> None:
    rule = "3. Sở Tài chính quyết định điều chuyển tài sản công có nguyên giá theo sổ kế toán từ 500 triệu đồng trở lên."
    asked = understand("Gia Lai: Sở Tư pháp được quyết định điều chuyển tài sản công có nguyên giá từ bao nhiêu trở lên?")
    assert of_another_unit(asked, rule, "Điều 6. Phân cấp thẩm quyền quyết định điều chuyển tài sản công")
    # the department asked, named in the quote or its section, keeps it; so does a question asking which unit
    assert not of_another_unit(understand(asked.text.replace("Sở Tư pháp", "Sở Tài chính")), rule, "")
    assert not of_another_unit(asked, "a) Quyết định điều chuyển tài sản từ 500 triệu đồng trở lên.",
                                      "Điều 6. > 2. Sở Tư pháp")
    assert not of_another_unit(understand("Sở Tư pháp phải có ý kiến thống nhất của bộ nào?"), rule, "")
