"""What the report dialog says: every prompt, refusal and receipt of /baocao and /suabaocao."""
from __future__ import annotations

from bot.db.reports import CorrectionProblem

NO_UNIT = ("Bạn là quản trị nhưng chưa thuộc đơn vị nào nên không có đơn vị để báo cáo. Nếu bạn báo cáo "
           "cho một đơn vị, hãy dùng mã mời của đơn vị đó: /dangky <mã>.")
UNIT_CLOSED = "Đơn vị {unit} đã ngừng hoạt động trên trợ lý nên không nhận báo cáo."
ROLE_CHANGED = "Quyền báo cáo của bạn vừa thay đổi nên báo cáo đang làm dở đã bị hủy. Gõ /baocao để bắt đầu lại."
SESSION_OVER = "Phiên báo cáo này đã kết thúc (đã gửi, đã hủy hoặc quá lâu). Gõ /baocao để bắt đầu báo cáo mới."
NOT_TRACKED = ("Việc này không còn trong danh sách cần báo cáo (đã quá hạn lâu hoặc văn bản đã thay đổi). "
               "Gõ /baocao để xem danh sách.")
CANCELLED = "Đã hủy, báo cáo chưa được gửi."
ASK_TITLE = "Gõ tên việc cần báo cáo (tối đa {limit} ký tự), ví dụ: «Tổng kết công tác thông tin đối ngoại năm 2025»."
TITLE_EMPTY = "Tên việc đang trống. Gõ tên việc cần báo cáo, hoặc /huy để hủy."
TITLE_TOO_LONG = "Tên việc dài {length} ký tự, quá giới hạn {limit}. Bạn rút gọn rồi gửi lại."
ASK_STATUS = "Tình trạng thực hiện?"
ASK_PERCENT = "Đã thực hiện được bao nhiêu phần trăm? Gõ một số từ 0 đến 100, hoặc «bỏ qua»."
BAD_PERCENT = "Tôi chưa hiểu «{typed}». Gõ một số từ 0 đến 100 (ví dụ 60), hoặc «bỏ qua»."
ASK_TEXT = ("Nội dung báo cáo ngắn gọn (tối đa {limit} ký tự): kết quả đã làm, khó khăn, kiến nghị. "
            "Gõ nội dung rồi gửi.")
TEXT_EMPTY = "Nội dung báo cáo đang trống. Gõ vài dòng về kết quả thực hiện, hoặc /huy để hủy."
TEXT_TOO_LONG = ("Nội dung dài {length} ký tự, quá giới hạn {limit} ký tự. Bạn rút gọn rồi gửi lại "
                 "(chi tiết có thể gửi kèm trong tệp ở bước sau).")
TEXT_NOT_FILE = "Ở bước này bạn gõ nội dung báo cáo bằng chữ; tệp đính kèm gửi ở bước sau."
ASK_FILE = ("Gửi kèm một tệp ({types}; tối đa {mb} MB) nếu có, hoặc chọn «Bỏ qua».")
FILE_TOO_BIG = "Tệp «{name}» nặng {size} MB, quá giới hạn {mb} MB. Gửi tệp nhỏ hơn, hoặc chọn «Bỏ qua»."
FILE_BAD_TYPE = "Tệp «{name}» không thuộc loại được nhận ({types}). Gửi tệp khác, hoặc chọn «Bỏ qua»."
FILE_EXPECTED = "Ở bước này tôi chờ một tệp đính kèm. Gửi tệp, hoặc chọn «Bỏ qua»."
CHOOSE_ABOVE = "Bạn chọn một trong các lựa chọn dưới đây (hoặc gõ /huy để hủy)."
RECEIVED = "Đã nhận báo cáo số {number} lúc {at}."
RECEIVED_FIX = "Đã nhận báo cáo số {number} lúc {at} (sửa cho báo cáo số {previous})."
FIX_HINT = "Cần sửa, bạn gõ /suabaocao trong vòng {window} kể từ lúc gửi."
NOTHING_TO_FIX = ("Bạn không có báo cáo nào còn sửa được: chỉ sửa được báo cáo mới nhất của chính mình "
                  "trong vòng {window} sau khi gửi. Gõ /baocao để gửi báo cáo mới.")
FIX_REFUSED = {
    CorrectionProblem.NOT_FOUND: "Không tìm thấy báo cáo số {number} của bạn.",
    CorrectionProblem.NOT_AUTHOR: ("Báo cáo số {number} do cán bộ khác gửi; bạn chỉ sửa được báo cáo của "
                                   "chính mình. Bạn có thể gửi báo cáo mới bằng /baocao."),
    CorrectionProblem.TOO_LATE: ("Báo cáo số {number} đã gửi quá {window} nên không sửa được nữa. "
                                 "Hãy gửi báo cáo mới bằng /baocao."),
    CorrectionProblem.SUPERSEDED: ("Đã có báo cáo mới hơn về việc này sau báo cáo số {number}; chỉ sửa được "
                                   "báo cáo mới nhất. Gõ /suabaocao để xem báo cáo còn sửa được."),
}
