# The Tracegraph API (and CLI) for docker compose.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# the screening worker's allocator (resolution/allocator.py: glibc's malloc makes it creep)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY resolution ./resolution
COPY service ./service
COPY cypher ./cypher
RUN pip install --no-cache-dir .
RUN useradd --create-home tracegraph
USER tracegraph
# run folders (the demo, and what POST /match screens against) live in a volume shared by services
RUN mkdir -p /home/tracegraph/runs
EXPOSE 8000
CMD ["uvicorn", "service.app:app", "--host", "0.0.0.0", "--port", "8000"]
