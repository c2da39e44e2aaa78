"""VNI011 with VNI010 over real trees: the sender and the listener that serves its URL, fixed together."""

from __future__ import annotations

from pathlib import Path

from migrator.findings import FixSafety
from tests.webhooks.helpers import by_rule, fix, scan, tree

# The first lines of every migrated Flask handler (tests/webhooks/test_signature.py runs them).
SIGNATURE_CHECK = ('    if not visma_webhook.signature_ok(request.get_data(), request.headers):\n'
                   '        return "invalid webhook signature", 401\n')

SENDER = '''
def start(session, tenant, batch):
    return session.get("https://api.finance.visma.net/v1/customer",
                       headers={"erp-api-background": f"https://hooks.example.com/visma/{tenant}/jobs?batch={batch}"})
'''


def test_flask_blueprint_prefix_from_register_blueprint_in_another_module(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "app/sender.py": SENDER,
        "app/hooks.py": '''
            from flask import Blueprint, request

            bp = Blueprint("hooks", __name__)


            @bp.route("/<float:tenant>/jobs", methods=["POST"])
            def done(tenant):
                """Docstring stays first."""
                return {"tenant": tenant, "batch": request.args["batch"]}
            ''',
        "app/main.py": '''
            from flask import Flask
            from app.hooks import bp

            app = Flask(__name__)
            app.register_blueprint(bp, url_prefix="/visma/")
            ''',
    })
    result = fix(root)
    assert (root / "app/hooks.py").read_text() == (
        'from flask import Blueprint, request\nimport visma_webhook\n\nbp = Blueprint("hooks", __name__)\n\n\n'
        '@bp.route("/jobs", methods=["POST"])\ndef done():\n    """Docstring stays first."""\n'
        '    if not visma_webhook.signature_ok(request.get_data(), request.headers):\n'
        '        return "invalid webhook signature", 401\n'
        '    tenant = float(request.headers["tenant"])\n'
        '    return {"tenant": tenant, "batch": request.headers["batch"]}\n'
    )
    assert 'f"subscription:tenant={tenant},batch={batch}"' in (root / "app/sender.py").read_text()
    (sender,) = by_rule(result, "VNI010")
    assert "pointing at https://hooks.example.com/visma/jobs" in sender.message
    assert fix(root).changes == {}  # a second run changes nothing


def test_route_parameter_names_win_over_sender_variables(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "sender.py": '''
            def start(s, company):
                s.get("/x", headers={"erp-api-background": f"https://hooks.example.com/c/{company.id}/done"})
            ''',
        "listener.py": '''
            from flask import Flask, jsonify

            app = Flask(__name__)


            @app.post("/c/<int:company_id>/done")
            def done(company_id: int):
                return jsonify(company=company_id)
            ''',
    })
    fix(root)
    assert 'f"subscription:company-id={company.id}"' in (root / "sender.py").read_text()
    listener = (root / "listener.py").read_text()
    assert "from flask import Flask, jsonify, request\n" in listener
    assert '@app.post("/c/done")\ndef done():\n' + SIGNATURE_CHECK + '    company_id = int(request.headers["company-id"])\n' in listener


def test_literal_value_in_a_route_parameter_moves_too(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "both.py": '''
            from flask import Flask, request

            app = Flask(__name__)
            HEADERS = {"erp-api-background": "https://hooks.example.com/tenants/42/done"}


            @app.route("/tenants/<tenant>/done", methods=["POST"])
            def done(tenant):
                return tenant
            ''',
    })
    fix(root)
    text = (root / "both.py").read_text()
    assert '"subscription:tenant=42"' in text
    assert '@app.route("/tenants/done", methods=["POST"])\ndef done():\n' + SIGNATURE_CHECK + '    tenant = request.headers["tenant"]\n' in text


def test_fastapi_router_prefix_and_include_router_prefix(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "sender.py": SENDER.replace("/visma/", "/api/visma/"),
        "hooks.py": '''
            from fastapi import APIRouter

            router = APIRouter(prefix="/visma")


            @router.post("/{tenant}/jobs")
            def done(tenant: int, batch: int):
                return {"tenant": tenant, "batch": batch}
            ''',
        "main.py": '''
            from fastapi import FastAPI
            from hooks import router

            app = FastAPI()
            app.include_router(router, prefix="/api")
            ''',
    })
    result = fix(root)
    hooks = (root / "hooks.py").read_text()
    assert hooks.startswith("from fastapi import APIRouter, Header\nfrom typing import Annotated\n")  # AddImportsVisitor: after the imports
    assert '@router.post("/jobs")\ndef done(tenant: Annotated[int, Header()], batch: Annotated[int, Header()]):' in hooks
    (listener,) = by_rule(result, "VNI011")
    assert listener.extra["listener_path"] == "/api/visma/jobs" and listener.extra["framework"] == "fastapi"


