# The production image: gunicorn web, Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; PDFs need a CJK font and HarfBuzz subsetting (docs/decisions.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 ipcity && mkdir -p /data/media && chown -R ipcity /data
USER ipcity
EXPOSE 8000
CMD ["gunicorn", "ipcity.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
