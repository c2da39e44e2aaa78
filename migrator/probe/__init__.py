"""`vni-migrate probe`: time real, read-only API calls and predict which ones hit the 240 s cut.

One module per job: `endpoints` (what to probe, found in code or given), `credentials`
(environment only), `transport` (GET/HEAD only), `throttling` (Retry-After, backoff), `sampler`
(one timed request), `fitting` (percentiles, linear fits, sweep), `verdicts`, `background_roundtrip`,
`prober` (the plan per endpoint), `client` (building the read-only client), `json_report`, `table`.
"""
