# The NATS bridge consumer (ECS Fargate, linux/arm64). Built by `cdk deploy` from the repository root;
# the asset's exclude list in cdk/constructs/nats_bridge.py keeps the context to the Python sources.
FROM public.ecr.aws/docker/library/python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY layers ./layers
COPY statemachines ./statemachines
COPY functions ./functions
COPY api ./api
RUN pip install --no-cache-dir . && useradd --uid 10001 --no-create-home deca
USER 10001
CMD ["python", "-m", "functions.services.nats_bridge"]
