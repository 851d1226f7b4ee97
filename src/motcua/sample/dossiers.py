"""A synthetic dossier-level export (one row per dossier) for one unit and one year.

Grain of the export: one row per dossier (hồ sơ) received in the year or still
pending at its start. Columns imitate a provincial "Hệ thống thông tin giải
quyết TTHC" export: MaHoSo, TenThuTuc, LinhVuc, DonViXuLy, NgayTiepNhan,
NgayHenTra, NgayHoanThanh, NgayTraKetQua, KenhThucHien (1 in person, 2 online,
3 post), TrangThai, and FAKE personal columns (HoTenNguoiNop, SoCCCD,
SoDienThoai, Email, DiaChi) that ingestion must drop.

The monthly counts are computed here, from the dossiers, by the definitions
the clean stage documents (independent code, so the round trip tests it):
- received in month m: NgayTiepNhan in m; online ⇔ channel 2;
- carried over: received before m starts, not completed before it starts;
- resolved in m: NgayHoanThanh in m; early ⇔ completion date < due date,
  on time ⇔ equal, late ⇔ after;
- pending at the cut-off e (end of m): received ≤ e, not completed by e;
  overdue ⇔ due date ≤ e (it can no longer finish on time).
The export is as of 31 December: completions after it are blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.sample.rng import unit_rng

#: (procedure, field, allowed working days, weight)
PROCEDURES: list[tuple[str, str, int, float]] = [
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", 1, 0.30),
    ("Đăng ký khai sinh", "Hộ tịch", 3, 0.18),
    ("Đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, 0.14),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15, 0.13),
    ("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", 10, 0.15),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai", 30, 0.10),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thị Hoa", "Quốc Huy", "Thị Lan"]


def _holidays(years: list[int]) -> list[np.datetime64]:
    import holidays

    vn = holidays.country_holidays("VN", years=years)
    return [np.datetime64(d) for d in sorted(vn)]


def simulate_dossier_year(
    unit_code: str,
    year: int,
    expected: list[tuple[float, float]],
    carried: int,
    carried_overdue: int,
    *,
    seed: int,
    late_rate: float,
    pending_ratio: float,
    early_share: float,
    n_months: int = 12,
    unit_name: str = "",
) -> tuple[list[dict[str, object]], pd.DataFrame]:
    """Simulate one unit-year dossier by dossier; return (monthly counts, dossier table).

    ``expected`` holds the expected (online, offline) new dossiers per month;
    ``carried``/``carried_overdue`` are the pending dossiers at 31 December of
    the previous year. ``pending_ratio`` steers the share of slow procedures.
    The random draws come in a fixed order (carried dossiers, new ones month by month, the export's times),
    so a seed gives the same export.
    """
    r = unit_rng(seed, unit_code, f"dossiers{year}")
    hol = _holidays([year - 1, year, year + 1])
    cal = np.busdaycalendar(holidays=hol)
    as_of = np.datetime64(f"{year}-{n_months:02d}-01") + np.timedelta64(0, "D")
    as_of = (pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)).to_datetime64().astype("datetime64[D]")
    _names, _fields, days, weights = zip(*PROCEDURES)
    w = np.array(weights, dtype=float)
    slow = np.array([d >= 10 for d in days])
    # more weight on slow procedures for units with a high pending ratio
    w = w * np.where(slow, 0.5 + 3.0 * pending_ratio, 1.0)
    w = w / w.sum()
    recs = _carried_dossiers(r, cal, year, carried, carried_overdue, late_rate, early_share, w)
    recs += _new_dossiers(r, cal, year, expected[:n_months], late_rate, early_share, w)
    df = pd.DataFrame(recs)
    df["done"] = df["done"].where(df["done"] <= as_of)
    df = df.sort_values(["received", "channel", "proc"], kind="stable").reset_index(drop=True)
    return _monthly_counts(df, year, n_months), _export_table(r, df, unit_code, unit_name, year)


def _completion(
    r: np.random.Generator, cal: np.busdaycalendar, received: np.datetime64, k: int, late: bool, early: bool
) -> np.datetime64:
    """The completion date of a dossier received on ``received`` with ``k`` working days allowed: 1–5 working days
    after its due date when late, before it when early (the same day for a one-day procedure), on it otherwise."""
    if late:
        d = k + int(r.integers(1, 6))
    elif early and k > 1:
        d = int(r.integers(0, k))
    elif early:
        d = 0
    else:
        d = k
    return np.busday_offset(received, d, roll="forward", busdaycal=cal)


def _carried_dossiers(
    r: np.random.Generator,
    cal: np.busdaycalendar,
    year: int,
    carried: int,
    carried_overdue: int,
    late_rate: float,
    early_share: float,
    w: np.ndarray,
) -> list[dict[str, object]]:
    """The dossiers pending at the start of the year, received in December: the first ``carried_overdue`` of them
    already overdue (3 working days allowed), the others due in the new year (15 days); none completed before it."""
    year_start = np.datetime64(f"{year}-01-01")
    dec1 = np.datetime64(f"{year - 1}-12-01")
    recs: list[dict[str, object]] = []
    for i in range(carried):
        overdue = i < carried_overdue
        if overdue:
            k = 3
            rec = np.busday_offset(dec1, int(r.integers(0, 10)), roll="forward", busdaycal=cal)
        else:
            k = 15
            rec = np.busday_offset(dec1, int(r.integers(8, 20)), roll="forward", busdaycal=cal)
        due = np.busday_offset(rec, k, roll="forward", busdaycal=cal)
        if not overdue and due <= np.datetime64(f"{year - 1}-12-31"):
            due = np.busday_offset(np.datetime64(f"{year}-01-02"), 0, roll="forward", busdaycal=cal)
        late = overdue or (r.random() < late_rate)
        comp = _completion(r, cal, rec, k, late, r.random() < early_share)
        if not overdue and not late and comp > due:
            comp = due
        if comp < year_start:
            comp = np.busday_offset(year_start, 0, roll="forward", busdaycal=cal)
            if comp > due:
                late = True
        recs.append(
            {
                "received": rec,
                "due": due,
                "done": comp,
                "channel": int(r.choice([1, 2, 3], p=[0.85, 0.1, 0.05])),
                "proc": int(r.choice(len(PROCEDURES), p=w)),
            }
        )
    return recs


def _new_dossiers(
    r: np.random.Generator,
    cal: np.busdaycalendar,
    year: int,
    expected: list[tuple[float, float]],
    late_rate: float,
    early_share: float,
    w: np.ndarray,
) -> list[dict[str, object]]:
    """The dossiers received month by month: Poisson counts around the expected (online, offline) ones, each on a
    working day of its month, of a procedure drawn by weight ``w``; offline ones in person (90%) or by post."""
    days = [p[2] for p in PROCEDURES]
    recs: list[dict[str, object]] = []
    for mi, (lam_on, lam_off) in enumerate(expected):
        m0 = np.datetime64(f"{year}-{mi + 1:02d}-01")
        m1 = (pd.Timestamp(m0) + pd.offsets.MonthEnd(0)).to_datetime64().astype("datetime64[D]")
        workdays = np.arange(m0, m1 + np.timedelta64(1, "D"))
        workdays = workdays[np.is_busday(workdays, busdaycal=cal)]
        for channel_set, lam in (((2,), lam_on), ((1, 3), lam_off)):
            n = int(r.poisson(lam * float(r.gamma(40, 1 / 40))))
            for _ in range(n):
                rec = workdays[int(r.integers(0, len(workdays)))]
                pi = int(r.choice(len(PROCEDURES), p=w))
                k = days[pi]
                due = np.busday_offset(rec, k, roll="forward", busdaycal=cal)
                late = r.random() < late_rate
                comp = _completion(r, cal, rec, k, late, r.random() < early_share)
                ch = channel_set[0] if len(channel_set) == 1 else int(r.choice(channel_set, p=[0.9, 0.1]))
                recs.append({"received": rec, "due": due, "done": comp, "channel": ch, "proc": pi})
    return recs


def _monthly_counts(df: pd.DataFrame, year: int, n_months: int) -> list[dict[str, object]]:
    """Form-06 counts per month from the dossiers (definitions in the module docstring)."""
    rec_d = df["received"].to_numpy("datetime64[D]")
    due_d = df["due"].to_numpy("datetime64[D]")
    done = pd.to_datetime(df["done"])
    done_d = done.to_numpy("datetime64[D]")
    has_done = done.notna().to_numpy()
    counts: list[dict[str, object]] = []
    for mi in range(n_months):
        s = np.datetime64(f"{year}-{mi + 1:02d}-01")
        e = (pd.Timestamp(s) + pd.offsets.MonthEnd(0)).to_datetime64().astype("datetime64[D]")
        new = (rec_d >= s) & (rec_d <= e)
        online = int((new & (df["channel"].to_numpy() == 2)).sum())
        offline = int(new.sum()) - online
        carried_m = int(((rec_d < s) & (~has_done | (done_d >= s))).sum())
        res = has_done & (done_d >= s) & (done_d <= e)
        early = int((res & (done_d < due_d)).sum())
        ontime = int((res & (done_d == due_d)).sum())
        late = int((res & (done_d > due_d)).sum())
        pend = (rec_d <= e) & (~has_done | (done_d > e))
        overdue = int((pend & (due_d <= e)).sum())
        counts.append(
            {
                "period_start": pd.Timestamp(s),
                "period_end": pd.Timestamp(e),
                "received_total": online + offline + carried_m,
                "received_online": online,
                "received_offline": offline,
                "carried_over": carried_m,
                "resolved_total": early + ontime + late,
                "resolved_early": early,
                "resolved_ontime": ontime,
                "resolved_late": late,
                "pending_total": int(pend.sum()),
                "pending_ontime": int(pend.sum()) - overdue,
                "pending_overdue": overdue,
            }
        )
    return counts


def _export_table(r: np.random.Generator, df: pd.DataFrame, unit_code: str, unit_name: str, year: int) -> pd.DataFrame:
    """The export as the provincial system writes it: one row per dossier, times of day drawn, FAKE personal columns."""
    names, fields = [p[0] for p in PROCEDURES], [p[1] for p in PROCEDURES]
    n = len(df)
    hours = r.integers(7, 17, size=n)
    minutes = r.integers(0, 60, size=n)
    return pd.DataFrame(
        {
            "STT": np.arange(1, n + 1),
            "MaHoSo": [f"H{unit_code}.{year}-{i + 1:06d}" for i in range(n)],
            "TenThuTuc": [names[p] for p in df["proc"]],
            "LinhVuc": [fields[p] for p in df["proc"]],
            "DonViXuLy": unit_name or unit_code,
            "NgayTiepNhan": [
                f"{pd.Timestamp(d):%d/%m/%Y} {h:02d}:{mm:02d}" for d, h, mm in zip(df["received"], hours, minutes)
            ],
            "NgayHenTra": [f"{pd.Timestamp(d):%d/%m/%Y}" for d in df["due"]],
            "NgayHoanThanh": ["" if pd.isna(d) else f"{pd.Timestamp(d):%d/%m/%Y} 16:30" for d in df["done"]],
            "NgayTraKetQua": ["" if pd.isna(d) else f"{pd.Timestamp(d):%d/%m/%Y}" for d in df["done"]],
            "KenhThucHien": df["channel"].astype(int),
            "TrangThai": ["Đang giải quyết" if pd.isna(d) else "Đã trả kết quả" for d in df["done"]],
            # FAKE personal columns: synthetic values, must be dropped on read
            "HoTenNguoiNop": [f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i // 8) % len(GIVEN)]}" for i in range(n)],
            "SoCCCD": [f"0540{(i * 7919) % 100000000:08d}" for i in range(n)],
            "SoDienThoai": [f"0900{(i * 37) % 1000000:06d}" for i in range(n)],
            "Email": [f"nguoinop{i:05d}@example.invalid" for i in range(n)],
            "DiaChi": [f"Thôn {1 + i % 9}, xã giả lập, tỉnh Phú Yên" for i in range(n)],
        }
    )
