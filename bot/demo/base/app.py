"""A small web service: the application of dockhand's demo repository."""

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health() -> str:
    return "ok"


@app.get("/")
def index() -> str:
    return "hello from the demo service"
