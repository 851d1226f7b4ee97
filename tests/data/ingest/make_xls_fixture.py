"""Write tests/data/ingest/bieu06_2024-03.xls (a legacy-Excel form-06 fixture).

Needs xlwt, which is NOT a project dependency (nothing here writes .xls):
    pip download xlwt==1.3.0 --no-deps -d /tmp/xlwt && PYTHONPATH=/tmp/xlwt/xlwt-1.3.0-py2.py3-none-any.whl \
        .venv/bin/python tests/data/ingest/make_xls_fixture.py
The committed .xls is the fixture; this script documents how it was made.
Expected content: see EXPECTED in tests/ingest/test_form.py.
"""
from pathlib import Path

import xlwt

OUT = Path(__file__).with_name("bieu06_2024-03.xls")

wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Bieu 06")
ws.write(0, 0, "UBND TỈNH PHÚ YÊN")
ws.write_merge(3, 3, 0, 12, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
ws.write_merge(4, 4, 0, 12, "Kỳ báo cáo: Từ ngày 15/02/2024 đến ngày 14/03/2024")
ws.write_merge(6, 8, 0, 0, "STT")
ws.write_merge(6, 8, 1, 1, "Tên đơn vị")
ws.write_merge(6, 6, 2, 5, "Số hồ sơ nhận giải quyết")
ws.write_merge(7, 8, 2, 2, "Tổng số")
ws.write_merge(7, 7, 3, 4, "Trong kỳ")
ws.write(8, 3, "Trực tuyến")
ws.write(8, 4, "Trực tiếp, dịch vụ bưu chính")
ws.write_merge(7, 8, 5, 5, "Từ kỳ trước")
ws.write_merge(6, 6, 6, 9, "Số hồ sơ đã giải quyết")
for c, lab in zip(range(6, 10), ["Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"]):
    ws.write_merge(7, 8, c, c, lab)
ws.write_merge(6, 6, 10, 12, "Số hồ sơ đang giải quyết")
for c, lab in zip(range(10, 13), ["Tổng số", "Trong hạn", "Quá hạn"]):
    ws.write_merge(7, 8, c, c, lab)
rows = [
    ("1", "TP. Tuy Hoà", [1234, 500, 634, 100, 1000, 700, 290, 10, 234, 230, 4]),
    ("2", "UBND huyện Đồng Xuân", ["1.050", "50", "900", "100", "950", "600", "340", "10", "100", "95", "5"]),
    ("3", "Huyen Son Hoa", [300, 30, 250, 20, 280, 200, 75, 5, 20, 20, 0]),
]
for i, (stt, name, vals) in enumerate(rows):
    ws.write(9 + i, 0, stt)
    ws.write(9 + i, 1, name)
    for j, v in enumerate(vals):
        ws.write(9 + i, 2 + j, v)
ws.write(12, 1, "Tổng cộng")
tot = [1234 + 1050 + 300, 580, 1784, 220, 2230, 1500, 705, 25, 354, 345, 9]
for j, v in enumerate(tot):
    ws.write(12, 2 + j, v)
wb.save(str(OUT))
print(OUT)
