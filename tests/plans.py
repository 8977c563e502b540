"""A provincial plan that assigns tasks to named units and classes of units, as the register's
and the dashboard's tests ingest it."""

# Its first two tasks (Sở Nội vụ with Sở Tài chính; Sở Y tế).
PLAN_HEAD = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
Số: 77/KH-UBND
Đắk Lắk, ngày 10 tháng 01 năm 2026

KẾ HOẠCH
Triển khai chuyển đổi số năm 2026

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm các cơ quan, đơn vị triển khai đồng bộ các nhiệm vụ chuyển đổi số.

II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ:
Chủ trì, phối hợp với Sở Tài chính tổng hợp báo cáo kết quả thực hiện, gửi Ủy ban nhân dân tỉnh trước ngày 15/6/2026.
2. Sở Y tế:
Xây dựng kế hoạch chuyển đổi số ngành y tế, trình Ủy ban nhân dân tỉnh trước ngày 30/4/2026.
"""
# Then the communes, «các sở, ban, ngành», a named agency, the organisers' timetable (not a task)
# and the effective date (not a task).
PLAN = PLAN_HEAD + """3. Ủy ban nhân dân các xã, phường:
Rà soát, cập nhật dữ liệu dân cư trên địa bàn, gửi Sở Nội vụ trước ngày 31/5/2026.
4. Các sở, ban, ngành:
Báo cáo tình hình thực hiện kế hoạch, gửi Sở Nội vụ trước ngày 20/11/2026.
5. Trung tâm Phục vụ hành chính công:
Cập nhật danh mục thủ tục hành chính, hoàn thành trước ngày 30/9/2026.

Thời gian kiểm tra và đánh giá kết quả thực hiện: trước ngày 15/12/2026.
Kế hoạch này có hiệu lực kể từ ngày ký.
"""
