"""Small generated evidence files for the demo (a notice PDF, a photo-like image, a table),
used by every room's demo loader. Deterministic: the same arguments give the same bytes."""

import io
import random


def notice_pdf(title: str, body: str) -> bytes:
    from weasyprint import HTML

    html = (
        "<html><head><style>@page{size:A4;margin:25mm} body{font-family:'Noto Sans CJK SC',sans-serif;"
        "font-size:12pt;line-height:1.8} h1{text-align:center;font-size:18pt;color:#b00}</style></head>"
        f"<body><h1>{title}</h1><p>{body}</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def photo_png(seed: int) -> bytes:
    from matplotlib.figure import Figure

    rng = random.Random(seed)
    fig = Figure(figsize=(3.2, 2.0), dpi=60)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.imshow([[rng.random() for _ in range(8)] for _ in range(5)], cmap="Blues", aspect="auto")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def table_xlsx(rows: list[tuple]) -> bytes:
    from openpyxl import Workbook

    from ipcity.core.xlsx import safe_cell

    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            safe_cell(sheet.cell(row=r, column=c), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
