"""The webhook listener: Visma posts the state of a finished background job here."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

hooks = Blueprint("visma_hooks", __name__, url_prefix="/visma")

# What the listener learnt from each notification (a real one would store it).
RECEIVED: list[dict] = []


@hooks.route("/<int:tenant>/jobs", methods=["POST"])
def background_done(tenant: int):
    """One background job finished: remember which tenant and batch it belonged to."""
    batch = request.args.get("batch", type=int)
    state = request.get_json(silent=True) or {}
    RECEIVED.append({"tenant": tenant, "batch": batch, "job": state.get("id"), "status": state.get("status")})
    return jsonify(ok=True)


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(hooks)
    return app
