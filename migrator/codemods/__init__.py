"""Rule kinds: one module per kind of codemod, each implementing the rules whose `kind` names it.

A kind module has `KIND` (the name used in rule files), `LANGUAGE`, optional
`validate_parameters(parameters) -> str | None`, and `findings(context, rule) -> list[Finding]`.
To add a kind, add a module here and list it in `KINDS`.
"""

from __future__ import annotations

from types import ModuleType

from migrator.codemods import (
    action_call,
    background_header_spelling,
    background_header_value,
    background_webhook,
    config_url,
    deployment_base,
    foreign_source,
    ipp_headers,
    location_host_allowlist,
    long_call,
    long_call_other_languages,
    project_flow,
    project_urls,
    residual,
    retired_endpoint,
    split_prefix,
    token_lifetime,
    unused_suppression,
    url_mention,
    url_rewrite,
    vni_auth,
    webhook_allowlist,
    webhook_http,
    webhook_listener,
)

KINDS: dict[str, ModuleType] = {
    module.KIND: module for module in (url_rewrite, split_prefix, url_mention, unused_suppression, webhook_allowlist, config_url, foreign_source)
}
KINDS.update(  # issue 4: background header, webhook, retired-endpoint and auth rules (VNI012-VNI035)
    {
        module.KIND: module
        for module in (
            background_header_spelling, background_header_value, webhook_http, retired_endpoint, vni_auth,
            ipp_headers, location_host_allowlist, token_lifetime,
        )
    }
)
KINDS.update({module.KIND: module for module in (long_call, action_call)})  # issue 5: VNI020 long calls, VNI021 actions
KINDS.update({module.KIND: module for module in (background_webhook, webhook_listener)})  # issue 4A: VNI010, VNI011
KINDS.update({module.KIND: module for module in (project_flow, deployment_base)})  # issue 3A: VNI005, VNI006
KINDS.update({module.KIND: module for module in (project_urls, residual)})
KINDS.update({long_call_other_languages.KIND: long_call_other_languages})  # VNI022: long calls in other languages
