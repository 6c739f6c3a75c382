"""The HTTP service: FastAPI app with the Chainlit candidate chat mounted at /chat."""
