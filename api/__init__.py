"""The REST API: a FastAPI app (`api.app.create_app`), served by uvicorn locally and Mangum on Lambda."""