def test_django_re_path_named_groups_include_prefix_and_view_in_views_py(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "shop/__init__.py": "",
        "shop/sender.py": '''
            def headers(order):
                return {"erp-api-background": f"https://hooks.example.com/hooks/orders/{order}/paid/?source=visma"}
            ''',
        "shop/urls.py": '''
            from django.urls import include, path

            urlpatterns = [path("hooks/", include("shop.hook_urls"))]
            ''',
        "shop/hook_urls.py": '''
            from django.urls import re_path

            from . import views

            urlpatterns = [re_path(r"^orders/(?P<order>[0-9]+)/paid/$", views.paid)]
            ''',
        "shop/views.py": '''
            from django.http import HttpResponse


            def paid(request, order):
                return HttpResponse(order + request.GET.get("source", ""))
            ''',
    })
    result = fix(root)
    assert 're_path(r"^orders/paid/$", views.paid)' in (root / "shop/hook_urls.py").read_text()
    assert (root / "shop/views.py").read_text().endswith(
        'def paid(request):\n    order = request.headers["order"]\n    return HttpResponse(order + request.headers.get("source", ""))\n')
    assert 'f"subscription:order={order},source=visma"' in (root / "shop/sender.py").read_text()
    assert {f.path.rsplit("/", 1)[-1] for f in by_rule(result, "VNI011")} == {"hook_urls.py", "views.py"}
    assert any("pointing at https://hooks.example.com/hooks/orders/paid/" in f.message for f in by_rule(result, "VNI010"))


def test_listener_it_cannot_rewrite_keeps_both_sides_untouched(tmp_path: Path) -> None:
    files = {
        "sender.py": SENDER,
        "hooks.py": '''
            from flask import Flask, request

            app = Flask(__name__)


            @app.post("/visma/<tenant>/jobs")
            def done(tenant):
                return {"tenant": tenant, **request.args}
            ''',
    }
    root = tree(tmp_path, files)
    before = {p: p.read_text() for p in root.rglob("*.py")}
    result = fix(root)
    assert {p: p.read_text() for p in root.rglob("*.py")} == before
    findings = by_rule(result, "VNI010") + by_rule(result, "VNI011")
    assert len(findings) == 2 and all(f.fix is FixSafety.MANUAL and not f.edits for f in findings)
    assert all("reads the query as a whole" in f.message for f in findings)


def test_suppressed_listener_keeps_the_sender_as_it_is(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "sender.py": SENDER,
        "hooks.py": '''
            from flask import Flask, request

            app = Flask(__name__)


            @app.post("/visma/<tenant>/jobs")
            # vni-migrate: ignore[VNI011] the proxy rewrites these URLs
            def done(tenant):
                return tenant
            ''',
    })
    before = {p: p.read_text() for p in root.rglob("*.py")}
    result = fix(root)
    assert {p: p.read_text() for p in root.rglob("*.py")} == before
    (sender,) = by_rule(result, "VNI010")
    assert sender.fix is FixSafety.MANUAL and "suppressed" in sender.message


def test_without_a_listener_route_the_sender_is_fixed_alone(tmp_path: Path) -> None:
    root = tree(tmp_path, {"sender.py": SENDER})
    result = fix(root)
    assert 'f"subscription:tenant={tenant},batch={batch}"' in (root / "sender.py").read_text()
    (sender,) = by_rule(result, "VNI010")
    assert "no listener route" in sender.message and by_rule(result, "VNI011") == []


def test_without_unsafe_fixes_nothing_changes_and_both_are_reported(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "sender.py": SENDER,
        "hooks.py": '''
            from flask import Flask

            app = Flask(__name__)


            @app.post("/visma/<tenant>/jobs")
            def done(tenant):
                return tenant
            ''',
    })
    before = {p: p.read_text() for p in root.rglob("*.py")}
    result = fix(root, unsafe=False)
    assert {p: p.read_text() for p in root.rglob("*.py")} == before
    assert [f.fix for f in by_rule(result, "VNI010") + by_rule(result, "VNI011")] == [FixSafety.REVIEW, FixSafety.REVIEW]
    assert len(by_rule(scan(root), "VNI011")) == 1


def test_routes_that_do_not_fit_are_left_alone(tmp_path: Path) -> None:
    listener = '''
        from flask import Flask, request

        app = Flask(__name__)


        @app.post("/other/<tenant>/jobs")
        def other(tenant):
            return request.args.get("batch")


        @app.post("/visma/<tenant>/jobs/<int:extra>")
        def longer(tenant, extra):
            return tenant
        '''
    root = tree(tmp_path, {"sender.py": SENDER, "hooks.py": listener})
    fix(root)
    assert (root / "hooks.py").read_text() == tree(tmp_path / "copy", {"hooks.py": listener}).joinpath("hooks.py").read_text()
